package main

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"regexp"
	"syscall"
	"testing"
	"time"
)

var interruptRE = regexp.MustCompile(`\nKeyboard interrupt received, exiting\.\n`)

// download fetches url and returns the length and CRC of what it got. It
// reports on started once the first 256 KiB are in, then waits until
// resume is closed before it reads the rest.
func download(client *http.Client, url string, started chan<- struct{}, resume <-chan struct{}) (int64, uint32, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("%s", resp.Status)
	}
	var sum uint32
	var n int64
	buf := make([]byte, 256<<10)
	for {
		k, err := io.ReadFull(resp.Body, buf)
		if n == 0 && k > 0 {
			started <- struct{}{}
			<-resume
		}
		n += int64(k)
		sum = crc32.Update(sum, crc32.IEEETable, buf[:k])
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return n, sum, nil // the caller checks the length
		}
		if err != nil {
			return n, sum, err
		}
	}
}

// TestBinaryGracefulShutdown: SIGINT during 20 large downloads, each
// started and then held until the signal. The server stops accepting at
// once, every download completes byte for byte within the grace period,
// then the server exits 0 with Python's message.
func TestBinaryGracefulShutdown(t *testing.T) {
	t.Parallel()
	const clients, size = 20, 32 << 20
	dir, data := bigFixture(t, size)
	want := crc32.ChecksumIEEE(data)
	s := startBinary(t, nil, "-q", "-d", dir)

	type result struct {
		n   int64
		sum uint32
		err error
	}
	results := make(chan result, clients)
	started, resume := make(chan struct{}, clients), make(chan struct{})
	for range clients {
		go func() {
			client := &http.Client{Transport: &http.Transport{}}
			defer client.CloseIdleConnections()
			n, sum, err := download(client, s.url+"/big.bin", started, resume)
			results <- result{n, sum, err}
		}()
	}
	for range clients {
		select {
		case <-started:
		case r := <-results:
			t.Fatalf("a download ended before all had started: %+v", r)
		case <-time.After(patience):
			t.Fatalf("downloads did not start within %s", patience)
		}
	}
	signalled := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	s.stdout.waitFor(t, interruptRE, patience)
	close(resume)
	// The listener is closed: a new client is refused.
	if c, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted after SIGINT")
	}
	for range clients {
		r := <-results
		if r.err != nil || r.n != size || r.sum != want {
			t.Errorf("download: %d bytes, crc %08x, %v; want %d bytes, crc %08x", r.n, r.sum, r.err, size, want)
		}
	}
	if code := s.waitExit(t, patience); code != 0 {
		t.Errorf("exit status %d after a graceful shutdown, want 0", code)
	}
	t.Logf("20 downloads of 32 MiB finished %s after SIGINT", time.Since(signalled).Round(time.Millisecond))
}

// TestBinarySecondSignal: while the server waits for a download that
// does not move, a second SIGINT ends it at once.
func TestBinarySecondSignal(t *testing.T) {
	t.Parallel()
	dir, _ := bigFixture(t, 64<<20)
	s := startBinary(t, nil, "-q", "-d", dir)
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := c.Read(make([]byte, 1)); err != nil { // in flight, then stalled
		t.Fatal(err)
	}
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	s.stdout.waitFor(t, interruptRE, patience)
	select {
	case <-s.exited:
		t.Fatal("the server exited with a download in flight")
	case <-time.After(300 * time.Millisecond): // a loaded machine can only make this pass falsely
	}
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// At once: well before the grace period, after which the server
	// would exit 0 on its own.
	if code := s.waitExit(t, defaultLimits.shutdownGrace/2); code == 0 {
		t.Errorf("exit status 0 after a second signal; want the signal's")
	}
	t.Logf("second SIGINT ended the server in %s", time.Since(start).Round(time.Millisecond))
}

// TestShutdownGraceRunsOut: answers still running when the grace period
// (200 ms) ends are cut off, and the server still exits cleanly, long
// before the stalled answer's write time-out (a minute).
func TestShutdownGraceRunsOut(t *testing.T) {
	dir, _ := bigFixture(t, 32<<20)
	lim := testLimits
	lim.shutdownGrace = 200 * time.Millisecond
	lim.write.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := newOutput(), newOutput()
	exited := make(chan int, 1)
	go func() { exited <- runWith(ctx, []string{"-q", "-b", "127.0.0.1", "0", "-d", dir}, stdout, stderr, lim) }()
	m := stdout.waitFor(t, bannerRE, patience)
	c, err := net.Dial("tcp", net.JoinHostPort(m[1], m[2]))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4096)
	io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := c.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("exit status %d", code)
		}
	case <-time.After(patience):
		t.Fatalf("still running %s after the grace period", patience)
	}
	t.Logf("shutdown took %s with a grace period of %s", time.Since(start), lim.shutdownGrace)
	stderr.waitFor(t, regexp.MustCompile(`simplehttp: answers still running after 200ms were cut off\n`), patience)
}
