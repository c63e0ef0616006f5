//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// wrkScript makes wrk print one line this program reads, after its own
// report. It defines no request or response hook, so wrk stays on its
// fast path. Its numbers are Lua's doubles: %.0f writes them whole where
// %d might cut them to 32 bits.
const wrkScript = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%.0f bytes=%.0f duration_us=%.0f socket_errors=%.0f status_errors=%.0f\n",
    summary.requests, summary.bytes, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status))
end
`

// wrkResult is what one wrk run measured.
type wrkResult struct {
	requests, bytes        int64
	seconds                float64
	socketErrs, statusErrs int64
}

// parseWrk finds the line of wrkScript in wrk's output.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	for line := range strings.Lines(out) {
		var us int64
		_, err := fmt.Sscanf(line, "WRK requests=%d bytes=%d duration_us=%d socket_errors=%d status_errors=%d",
			&r.requests, &r.bytes, &us, &r.socketErrs, &r.statusErrs)
		if err == nil && us > 0 {
			r.seconds = float64(us) / 1e6
			return r, nil
		}
	}
	return r, fmt.Errorf("no result in wrk's output: %q", lastLine([]byte(out)))
}

// runWrk loads url for d with conns connections over two threads. wrk
// runs on this program's core.
func runWrk(script, url string, conns int, d time.Duration) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	secs := strconv.Itoa(int(d.Round(time.Second) / time.Second))
	out, err := exec.CommandContext(ctx, "wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+secs+"s",
		"--timeout", "10s", "-s", script, url).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v: %s", err, lastLine(out))
	}
	return parseWrk(string(out))
}

// waitIdle waits, at most 30 s, until the server stops using CPU: a slow
// server may still be answering the requests the last load queued, which
// must not count against the next.
func waitIdle(pid int) {
	last := treeTicks(pid)
	for range 120 {
		time.Sleep(250 * time.Millisecond)
		now := treeTicks(pid)
		if now-last <= 1 {
			return
		}
		last = now
	}
}

// idleConnections opens n connections, makes one request on each so the
// server has seen them work, and leaves them idle. It returns them and
// how many the server kept open. A server that closes the first one after
// its answer, as Python's does, gets no more.
func idleConnections(addr string, n int) (conns []net.Conn, open int, err error) {
	dialer := net.Dialer{Deadline: time.Now().Add(30 * time.Second)}
	conns = make([]net.Conn, 0, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for i := range n {
		c, err := dialer.Dial("tcp", addr)
		if err != nil {
			closeAll(conns)
			return nil, 0, err
		}
		conns = append(conns, c)
		if i == 0 {
			if err := oneRequest(c); err != nil || countOpen(conns) == 0 {
				return conns, 0, err
			}
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs <- oneRequest(c)
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		if e != nil {
			closeAll(conns)
			return nil, 0, e
		}
	}
	time.Sleep(time.Second)
	return conns, countOpen(conns), nil
}

// oneRequest asks for small.txt on c and reads the whole answer.
func oneRequest(c net.Conn) error {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, "GET /small.txt HTTP/1.1\r\nHost: bench\r\n\r\n"); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// countOpen counts the connections the server has not closed: a read
// that times out finds one open, an EOF one closed.
func countOpen(conns []net.Conn) int {
	var open atomic.Int64
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			var b [1]byte
			if _, err := c.Read(b[:]); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					open.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(open.Load())
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// downloads runs n clients that each download url for d (or until
// done) and returns the download rate in MB/s.
func downloads(url string, n int, d time.Duration) (mbps float64) {
	begin := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, DisableCompression: true}}
	defer client.CloseIdleConnections()
	var total atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			resp, err := client.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			k, _ := io.Copy(io.Discard, resp.Body)
			total.Add(k)
		})
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(begin).Seconds() / 1e6
}

// entryRE finds the names of the listing fixture's files in a page.
var entryRE = regexp.MustCompile(`file-\d{5}\.txt`)

// checkAnswers asks a server once for what the scenarios load (the
// listing too, if listing) and returns what it got wrong, so that a fast
// wrong answer is not taken for a fast right one.
func checkAnswers(base string, many int, listing bool) []string {
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(path string) (int, string) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var problems []string
	if code, body := get(smallPath); code != 200 || len(body) != smallSize {
		problems = append(problems, fmt.Sprintf("GET %s: %d, %d bytes (want 200, %d)", smallPath, code, len(body), smallSize))
	}
	if code, _ := get(missingPath); code != 404 {
		problems = append(problems, fmt.Sprintf("GET %s: %d (want 404)", missingPath, code))
	}
	if !listing {
		return problems
	}
	code, body := get(manyPath)
	names := map[string]bool{}
	for _, m := range entryRE.FindAllString(body, -1) {
		names[m] = true
	}
	if code != 200 || len(names) != many {
		problems = append(problems, fmt.Sprintf("GET %s: %d, %d of %d entries", manyPath, code, len(names), many))
	}
	return problems
}

// writeScript writes wrkScript into dir and returns its name.
func writeScript(dir string) (string, error) {
	name := dir + "/report.lua"
	return name, os.WriteFile(name, []byte(wrkScript), 0o644)
}
