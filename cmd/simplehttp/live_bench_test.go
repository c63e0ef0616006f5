package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/assets"
)

// TestLiveMeasure measures --live for the README (make bench-live): the
// watcher's start on a tree of 100,000 files and its memory, the memory of
// 1,000 open live pages, and the latency from a file's write to its event
// (median and p99 of 50 edits). It runs only when SIMPLEHTTP_LIVE_BENCH is
// set: building the tree alone takes a while.
func TestLiveMeasure(t *testing.T) {
	if os.Getenv("SIMPLEHTTP_LIVE_BENCH") == "" {
		t.Skip("set SIMPLEHTTP_LIVE_BENCH=1 (make bench-live) to measure --live")
	}
	dir := t.TempDir()
	for d := range 1000 {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d/e%d", d, d%7))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := range 100 {
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%d.txt", f)), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	binary(t) // built before the clock starts
	start := time.Now()
	s := startBinary(t, nil, "-q", "--live", "-d", dir)
	s.stdout.waitFor(t, regexp.MustCompile(`Live reload on`), time.Minute)
	t.Logf("100,000 files in 2,001 folders: serving and watching after %s; RSS %s", time.Since(start).Round(time.Millisecond), mebibytes(procMemory(t, s.cmd.Process.Pid, "VmRSS")))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 1000}}
	var first *bufio.Reader
	for i := range 1000 {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.url+assets.Prefix()+"live-events", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		defer resp.Body.Close()
		if i == 0 {
			first = bufio.NewReader(resp.Body)
		}
	}
	t.Logf("1,000 live pages open: RSS %s", mebibytes(procMemory(t, s.cmd.Process.Pid, "VmRSS")))

	var lat []time.Duration
	for i := range 50 {
		p := filepath.Join(dir, "d500/e3/f1.txt")
		at := time.Now()
		if err := os.WriteFile(p, []byte(strconv.Itoa(i)), 0o644); err != nil {
			t.Fatal(err)
		}
		for {
			line, err := first.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(line, "data: {") {
				break
			}
		}
		lat = append(lat, time.Since(at))
	}
	slices.Sort(lat)
	t.Logf("reload latency, write to event, 50 edits (50 ms of quiet included): median %s, p99 %s",
		lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond))
}
