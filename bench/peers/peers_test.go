//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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
	want := wrkResult{requests: 100000, bytes: 122683392, seconds: 5.0025, socketErrs: 3, statusErrs: 7}
	if r != want {
		t.Errorf("parseWrk = %+v, want %+v", r, want)
	}
	for _, bad := range []string{"", "unable to connect to 127.0.0.1:1 Connection refused\n", "WRK requests=1 bytes=1 duration_us=0 socket_errors=0 status_errors=0\n"} {
		if r, err := parseWrk(bad); err == nil {
			t.Errorf("parseWrk(%q) = %+v, want an error", bad, r)
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

// TestTable checks the medians, the ratios to nginx, stdfs and the floor
// and of the floor to nginx, and "-" where a server measured nothing.
func TestTable(t *testing.T) {
	res := results{}
	res.add("simplehttp", map[string]float64{smallRPS: 9000, peakRSS: 30})
	res.add("simplehttp", map[string]float64{smallRPS: 11000, peakRSS: 20})
	res.add("simplehttp", map[string]float64{smallRPS: 10000, peakRSS: 40})
	res.add("nginx", map[string]float64{smallRPS: 40000, peakRSS: 15})
	res.add("stdfs", map[string]float64{smallRPS: 20000})
	for _, v := range []float64{12500, 8000, 20000} {
		res.add("floor", map[string]float64{smallRPS: v})
	}
	cfg := config{largeMiB: 256, many: 10000, idle: 1000, downloaders: 50}
	got := res.table(rows(cfg), []string{"simplehttp", "nginx", "stdfs", "floor"}, 3)
	for _, want := range []string{
		`(?m)^scenario +simplehttp +nginx +stdfs +floor +ours÷nginx +ours÷stdfs +ours÷floor +floor÷nginx$`,
		`(?m)^1 KiB file, req/s ↑ +10,000 +40,000 +20,000 +12,500 +0\.25 +0\.50 +0\.80 +0\.31$`,
		`(?m)^peak RSS over the whole run, MiB ↓ +30\.0 +15\.0 +- +- +2\.00 +- +- +-$`,
		`(?m)^10,000-entry listing, req/s ↑ +- +- +- +- +- +- +- +-$`,
		`(?m)^spread between the 3 runs`,
		`(?m)^1 KiB file, req/s +20% +- +- +96%$`,
		`(?m)^ratios within each run, median of the runs:$`,
		// ours÷floor run by run: 9000/12500, 11000/8000, 10000/20000.
		`(?m)^1 KiB file, req/s +- +- +0\.72 +-$`,
		`(?m)^peak RSS over the whole run, MiB +- +- +- +-$`, // one nginx run for three of ours: no pairs
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
// against simplehttp, stdfs and the floor (and nginx where it is
// installed): every scenario gives a number, the floor's only the 1 KiB
// file and the 404, and no server answers wrongly.
func TestSmoke(t *testing.T) {
	for _, tool := range []string{"wrk", "taskset"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipping: %s is not installed (make bench-peers installs it)", tool)
		}
	}
	bin := t.TempDir()
	for pkg, name := range map[string]string{"../../cmd/simplehttp": "simplehttp", "../stdfs": "stdfs", "../floor": "floor"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, name), pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	cfg, err := parseFlags([]string{
		"--ours", filepath.Join(bin, "simplehttp"), "--stdfs", filepath.Join(bin, "stdfs"), "--floor", filepath.Join(bin, "floor"),
		"--servers", "simplehttp,nginx,stdfs,floor", "--runs", "1", "--duration", "1s", "--warmup", "0",
		"--large-mib", "4", "--many", "100", "--idle", "20", "--downloaders", "4", "--scratch", t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
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
			yardstickOnly := r.key != smallRPS && r.key != missingRPS && strings.Contains(head[i+1], "floor")
			if (c == "-") != yardstickOnly {
				t.Errorf("%q under %s in %q:\n%s", c, head[i+1], r.label, report)
			}
		}
	}
	for _, problem := range []string{"did not answer", "exited", "GET ", "wrk:", "socket errors", "idle connections:"} {
		if strings.Contains(report, problem) {
			t.Errorf("the report notes a failure (%q):\n%s", problem, report)
		}
	}
	if _, err := os.Stat(filepath.Join(bin, "simplehttp")); err != nil {
		t.Fatal(err)
	}
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
