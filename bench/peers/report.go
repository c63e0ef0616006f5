//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// results holds every run's value, by server and measurement.
type results map[string]map[string][]float64

func (res results) add(server string, got map[string]float64) {
	if res[server] == nil {
		res[server] = map[string][]float64{}
	}
	for k, v := range got {
		res[server][k] = append(res[server][k], v)
	}
}

// row is one line of the table.
type row struct {
	key, label string
	lower      bool // lower is better
}

// rows are the table's lines for cfg's sizes.
func rows(cfg config) []row {
	large := fmt.Sprintf("%d MiB file", cfg.largeMiB)
	listing := humanize.Comma(int64(cfg.many)) + "-entry listing"
	var out []row
	rate := func(key, label string) {
		out = append(out, row{key, label + ", req/s", false})
		for _, l := range append(slices.Clone(plainLoads), tlsLoads...) {
			if l.key != key {
				continue
			}
			if l.bytes {
				out = append(out, row{key + bytesSuffix, label + ", bytes per answer", true})
			}
			if l.cpu {
				out = append(out, row{key + cpuSuffix, label + ", server CPU µs per answer", true})
			}
		}
	}
	rate(smallRPS, "1 KiB file")
	rate(missingRPS, "404")
	rate(listingRPS, listing)
	rate(chromeSmall, "1 KiB file as Chrome asks")
	rate(chromeScript, "35 KiB script as Chrome asks")
	rate(chromeRandom, "4 KiB base64 of random bytes as Chrome asks")
	rate(chromeListing, listing+" as Chrome asks")
	rate(h2Small, "1 KiB file, HTTP/2 over TLS")
	rate(h2Chrome, "1 KiB file, HTTP/2 over TLS, as Chrome asks")
	return append(out,
		row{largeCPU, large + ", server CPU ms/GB", true},
		row{largeMBps, large + ", MB/s (client-bound)", false},
		row{peakRSS, "peak RSS over the whole run, MiB", true},
		row{idleRSS, fmt.Sprintf("RSS with %s idle keep-alive connections, MiB", humanize.Comma(int64(cfg.idle))), true},
		row{downRSS, fmt.Sprintf("peak RSS, %d clients downloading the %s, MiB", cfg.downloaders, large), true},
	)
}

// browserRatios are the rates of a request as Chrome sends it over the
// same request as curl sends it, for the same file: what asking as a
// browser asks costs each server.
var browserRatios = []struct{ num, den, label string }{
	{chromeSmall, smallRPS, "1 KiB file, HTTP/1.1"},
	{h2Chrome, h2Small, "1 KiB file, HTTP/2 over TLS"},
}

// median of the values; NaN-free: false when there are none.
func median(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2, true
	}
	return s[len(s)/2], true
}

// spread is (max − min) ÷ median, in percent.
func spread(v []float64) (float64, bool) {
	m, ok := median(v)
	if !ok || len(v) < 2 || m == 0 {
		return 0, false
	}
	return (slices.Max(v) - slices.Min(v)) / m * 100, true
}

// format writes a measured value: thousands apart, MiB and µs to a
// tenth.
func format(v float64, key string) string {
	switch {
	case key == peakRSS, key == idleRSS, key == downRSS, strings.HasSuffix(key, cpuSuffix):
		return fmt.Sprintf("%.1f", v)
	}
	return humanize.Comma(int64(v + 0.5))
}

// ratio is a column of ratios between two servers' values, headed
// label.
type ratio struct{ num, den, label string }

// ratios are the columns of ratios for servers, ours (servers[0]) first:
// ours to nginx, to Caddy, to stdfs and to the floor, then the floor to
// nginx.
func ratios(servers []string) []ratio {
	var out []ratio
	for _, peer := range []string{"nginx", "caddy", "stdfs", "floor"} {
		if slices.Contains(servers, peer) {
			out = append(out, ratio{servers[0], peer, "ours÷" + peer})
		}
	}
	if slices.Contains(servers, "floor") && slices.Contains(servers, "nginx") {
		out = append(out, ratio{"floor", "nginx", "floor÷nginx"})
	}
	return out
}

// table renders the medians, the ratios of their medians and, for more
// than one run, the spread between runs and the ratios run by run.
func (res results) table(rows []row, servers []string, runs int) string {
	head := append([]string{"scenario"}, servers...)
	cols := ratios(servers)
	for _, c := range cols {
		head = append(head, c.label)
	}
	lines := [][]string{head}
	for _, r := range rows {
		arrow := " ↑"
		if r.lower {
			arrow = " ↓"
		}
		line := []string{r.label + arrow}
		for _, s := range servers {
			line = append(line, cell(res[s][r.key], func(m float64) string { return format(m, r.key) }))
		}
		for _, c := range cols {
			num, okNum := median(res[c.num][r.key])
			den, okDen := median(res[c.den][r.key])
			if okNum && okDen && den != 0 {
				line = append(line, fmt.Sprintf("%.2f", num/den))
			} else {
				line = append(line, "-")
			}
		}
		lines = append(lines, line)
	}
	out := align(lines)
	out += res.browserTable(servers)
	if runs > 1 {
		out += fmt.Sprintf("\nspread between the %d runs, (max − min) ÷ median:\n", runs)
		spreadLines := [][]string{append([]string{"scenario"}, servers...)}
		for _, r := range rows {
			line := []string{r.label}
			for _, s := range servers {
				sp, ok := spread(res[s][r.key])
				line = append(line, map[bool]string{true: fmt.Sprintf("%.0f%%", sp), false: "-"}[ok])
			}
			spreadLines = append(spreadLines, line)
		}
		out += align(spreadLines)
		out += res.pairedTable(rows, cols)
	}
	return out
}

// pairedTable renders, for each column, the median of the ratios taken
// run by run: each run measures every server within minutes, so these
// ratios shed the drift of a noisy machine between runs that the ratio of
// medians keeps.
func (res results) pairedTable(rows []row, cols []ratio) string {
	if len(cols) == 0 {
		return ""
	}
	head := []string{"scenario"}
	for _, c := range cols {
		head = append(head, c.label)
	}
	lines := [][]string{head}
	for _, r := range rows {
		line := []string{r.label}
		for _, c := range cols {
			v, ok := pairedRatio(res[c.num][r.key], res[c.den][r.key])
			line = append(line, map[bool]string{true: fmt.Sprintf("%.2f", v), false: "-"}[ok])
		}
		lines = append(lines, line)
	}
	return "\nratios within each run, median of the runs:\n" + align(lines)
}

// browserTable renders, for each server that ran both, the browserRatios
// taken run by run (the median of the runs').
func (res results) browserTable(servers []string) string {
	head := []string{"as Chrome asks ÷ as curl asks, req/s"}
	var cols []string
	for _, s := range servers {
		if _, ok := res[s][browserRatios[0].num]; ok {
			head = append(head, s)
			cols = append(cols, s)
		}
	}
	if len(cols) == 0 {
		return ""
	}
	lines := [][]string{head}
	for _, b := range browserRatios {
		line := []string{b.label}
		for _, s := range cols {
			v, ok := pairedRatio(res[s][b.num], res[s][b.den])
			line = append(line, map[bool]string{true: fmt.Sprintf("%.2f", v), false: "-"}[ok])
		}
		lines = append(lines, line)
	}
	return "\n" + align(lines)
}

// pairedRatio is the median of ours[i] ÷ theirs[i], when both hold a
// value for every run (else the runs cannot be paired).
func pairedRatio(ours, theirs []float64) (float64, bool) {
	if len(ours) == 0 || len(ours) != len(theirs) {
		return 0, false
	}
	ratios := make([]float64, 0, len(ours))
	for i := range ours {
		if theirs[i] == 0 {
			return 0, false
		}
		ratios = append(ratios, ours[i]/theirs[i])
	}
	return median(ratios)
}

// cell is the median of v, formatted, or "-" when nothing was measured.
func cell(v []float64, f func(float64) string) string {
	if m, ok := median(v); ok {
		return f(m)
	}
	return "-"
}

// align pads the columns: the first to the left, the others to the right.
func align(lines [][]string) string {
	width := map[int]int{}
	for _, l := range lines {
		for i, c := range l {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for _, l := range lines {
		for i, c := range l {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// header describes the run: when, on what, with which versions.
func header(cfg config, servers []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "bench-peers %s: medians of %d runs, %s per load after %s of warm-up\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), cfg.runs, cfg.duration, cfg.warmup)
	fmt.Fprintf(&b, "machine: %s, %d cores, Linux %s; servers on core %d, wrk on core %d\n",
		cpuModel(), cpuCount(), strings.TrimSpace(readString("/proc/sys/kernel/osrelease")), cfg.serverCPU, cfg.clientCPU)
	versions := []string{"simplehttp " + firstLine(exec.Command(cfg.ours, "--version")), "Go " + strings.TrimPrefix(runtime.Version(), "go")}
	if slices.Contains(servers, "nginx") {
		versions = append(versions, strings.TrimPrefix(firstLine(exec.Command("nginx", "-v")), "nginx version: "))
	}
	if slices.Contains(servers, "caddy") {
		version, _, _ := strings.Cut(firstLine(exec.Command("caddy", "version")), " ")
		versions = append(versions, "Caddy "+version)
	}
	if slices.Contains(servers, "python") {
		versions = append(versions, firstLine(exec.Command("python3", "--version")))
	}
	versions = append(versions, firstLine(exec.Command("wrk", "-v")))
	if _, err := exec.LookPath("h2load"); err == nil {
		versions = append(versions, firstLine(exec.Command("h2load", "--version")))
	}
	fmt.Fprintf(&b, "versions: %s\n\n", strings.Join(versions, ", "))
	return b.String()
}

func firstLine(cmd *exec.Cmd) string {
	out, _ := cmd.CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

func readString(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

func cpuModel() string {
	for line := range strings.Lines(readString("/proc/cpuinfo")) {
		if rest, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimLeft(rest, " \t:"))
		}
	}
	return "unknown CPU"
}

// cpuCount counts the machine's cores, not this program's (it is pinned).
func cpuCount() int {
	n := 0
	for line := range strings.Lines(readString("/proc/cpuinfo")) {
		if strings.HasPrefix(line, "processor") {
			n++
		}
	}
	return n
}
