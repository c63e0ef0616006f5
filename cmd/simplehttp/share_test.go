package main

import (
	"net"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFallbackPorts(t *testing.T) {
	if got, want := fallbackPorts(8000), []int{8001, 8002, 8003, 8004, 8005, 8006, 8007, 8008, 8009, 8010, 0}; !slices.Equal(got, want) {
		t.Errorf("fallbackPorts(8000) = %v, want %v", got, want)
	}
	if got, want := fallbackPorts(65534), []int{65535, 0}; !slices.Equal(got, want) {
		t.Errorf("fallbackPorts(65534) = %v, want %v", got, want)
	}
}

// occupy8000 makes sure something listens on 127.0.0.1:8000 for the rest
// of the test: this test's own socket, or whatever already holds it.
func occupy8000(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:8000")
	if err != nil {
		c, dialErr := net.DialTimeout("tcp", "127.0.0.1:8000", time.Second)
		if dialErr != nil {
			t.Fatalf("cannot listen on 8000 (%v) and nothing answers there (%v)", err, dialErr)
		}
		c.Close()
		return
	}
	t.Cleanup(func() { ln.Close() })
}

// TestBinaryDefaultPortBusy: with no port given and 8000 taken, the real
// program serves on another port and says so.
func TestBinaryDefaultPortBusy(t *testing.T) {
	occupy8000(t)
	dir := t.TempDir()
	writeFile(t, dir, "hello.txt", []byte("hello\n"))
	s := &server{stdout: newOutput(), stderr: newOutput(), exited: make(chan struct{})}
	s.cmd = exec.Command(binary(t), "-b", "127.0.0.1", "-d", dir)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { defer close(s.exited); s.cmd.Wait() }()
	t.Cleanup(func() { s.cmd.Process.Kill(); <-s.exited })
	s.learnAddress(t)
	m := regexp.MustCompile(`(?m)^Port 8000 is in use; using port (\d+) instead\n`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no note about the busy port:\n%s", s.stdout)
	}
	if _, port, _ := net.SplitHostPort(s.addr); port == "8000" || port != m[1] {
		t.Errorf("banner says port %s, the note %s", port, m[1])
	}
	if resp, body := s.get(t, "/hello.txt"); resp.StatusCode != 200 || body != "hello\n" {
		t.Errorf("GET on the fallback port: %s %q", resp.Status, body)
	}
}

// TestBusyPortGiven: a port the user asked for that is taken stays an
// error, one line and exit status 1.
func TestBusyPortGiven(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	for _, p := range []string{port, "8000"} {
		if p == "8000" {
			occupy8000(t)
		}
		code, stdout, stderr := runArgs(t, "-b", "127.0.0.1", p, "-d", t.TempDir())
		want := `simplehttp: cannot listen on "127.0.0.1" port ` + p + ": address already in use (choose another port, or 0 for any free one)\n"
		if code != exitFailure || stderr != want || strings.Contains(stdout, "Serving") {
			t.Errorf("port %s: got %d %q %q, want %d and %q", p, code, stdout, stderr, exitFailure, want)
		}
	}
}
