//go:build linux

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
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

// loadResult is what one run of wrk or h2load measured: requests
// answered, bytes received (headers and bodies, and under HTTP/2 its
// frames), socket errors and answers ≥ 400.
type loadResult struct {
	requests, bytes        int64
	seconds                float64
	socketErrs, statusErrs int64
}

// parseWrk finds the line of wrkScript in wrk's output.
func parseWrk(out string) (loadResult, error) {
	var r loadResult
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

// runWrk loads url for d with conns connections over two threads,
// sending headers ("Name: value") with each request. wrk runs on this
// program's core.
func runWrk(script, url string, conns int, headers []string, d time.Duration) (loadResult, error) {
	args := []string{"-t2", "-c" + strconv.Itoa(conns), "-d" + seconds(d), "--timeout", "10s", "-s", script}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := runClient(d, "wrk", append(args, url)...)
	if err != nil {
		return loadResult{}, err
	}
	return parseWrk(out)
}

// h2Streams is how many requests h2load keeps in flight on each
// connection, as a browser does on one HTTP/2 connection.
const h2Streams = 10

// runH2load loads url, an https:// one, for d over HTTP/2 with conns
// connections of h2Streams streams each, in one thread, sending headers
// ("Name: value") with each request. h2load runs on this program's core.
func runH2load(url string, conns int, headers []string, d time.Duration) (loadResult, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-m" + strconv.Itoa(h2Streams), "-D", seconds(d)}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := runClient(d, "h2load", append(args, url)...)
	if err != nil {
		return loadResult{}, err
	}
	return parseH2load(out)
}

// runClient runs a load generator for a load of d, and returns its output.
func runClient(d time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s: %v: %s", name, err, lastLine(out))
	}
	return string(out), nil
}

// seconds is d in whole seconds, as wrk and h2load take it.
func seconds(d time.Duration) string {
	return strconv.Itoa(int(d.Round(time.Second) / time.Second))
}

// parseH2load reads h2load's summary: its rate, its count of requests
// and of those that failed, and its traffic in bytes.
func parseH2load(out string) (loadResult, error) {
	var r loadResult
	var rps float64
	var done, failed, errored, timeout int64
	found := 0
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "finished in "):
			if _, rest, ok := strings.Cut(line, ", "); ok {
				if _, err := fmt.Sscanf(rest, "%f req/s", &rps); err == nil {
					found++
				}
			}
		case strings.HasPrefix(line, "requests: "):
			if _, err := fmt.Sscanf(line, "requests: %d total, %d started, %d done, %d succeeded, %d failed, %d errored, %d timeout",
				new(int64), new(int64), &done, new(int64), &failed, &errored, &timeout); err == nil {
				found++
			}
		case strings.HasPrefix(line, "traffic: "):
			if i := strings.Index(line, "("); i >= 0 {
				if _, err := fmt.Sscanf(line[i:], "(%d) total", &r.bytes); err == nil {
					found++
				}
			}
		}
	}
	if found != 3 || rps <= 0 || done <= 0 {
		return r, fmt.Errorf("no result in h2load's output: %q", lastLine([]byte(out)))
	}
	// Its rate is of the requests done; those failed count the answers
	// with a status ≥ 400 and those errored, which broke off.
	r.requests = done
	r.seconds = float64(done) / rps
	r.socketErrs = errored + timeout
	r.statusErrs = failed - errored
	return r, nil
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
	_, err := getOnce(c, smallPath, nil)
	return err
}

// getOnce asks for path on c over HTTP/1.1, sending headers ("Name:
// value"), reads the whole answer and returns how many bytes it took on
// the wire: status line, headers, body and its chunked framing.
func getOnce(c net.Conn, path string, headers []string) (wire int64, err error) {
	c.SetDeadline(time.Now().Add(30 * time.Second))
	defer c.SetDeadline(time.Time{})
	req := "GET " + path + " HTTP/1.1\r\nHost: bench\r\n"
	for _, h := range headers {
		req += h + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		return 0, err
	}
	counted := &countingReader{r: c}
	resp, err := http.ReadResponse(bufio.NewReader(counted), nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return counted.n, err
}

// wireBytes is the size on the wire of one answer to a GET of path with
// headers, asked for over HTTP/1.1 on a connection of its own to addr.
// wrk's byte count over a load is no measure of it when the answers are
// few: it holds the parts of the answers cut off when the load ends.
func wireBytes(addr, path string, headers []string) (int64, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return getOnce(c, path, headers)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
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

// checkAnswers asks s once for what each of loads loads (all but the
// large file), as the load asks, and returns what it got wrong, so that
// a fast wrong answer is not taken for a fast right one: the status, the
// body once decoded (the fixture's bytes, or every entry of the listing),
// a coding the request did not accept, HTTP/2 where s serves HTTPS.
func checkAnswers(s *running, loads []load, many int) []string {
	client := s.cert.client(30 * time.Second)
	defer client.CloseIdleConnections()
	texts := fixtureTexts()
	var problems []string
	for _, l := range loads {
		if l.path == largePath {
			continue
		}
		problem := func(format string, args ...any) {
			problems = append(problems, fmt.Sprintf("GET %s (%s): ", l.path, l.key)+fmt.Sprintf(format, args...))
		}
		resp, body, err := fetch(client, s.base+l.path, l.headers)
		if err != nil {
			problem("%v", err)
			continue
		}
		if s.cert != nil && resp.ProtoMajor != 2 {
			problem("%s, want HTTP/2", resp.Proto)
		}
		if coded := resp.Header.Get("Content-Encoding"); coded != "" && !slices.ContainsFunc(l.headers, acceptsEncoding) {
			problem("coded with %s, which the request did not accept", coded)
		}
		switch want, isText := texts[l.path]; {
		case l.path == missingPath:
			if resp.StatusCode != 404 {
				problem("%d, want 404", resp.StatusCode)
			}
		case l.path == manyPath:
			names := map[string]bool{}
			for _, m := range entryRE.FindAll(body, -1) {
				names[string(m)] = true
			}
			if resp.StatusCode != 200 || len(names) != many {
				problem("%d, %d of %d entries", resp.StatusCode, len(names), many)
			}
		case isText && (resp.StatusCode != 200 || !bytes.Equal(body, want)):
			problem("%d, %d bytes once decoded, not the fixture's %d", resp.StatusCode, len(body), len(want))
		}
	}
	return problems
}

// acceptsEncoding reports whether h, a header line, is Accept-Encoding.
func acceptsEncoding(h string) bool {
	name, _, _ := strings.Cut(h, ":")
	return strings.EqualFold(name, "Accept-Encoding")
}

// fetch gets url with headers ("Name: value") and returns the answer and
// its body, decoded from its Content-Encoding.
func fetch(client *http.Client, url string, headers []string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	body, err := decode(resp.Header.Get("Content-Encoding"), raw)
	return resp, body, err
}

// decode undoes the content coding c (one of those browsers accept).
func decode(c string, b []byte) ([]byte, error) {
	var r io.Reader
	switch c {
	case "", "identity":
		return b, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r = zr
	case "deflate": // RFC 9110's deflate is zlib's format
		zr, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("unknown Content-Encoding %q", c)
	}
	return io.ReadAll(r)
}

// writeScript writes wrkScript into dir and returns its name.
func writeScript(dir string) (string, error) {
	name := dir + "/report.lua"
	return name, os.WriteFile(name, []byte(wrkScript), 0o644)
}
