//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseWrk(t *testing.T) {
	out := `Running 5s test @ http://127.0.0.1:8000/small.txt
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.01ms  30.00ms   90.00%
  100000 requests in 5.00s, 117.00MB read
Requests/sec:  19990.12
Transfer/sec:     23.40MB
WRK requests=100000 bytes=122683392 duration_us=5002500 socket_errors=3 status_errors=7
`
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	want := loadResult{requests: 100000, bytes: 122683392, seconds: 5.0025, socketErrs: 3, statusErrs: 7}
	if r != want {
		t.Errorf("parseWrk = %+v, want %+v", r, want)
	}
	for _, bad := range []string{"", "unable to connect to 127.0.0.1:1 Connection refused\n", "WRK requests=1 bytes=1 duration_us=0 socket_errors=0 status_errors=0\n"} {
		if r, err := parseWrk(bad); err == nil {
			t.Errorf("parseWrk(%q) = %+v, want an error", bad, r)
		}
	}
}

func TestParseH2load(t *testing.T) {
	out := `starting benchmark...
spawning thread #0: 20 total client(s). Timing-based test with 0s of warm-up time and 5s of main duration for measurements.
Application protocol: h2
Main benchmark duration is over for thread #0. Stopping all clients.

finished in 5.00s, 10000.00 req/s, 10.02MB/s
requests: 50000 total, 50200 started, 50000 done, 49990 succeeded, 10 failed, 4 errored, 2 timeout
status codes: 49990 2xx, 0 3xx, 6 4xx, 0 5xx
traffic: 50.15MB (52600000) total, 1.00MB (1050000) headers (space savings 95.00%), 48.83MB (51200000) data
                     min         max         mean         sd        +/- sd
time for request:      405us    113.11ms      6.44ms      9.40ms    93.43%
req/s           :     575.50      596.93      585.86       10.01    50.00%
`
	r, err := parseH2load(out)
	if err != nil {
		t.Fatal(err)
	}
	want := loadResult{requests: 50000, bytes: 52600000, seconds: 5, socketErrs: 6, statusErrs: 6}
	if r != want {
		t.Errorf("parseH2load = %+v, want %+v", r, want)
	}
	for _, bad := range []string{"", "No protocol negotiated. Aborted\n", strings.ReplaceAll(out, "10000.00 req/s", "0.00 req/s")} {
		if r, err := parseH2load(bad); err == nil {
			t.Errorf("parseH2load(%q) = %+v, want an error", bad, r)
		}
	}
}

func TestMedianAndSpread(t *testing.T) {
	for _, tc := range []struct {
		v            []float64
		median, sprd float64
		ok, sprdOK   bool
	}{
		{nil, 0, 0, false, false},
		{[]float64{5}, 5, 0, true, false},
		{[]float64{30, 10, 20}, 20, 100, true, true},
		{[]float64{4, 1, 3, 2}, 2.5, 120, true, true},
	} {
		m, ok := median(tc.v)
		if m != tc.median || ok != tc.ok {
			t.Errorf("median(%v) = %v, %v; want %v, %v", tc.v, m, ok, tc.median, tc.ok)
		}
		s, ok := spread(tc.v)
		if s != tc.sprd || ok != tc.sprdOK {
			t.Errorf("spread(%v) = %v, %v; want %v, %v", tc.v, s, ok, tc.sprd, tc.sprdOK)
		}
	}
}

// TestTable checks the medians, the ratios to nginx, Caddy, stdfs and the
// floor and of the floor to nginx, "-" where a server measured nothing,
// the bytes and CPU per answer, and the table of each server's browser
// rate over its curl rate.
func TestTable(t *testing.T) {
	res := results{}
	res.add("simplehttp", map[string]float64{smallRPS: 9000, peakRSS: 30, chromeSmall: 9000, chromeSmall + bytesSuffix: 300})
	res.add("simplehttp", map[string]float64{smallRPS: 11000, peakRSS: 20, chromeSmall: 5500, chromeSmall + bytesSuffix: 300})
	res.add("simplehttp", map[string]float64{smallRPS: 10000, peakRSS: 40, chromeSmall: 8000, chromeSmall + bytesSuffix: 300})
	res.add("nginx", map[string]float64{smallRPS: 40000, peakRSS: 15, chromeSmall: 20000, chromeSmall + bytesSuffix: 400})
	res.add("caddy", map[string]float64{smallRPS: 5000, chromeSmall + cpuSuffix: 12.34})
	res.add("stdfs", map[string]float64{smallRPS: 20000})
	for _, v := range []float64{12500, 8000, 20000} {
		res.add("floor", map[string]float64{smallRPS: v})
	}
	cfg := config{largeMiB: 256, many: 10000, idle: 1000, downloaders: 50}
	got := res.table(rows(cfg), []string{"simplehttp", "nginx", "caddy", "stdfs", "floor"}, 3)
	for _, want := range []string{
		`(?m)^scenario +simplehttp +nginx +caddy +stdfs +floor +ours÷nginx +ours÷caddy +ours÷stdfs +ours÷floor +floor÷nginx$`,
		`(?m)^1 KiB file, req/s ↑ +10,000 +40,000 +5,000 +20,000 +12,500 +0\.25 +2\.00 +0\.50 +0\.80 +0\.31$`,
		`(?m)^1 KiB file as Chrome asks, bytes per answer ↓ +300 +400 +- +- +- +0\.75 +- +- +- +-$`,
		`(?m)^1 KiB file as Chrome asks, server CPU µs per answer ↓ +- +- +12\.3 +- +- +- +- +- +- +-$`,
		`(?m)^peak RSS over the whole run, MiB ↓ +30\.0 +15\.0 +- +- +- +2\.00 +- +- +- +-$`,
		`(?m)^10,000-entry listing, req/s ↑ +- +- +- +- +- +- +- +- +- +-$`,
		`(?m)^as Chrome asks ÷ as curl asks, req/s +simplehttp +nginx$`,
		// simplehttp run by run: 9000/9000, 5500/11000, 8000/10000.
		`(?m)^1 KiB file, HTTP/1\.1 +0\.80 +0\.50$`,
		`(?m)^1 KiB file, HTTP/2 over TLS +- +-$`,
		`(?m)^spread between the 3 runs`,
		`(?m)^1 KiB file, req/s +20% +- +- +- +96%$`,
		`(?m)^ratios within each run, median of the runs:$`,
		// ours÷floor run by run: 9000/12500, 11000/8000, 10000/20000.
		`(?m)^1 KiB file, req/s +- +- +- +0\.72 +-$`,
		`(?m)^peak RSS over the whole run, MiB +- +- +- +- +-$`, // one nginx run for three of ours: no pairs
	} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("the table lacks %s:\n%s", want, got)
		}
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.runs != 3 || cfg.duration != 5*time.Second || cfg.largeMiB != 256 || cfg.many != 10000 ||
		cfg.idle != 1000 || cfg.downloaders != 50 || cfg.serverCPU == cfg.clientCPU {
		t.Errorf("defaults: %+v", cfg)
	}
	for _, bad := range [][]string{
		{"--runs", "0"}, {"--duration", "100ms"}, {"--server-cpu", "0"}, {"--large-mib", "-1"}, {"extra"}, {"--nope"},
	} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q): no error", bad)
		}
	}
}

// TestSmoke runs the harness for real, as small and short as it goes,
// against simplehttp and the floor: every scenario gives a number where
// the server runs it (the floor only the loads marked for it), and no
// server answers wrongly. (TestPeersAnswer checks the other servers'
// answers, which is quicker than loading them.) It needs wrk, taskset
// and h2load, which make bench-peers installs (and .ci/run, for CI=true).
func TestSmoke(t *testing.T) {
	for _, tool := range []string{"wrk", "taskset", "h2load"} {
		requireTool(t, tool)
	}
	cfg := smallConfig(t, builtServers(t), "simplehttp,floor")
	var out bytes.Buffer
	if err := run(cfg, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	report := out.String()
	head := strings.Fields(regexp.MustCompile(`(?m)^scenario .*$`).FindString(report))
	for _, r := range rows(cfg) {
		line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(r.label) + `.*$`).FindString(report)
		cells := regexp.MustCompile(`\s{2,}`).Split(line, -1)
		if len(cells) != len(head) {
			t.Fatalf("%d cells under %d heads in %q:\n%s", len(cells), len(head), line, report)
		}
		for i, c := range cells[1:] {
			if (c == "-") == columnMeasures(head[i+1], r.key) {
				t.Errorf("%q under %s in %q:\n%s", c, head[i+1], r.label, report)
			}
		}
	}
	for _, want := range []string{
		`(?m)^as Chrome asks ÷ as curl asks, req/s +simplehttp +floor$`,
		`(?m)^1 KiB file, HTTP/1\.1 +\d+\.\d\d +\d+\.\d\d$`,
		`(?m)^1 KiB file, HTTP/2 over TLS +\d+\.\d\d +\d+\.\d\d$`,
	} {
		if !regexp.MustCompile(want).MatchString(report) {
			t.Errorf("the browser ratios lack %s:\n%s", want, report)
		}
	}
	for _, problem := range []string{"did not answer", "exited", "GET ", "wrk:", "h2load:", "socket errors", "idle connections:", "skipped"} {
		if strings.Contains(report, problem) {
			t.Errorf("the report notes a failure (%q):\n%s", problem, report)
		}
	}
}

// TestPeersAnswer starts every server installed here, over HTTP and, if
// it serves it, over HTTPS, and checks its answers to each load it runs,
// as the first run of the harness does: the configurations written for
// nginx and Caddy serve the fixtures, compress what the request accepts,
// and speak HTTP/2 under TLS.
func TestPeersAnswer(t *testing.T) {
	requireTool(t, "taskset")
	cfg := smallConfig(t, builtServers(t), "")
	root, tmp := t.TempDir(), t.TempDir()
	if err := writeFixtures(root, cfg.largeMiB, cfg.many); err != nil {
		t.Fatal(err)
	}
	cert, err := writeCert(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range peers(cfg) {
		if why := unavailable(p.name, cfg); why != "" {
			t.Logf("%s: skipped: %s", p.name, why)
			continue
		}
		for _, c := range []*certPair{nil, cert} {
			if c != nil && !p.tlsCapable {
				continue
			}
			s, err := start(p, root, tmp, cfg.serverCPU, c)
			if err != nil {
				t.Errorf("%s: %v", p.name, err)
				continue
			}
			loads := plainLoads
			if c != nil {
				loads = tlsLoads
			}
			for _, problem := range checkAnswers(s, p.runs(loads), cfg.many) {
				t.Errorf("%s: %s", s.base, problem)
			}
			s.stop()
		}
	}
}

// binDir holds the servers buildServers built, for TestMain to remove.
var binDir string

// buildServers builds simplehttp, stdfs and the floor into a temporary
// directory, once for all the tests, and returns it.
var buildServers = sync.OnceValues(func() (string, error) {
	bin, err := os.MkdirTemp("", "bench-peers-bin-")
	if err != nil {
		return "", err
	}
	binDir = bin
	// One go build links the three at once; each is named after its folder.
	if out, err := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "../../cmd/simplehttp", "../stdfs", "../floor").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// builtServers is the directory of the servers built, or it fails t.
func builtServers(t *testing.T) string {
	bin, err := buildServers()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// smallConfig is the configuration of a run as small and short as it
// goes, of the servers built in bin (all of them for "").
func smallConfig(t *testing.T, bin, servers string) config {
	args := []string{
		"--ours", filepath.Join(bin, "simplehttp"), "--stdfs", filepath.Join(bin, "stdfs"), "--floor", filepath.Join(bin, "floor"),
		"--runs", "1", "--duration", "1s", "--warmup", "0",
		"--large-mib", "4", "--many", "100", "--idle", "20", "--downloaders", "4", "--scratch", t.TempDir(),
	}
	if servers != "" {
		args = append(args, "--servers", servers)
	}
	cfg, err := parseFlags(args)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// columnMeasures reports whether the column head (a server, or a ratio
// of ours or of the floor to one) holds a value in the row of key.
func columnMeasures(head, key string) bool {
	if num, den, ok := strings.Cut(head, "÷"); ok {
		return columnMeasures(strings.Replace(num, "ours", "simplehttp", 1), key) && columnMeasures(den, key)
	}
	var l load
	for _, each := range append(slices.Clone(plainLoads), tlsLoads...) {
		if each.key == key || each.key+bytesSuffix == key || each.key+cpuSuffix == key || each.key == largeCPU && key == largeMBps {
			l = each
		}
	}
	switch {
	case head == "floor":
		return l.yardstick
	case head == "stdfs" || head == "python":
		return !l.h2
	}
	return true
}

// requireTool skips the test when the tool name is not installed, or
// fails it when CI=true says every tool must be there.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("%s is not installed, and CI=true requires it", name)
	}
	t.Skipf("skipping: %s is not installed (make bench-peers installs it; CI=true makes this a failure)", name)
}

// TestPairedRatio: the ratios are taken run by run, so a run in which the
// whole machine was slow does not skew them as it skews the medians.
func TestPairedRatio(t *testing.T) {
	for _, tc := range []struct {
		ours, theirs []float64
		want         float64
		ok           bool
	}{
		{[]float64{10, 5, 12}, []float64{20, 10, 24}, 0.5, true}, // medians give 10/20 too
		{[]float64{10, 4, 12}, []float64{20, 10, 12}, 0.5, true}, // 0.5, 0.4, 1.0; medians would give 10/12
		{[]float64{10, 5}, []float64{20}, 0, false},
		{nil, nil, 0, false},
		{[]float64{1}, []float64{0}, 0, false},
	} {
		got, ok := pairedRatio(tc.ours, tc.theirs)
		if got != tc.want || ok != tc.ok {
			t.Errorf("pairedRatio(%v, %v) = %v, %v; want %v, %v", tc.ours, tc.theirs, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRecord checks what one load's run leaves: the rate, and the bytes
// and CPU per answer where the load asks for them, but no per-answer
// value, and a note, when not one answer came back.
func TestRecord(t *testing.T) {
	l := load{key: chromeScript, bytes: true, cpu: true}
	m := &measurer{p: peer{name: "x"}, cfg: config{duration: 5 * time.Second}, got: map[string]float64{}}
	m.record(l, loadResult{requests: 1000, bytes: 2_000_000, seconds: 5}, 0.5, 2000)
	want := map[string]float64{chromeScript: 200, chromeScript + bytesSuffix: 2000, chromeScript + cpuSuffix: 500}
	if !maps.Equal(m.got, want) || len(m.notes) != 0 {
		t.Errorf("got %v, notes %q; want %v", m.got, m.notes, want)
	}
	m = &measurer{p: peer{name: "x"}, cfg: config{duration: 5 * time.Second}, got: map[string]float64{}}
	m.record(l, loadResult{requests: 0, bytes: 1000, seconds: 5}, 0.5, 0)
	if !maps.Equal(m.got, map[string]float64{chromeScript: 0}) || len(m.notes) != 1 {
		t.Errorf("no answer: got %v, notes %q", m.got, m.notes)
	}
}

// TestWireBytes checks that one answer's size on the wire counts its
// status line, headers, body and chunked framing, and nothing else, and
// that the request carries the load's headers.
func TestWireBytes(t *testing.T) {
	for _, answer := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				got <- err.Error()
				return
			}
			defer c.Close()
			req, err := http.ReadRequest(bufio.NewReader(c))
			if err != nil {
				got <- err.Error()
				return
			}
			got <- req.Header.Get("Accept-Encoding")
			io.WriteString(c, answer)
			io.Copy(io.Discard, c) // until the client closes
		}()
		n, err := wireBytes(ln.Addr().String(), "/x", []string{"Accept-Encoding: zstd"})
		ln.Close()
		if err != nil || n != int64(len(answer)) {
			t.Errorf("%q: %d bytes, %v; want %d", answer, n, err, len(answer))
		}
		if h := <-got; h != "zstd" {
			t.Errorf("the request's Accept-Encoding: %q", h)
		}
	}
}
