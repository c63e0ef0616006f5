package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The hostile clients run against the server in this process with short
// time-outs (testLimits). Each is bounded in count and time, and each is
// followed by checkPrompt: a normal client is still served.

// hostileFixture starts a server with lim on a directory with one small
// file.
func hostileFixture(t *testing.T, lim limits) *server {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("a\n"))
	return startInProcess(t, lim, "-q", "-d", dir)
}

// exchange sends raw bytes on a new connection and returns all that comes
// back until the server closes it.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(patience))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil && !isReset(err) {
		t.Fatalf("reading the answer to %q: %v (got %q)", shorten(raw), err, shorten(string(b)))
	}
	return string(b)
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// statusRE finds status lines; the fixture's bodies hold none.
var statusRE = regexp.MustCompile(`HTTP/1\.[01] (\d{3})`)

// statuses are the status codes of the answers in raw.
func statuses(raw string) string {
	var codes []string
	for _, m := range statusRE.FindAllStringSubmatch(raw, -1) {
		codes = append(codes, m[1])
	}
	return strings.Join(codes, " ")
}

func TestHostileMalformedRequests(t *testing.T) {
	s := hostileFixture(t, testLimits)
	tests := []struct {
		name, raw, want string
	}{
		{"garbage", "GARBAGE\r\n\r\n", "400"},
		{"no target", "GET\r\n\r\n", "400"},
		{"bad version", "GET / FOO/1.1\r\n\r\n", "400"},
		{"HTTP/9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "505"},
		{"bad method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		{"NUL in target", "GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		{"control character in target", "GET /\x1b[2J HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", "400"},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"},
		{"header without colon", "GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n", "400"},
		{"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", "400"},
		{"two lengths", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "400"},
		{"bad length", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "400"},
		{"unknown transfer coding", "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "501"},
		{"TLS handshake", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", "400"},
		{"absolute target", "GET http://evil.example/a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "200"},
		{"CONNECT", "CONNECT a.txt:80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "405"},
		{"HTTP/1.0 without Host", "GET /a.txt HTTP/1.0\r\n\r\n", "200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := statuses(exchange(t, s.addr, tc.raw)); got != tc.want {
				t.Errorf("answers %q, want %q", got, tc.want)
			}
		})
	}
	checkPrompt(t, s)
}

func TestHostileLongTargetAndHeaders(t *testing.T) {
	s := hostileFixture(t, testLimits)
	long := "/" + strings.Repeat("a", maxTarget)
	tests := []struct {
		name, raw, want string
	}{
		{"target of 8 KiB", "GET /a.txt?" + strings.Repeat("q", maxTarget-len("/a.txt?")) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "200"},
		{"target over 8 KiB", "GET " + long + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "414"},
		{"target over the header limit", "GET /" + strings.Repeat("a", 80<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", "431"},
		{"one huge header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 80<<10) + "\r\n\r\n", "431"},
		{"many headers", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Many: 0123456789abcdef0123456789abcdef\r\n", 3000) + "\r\n", "431"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := statuses(exchange(t, s.addr, tc.raw)); got != tc.want {
				t.Errorf("answers %q, want %q", got, tc.want)
			}
		})
	}
	checkPrompt(t, s)
}

// TestHostilePipelinedGarbage: a good request, then garbage on the same
// connection: the good one is answered, the garbage gets 400, and the
// connection ends.
func TestHostilePipelinedGarbage(t *testing.T) {
	s := hostileFixture(t, testLimits)
	raw := "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage \x00\x01\xff\r\n\r\n" +
		"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
	if got := statuses(exchange(t, s.addr, raw)); got != "200 200 400" {
		t.Errorf("answers %q, want 200 200 400", got)
	}
	checkPrompt(t, s)
}

// TestHostileHalfClosed: a client that shuts down its sending side after
// a whole request still gets its answer; one that does so mid-request
// gets 400, at once; one that sends nothing gets nothing. "At once":
// before the read-header time-out, which is a minute here.
func TestHostileHalfClosed(t *testing.T) {
	lim := testLimits
	lim.readHeaderTimeout = time.Minute
	s := hostileFixture(t, lim)
	for _, tc := range []struct {
		name, raw, want string
	}{
		{"after the request", "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", "200"},
		{"mid-request", "GET /a.txt HTTP/1.1\r\nHost:", "400"},
		{"before anything", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					t.Fatal(err)
				}
				io.WriteString(c, tc.raw)
				c.(*net.TCPConn).CloseWrite()
				c.SetReadDeadline(time.Now().Add(patience))
				b, err := io.ReadAll(c)
				c.Close()
				if err != nil {
					t.Fatalf("%v after %q", err, shorten(string(b)))
				}
				if got := statuses(string(b)); got != tc.want {
					t.Fatalf("answers %q, want %q", got, tc.want)
				}
			}
		})
	}
	checkPrompt(t, s)
}

// TestHostileSlowloris: clients that trickle their headers are cut off by
// the read-header time-out (300 ms; a loaded machine only delays it, so
// each client trickles for as long as patience allows) while others are
// served.
func TestHostileSlowloris(t *testing.T) {
	lim := headerLimits()
	s := hostileFixture(t, lim)
	const n = 100
	var wg sync.WaitGroup
	held := make(chan time.Duration, n) // how long the clients not cut off trickled
	for range n {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Go(func() {
			start := time.Now()
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
			for i := 0; time.Since(start) < patience; i++ {
				if _, err := fmt.Fprintf(c, "X-%d: %d\r\n", i, i); err != nil {
					return // closed by the server
				}
				c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				if _, err := c.Read(make([]byte, 512)); err != nil && !isTimeout(err) {
					return // closed by the server
				}
			}
			held <- time.Since(start)
		})
	}
	checkPrompt(t, s)
	wg.Wait()
	close(held)
	for d := range held {
		t.Fatalf("a slowloris client held on for %s (read-header time-out %s)", d, lim.readHeaderTimeout)
	}
	checkPrompt(t, s)
}

// TestHostileIdleConnections: 1,000 kept-alive connections that go quiet
// do not stop a normal client, and the idle time-out closes them all;
// 1,000 that never send a byte are closed by the read-header time-out.
// (Each is the only time-out that can close them in patience: the other
// is longer.)
func TestHostileIdleConnections(t *testing.T) {
	n := maxOpenConns(t, 1000)
	for _, mode := range []string{"kept alive", "silent"} {
		t.Run(mode, func(t *testing.T) {
			lim := testLimits
			lim.readHeaderTimeout = time.Minute
			if mode == "silent" {
				lim = headerLimits()
				lim.idleTimeout = time.Minute
			}
			s := hostileFixture(t, lim)
			conns := make([]net.Conn, 0, n)
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for range n {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					t.Fatalf("after %d connections: %v", len(conns), err)
				}
				conns = append(conns, c)
				if mode == "kept alive" {
					io.WriteString(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
				}
			}
			if mode == "kept alive" {
				deadline := time.Now().Add(patience)
				for _, c := range conns {
					c.SetReadDeadline(deadline)
					resp, err := http.ReadResponse(bufio.NewReader(c), nil)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
				}
			}
			checkPrompt(t, s)
			deadline := time.Now().Add(patience)
			for i, c := range conns {
				c.SetReadDeadline(deadline)
				if _, err := c.Read(make([]byte, 1)); isTimeout(err) {
					t.Fatalf("connection %d still open %s after it went quiet", i, patience)
				}
			}
			checkPrompt(t, s)
		})
	}
}
