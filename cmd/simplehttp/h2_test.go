package main

import (
	"crypto/tls"
	be "encoding/binary"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// h2Frame is an HTTP/2 frame as RFC 9113 section 4.1 lays it out.
func h2Frame(kind, flags byte, stream uint32, payload []byte) []byte {
	f := make([]byte, 9, 9+len(payload))
	f[0], f[1], f[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	f[3], f[4] = kind, flags
	be.BigEndian.PutUint32(f[5:], stream)
	return append(f, payload...)
}

// h2Get is the start of an HTTP/2 connection whose client allows no
// response data at all (an initial window of 0, never raised), then a GET
// of path on stream 1. The header block uses HPACK's static table and
// literals only (RFC 7541), so no encoder is needed.
func h2Get(path string) []byte {
	const (
		frameHeaders  = 0x1
		frameSettings = 0x4
		settingWindow = 0x4
		endStream     = 0x1
		endHeaders    = 0x4
	)
	var b []byte
	b = append(b, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"...)
	b = append(b, h2Frame(frameSettings, 0, 0, []byte{0, settingWindow, 0, 0, 0, 0})...)
	block := []byte{0x82, 0x87} // :method GET, :scheme https
	block = append(block, 0x04, byte(len(path)))
	block = append(block, path...)      // :path, literal value
	block = append(block, 0x01, 1, 'x') // :authority x
	return append(b, h2Frame(frameHeaders, endStream|endHeaders, 1, block)...)
}

// TestStalledHTTP2StreamIsCutOff: an HTTP/2 client that grants no flow
// control window never blocks the connection's socket (the server only
// waits for the window), so the listener's per-write deadlines never fire;
// the stream's own write deadline must cut it off.
func TestStalledHTTP2StreamIsCutOff(t *testing.T) {
	const size = 32 << 20
	dir, _ := bigFixture(t, size)
	s := startInProcess(t, slowReaderLimits(), "-d", dir, "--tls-self-signed")
	c, err := tls.Dial("tcp", s.addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p := c.ConnectionState().NegotiatedProtocol; p != "h2" {
		t.Fatalf("ALPN chose %q", p)
	}
	if _, err := c.Write(h2Get("/big.bin")); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, c) // read what comes (headers, pings), grant nothing
	m := s.stderr.waitFor(t, regexp.MustCompile(`"GET /big.bin HTTP/2.0" 200 (\d+|-)`), patience)
	if sent, _ := strconv.Atoi(m[1]); sent >= size {
		t.Errorf("the stalled stream was sent the whole file (%d bytes)", sent)
	}
}

// h2Client is an HTTP client that speaks only HTTP/2 over TLS and trusts
// any certificate.
func h2Client(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// TestSlowHTTP2ReaderCompletes: over HTTP/2, a download that takes
// several times the write time-out completes, as long as the client keeps
// reading.
func TestSlowHTTP2ReaderCompletes(t *testing.T) {
	dir, data := bigFixture(t, 2<<20)
	s := startInProcess(t, slowReaderLimits(), "-q", "-d", dir, "--tls-self-signed")
	resp, err := h2Client(t).Get(httpsURL(s) + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("protocol %s, want HTTP/2", resp.Proto)
	}
	readSlowly(t, resp.Body, data)
}

// TestHTTP2UploadIdleTimeout: over HTTP/2, an upload whose body stops
// coming is cut off by the upload idle time-out (2 s, not the 300 ms of
// bodies nobody reads) and nothing is stored, while one that keeps coming
// slowly, for longer than that time-out in all, is stored.
func TestHTTP2UploadIdleTimeout(t *testing.T) {
	dir := t.TempDir()
	s := startInProcess(t, testLimits, "--upload", "-d", dir, "--tls-self-signed")
	client := h2Client(t)

	pr, pw := io.Pipe()
	go func() {
		sendSlowly(pw)
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPut, httpsURL(s)+"/slow.txt", pr)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.ProtoMajor != 2 {
		t.Errorf("slow upload: %s %s", resp.Proto, resp.Status)
	}
	sameFile(t, filepath.Join(dir, "slow.txt"), slowBody)

	stalled, stall := io.Pipe()
	defer stall.Close()
	go io.WriteString(stall, "half")
	req, _ = http.NewRequest(http.MethodPut, httpsURL(s)+"/stalled.txt", stalled)
	req.ContentLength = 100
	start := time.Now()
	resp, err = client.Do(req)
	switch {
	case err == nil:
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("stalled upload answered %s", resp.Status)
		}
	case isTimeout(err):
		t.Fatalf("the stalled upload was not cut off before the client gave up, after %s", client.Timeout)
	}
	// A loaded machine only delays the time-out: the bound that must
	// hold is the lower one.
	if d := time.Since(start); d < testLimits.uploadIdleTimeout*9/10 {
		t.Errorf("a stalled upload was cut off after %s, before the upload idle time-out (%s)", d, testLimits.uploadIdleTimeout)
	}
	s.stderr.waitFor(t, regexp.MustCompile(`"PUT /stalled.txt HTTP/2.0" [45]\d\d`), patience)
	if _, err := os.Stat(filepath.Join(dir, "stalled.txt")); err == nil {
		t.Error("the stalled upload was stored")
	}
}

// TestTLSSilentClientsAreCutOff: a client that opens a connection and
// never says hello is closed by the read-header time-out (the idle one
// is a minute here, more than waitClosed waits); one that finishes the
// TLS handshake and never sends a request (HTTP/1.1 or HTTP/2) is closed
// after the time-outs, as over plain HTTP.
func TestTLSSilentClientsAreCutOff(t *testing.T) {
	lim := headerLimits()
	lim.idleTimeout = time.Minute
	s := startInProcess(t, lim, "-q", "-d", t.TempDir(), "--tls-self-signed")
	raw, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	t.Logf("no TLS hello: closed after %s", waitClosed(t, raw))

	s = startInProcess(t, headerLimits(), "-q", "-d", t.TempDir(), "--tls-self-signed")

	for _, proto := range []string{"http/1.1", "h2"} {
		c, err := tls.Dial("tcp", s.addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{proto}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if proto == "h2" {
			c.Write([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))
			c.Write(h2Frame(0x4, 0, 0, nil)) // an empty SETTINGS, then silence
		}
		t.Logf("%s, no request: closed after %s", proto, waitClosed(t, c))
	}
}
