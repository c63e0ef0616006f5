package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests here upload with tus-js-client (npm; .ci/run installs it with
// npm ci in testdata/tusclient) through nginx with client_max_body_size
// 1m, as a phone behind a reverse proxy with a body cap would, and break
// things on the way.

// bigUpload is the size of the file the tests upload: 200 MiB, the
// issue's, over 1 MiB chunks.
const bigUpload = 200 << 20

// faultUpload is the size of the uploads the faults break: big enough for
// a fault in the middle to cut dozens of chunks short, small enough to
// keep make test short.
const faultUpload = 64 << 20

// tusChunk is the chunk size: the proxy's cap exactly.
const tusChunk = 1 << 20

// tusClientDir finds the tus-js-client the tests run, and node.
func tusClientDir(t *testing.T) (node, dir string) {
	t.Helper()
	node = requireTool(t, "node")
	dir, err := filepath.Abs(filepath.Join("testdata", "tusclient"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "tus-js-client")); err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatalf("tus-js-client is not installed in %s (npm ci), and CI=true requires it", dir)
		}
		t.Skipf("skipping: tus-js-client is not installed: run npm ci in %s (CI does)", dir)
	}
	return node, dir
}

// freePort returns a port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// proxy is nginx in front of simplehttp, refusing bodies over 1 MiB.
type proxy struct {
	conf, port string
	cmd        *exec.Cmd
	done       chan struct{}
	log        string // its access log
}

// startProxy runs nginx on a free port, passing everything to upstream
// (and the paths of extra, nginx location blocks, elsewhere).
func startProxy(t *testing.T, upstream string, extra ...string) *proxy {
	t.Helper()
	nginx := requireTool(t, "nginx")
	dir := t.TempDir()
	p := &proxy{port: freePort(t), conf: filepath.Join(dir, "nginx.conf"), log: filepath.Join(dir, "access.log")}
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log stderr error;
events { worker_connections 64; }
http {
	client_max_body_size 1m;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	access_log %[2]s;
	server {
		listen 127.0.0.1:%[3]s;
		location / {
			proxy_pass http://%[4]s;
			proxy_http_version 1.1;
		}
		%[5]s
	}
}
`, dir, p.log, p.port, upstream, strings.Join(extra, "\n"))
	if err := os.WriteFile(p.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	p.start(t, nginx)
	t.Cleanup(p.stop)
	return p
}

// start runs nginx and waits until it accepts connections.
func (p *proxy) start(t *testing.T, nginx string) {
	t.Helper()
	p.cmd = exec.Command(nginx, "-e", "stderr", "-c", p.conf)
	p.cmd.Stderr = os.Stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.done = make(chan struct{})
	go func() { p.cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+p.port)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-p.done:
			t.Fatalf("nginx exited at start: %v", p.cmd.ProcessState)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx does not accept connections: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills nginx.
func (p *proxy) stop() {
	p.cmd.Process.Kill()
	<-p.done
}

// refusals counts the requests nginx answered 413.
func (p *proxy) refusals(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(p.log)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\" 413 ")
}

// tusRun is one run of the tus-js-client program.
type tusRun struct {
	cmd    *exec.Cmd
	events chan map[string]any // progress events, closed at exit
	result map[string]any      // the last event: done or error
	exited chan struct{}
}

// startTus uploads file as name to endpoint with tus-js-client.
func startTus(t *testing.T, endpoint, file, name string, protocol ...string) *tusRun {
	t.Helper()
	node, dir := tusClientDir(t)
	args := append([]string{filepath.Join(dir, "upload.js"), endpoint, file, name, strconv.Itoa(tusChunk)}, protocol...)
	run := &tusRun{cmd: exec.Command(node, args...), events: make(chan map[string]any, 64), exited: make(chan struct{})}
	run.cmd.Dir = dir
	run.cmd.Stderr = os.Stderr
	out, err := run.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := run.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(run.exited)
		defer close(run.events)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				run.result = ev
				select {
				case run.events <- ev:
				default:
				}
			}
		}
		run.cmd.Wait()
	}()
	t.Cleanup(func() {
		run.cmd.Process.Kill()
		<-run.exited
	})
	return run
}

// waitProgress waits until the upload has sent at least n bytes.
func (run *tusRun) waitProgress(t *testing.T, n float64) {
	t.Helper()
	for ev := range run.events {
		if sent, ok := ev["progress"].(float64); ok && sent >= n {
			return
		}
	}
	t.Fatalf("the upload ended before %v bytes: %v", n, run.result)
}

// wait waits for the program to end and returns its last event.
func (run *tusRun) wait(t *testing.T) map[string]any {
	t.Helper()
	select {
	case <-run.exited:
	case <-time.After(4 * time.Minute):
		t.Fatal("tus-js-client still running after 4 minutes")
	}
	return run.result
}

// bigFile writes n random bytes to a new file and returns its path and
// SHA-256.
func bigFile(t *testing.T, n int, seed uint64) (string, [sha256.Size]byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "src.bin")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	r := rand.NewChaCha8([32]byte{byte(seed)})
	if _, err := io.CopyN(io.MultiWriter(f, h), r, int64(n)); err != nil {
		t.Fatal(err)
	}
	return p, [sha256.Size]byte(h.Sum(nil))
}

// fileSum is the SHA-256 of the file at p.
func fileSum(t *testing.T, p string) [sha256.Size]byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatalf("the uploaded file: %v", err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return [sha256.Size]byte(h.Sum(nil))
}

// tusSite is a served folder with resumable uploads, behind nginx.
type tusSite struct {
	dir, partials, port string
	srv                 *server
	proxy               *proxy
}

func newTusSite(t *testing.T) *tusSite {
	t.Helper()
	s := &tusSite{dir: t.TempDir(), partials: t.TempDir(), port: freePort(t)}
	s.start(t)
	s.proxy = startProxy(t, "127.0.0.1:"+s.port)
	return s
}

// start runs simplehttp on the site's port.
func (s *tusSite) start(t *testing.T) {
	t.Helper()
	s.srv = startBinaryOn(t, nil, s.port, "-q", "--upload", "--resumable-dir", s.partials, "-d", s.dir)
}

func (s *tusSite) endpoint() string { return "http://127.0.0.1:" + s.proxy.port + "/" }

// checkDone checks that run ended well and name holds the bytes of sum,
// with no part left in the served folder.
func (s *tusSite) checkDone(t *testing.T, run *tusRun, name string, sum [sha256.Size]byte) {
	t.Helper()
	if res := run.wait(t); res["done"] == nil {
		t.Fatalf("tus-js-client: %v", res)
	}
	if got := fileSum(t, filepath.Join(s.dir, name)); got != sum {
		t.Errorf("%s arrived with another SHA-256", name)
	}
	if n := s.proxy.refusals(t); n != 0 {
		t.Errorf("nginx refused %d requests with 413", n)
	}
	entries, _ := os.ReadDir(s.dir)
	if len(entries) != 1 {
		t.Errorf("the served folder holds %d entries, want the one file", len(entries))
	}
}

// TestTusJSThroughProxy uploads 200 MiB with tus-js-client in Node
// through nginx, which refuses bodies over 1 MiB.
func TestTusJSThroughProxy(t *testing.T) {
	s := newTusSite(t)
	src, sum := bigFile(t, bigUpload, 1)
	run := startTus(t, s.endpoint(), src, "video 1.bin")
	s.checkDone(t, run, "video 1.bin", sum)
}

// TestTusJSProxyRestarted kills nginx in the middle of the upload and
// starts it again: the client resumes.
func TestTusJSProxyRestarted(t *testing.T) {
	s := newTusSite(t)
	src, sum := bigFile(t, faultUpload, 2)
	run := startTus(t, s.endpoint(), src, "v.bin")
	run.waitProgress(t, faultUpload/3)
	s.proxy.stop()
	time.Sleep(300 * time.Millisecond) // the client finds nobody there
	s.proxy.start(t, requireTool(t, "nginx"))
	s.checkDone(t, run, "v.bin", sum)
}

// TestTusJSServerRestarted kills simplehttp (SIGKILL) in the middle of
// the upload and starts it again on the same port.
func TestTusJSServerRestarted(t *testing.T) {
	s := newTusSite(t)
	src, sum := bigFile(t, faultUpload, 3)
	run := startTus(t, s.endpoint(), src, "v.bin")
	run.waitProgress(t, faultUpload/3)
	s.srv.cmd.Process.Kill()
	s.srv.waitExit(t, 10*time.Second)
	s.start(t)
	s.checkDone(t, run, "v.bin", sum)
}

// TestTusJSConnectionsCut cuts the client's connections at random points
// (a TCP relay in front of nginx that drops each connection after a
// random number of bytes, the first 20 of them).
func TestTusJSConnectionsCut(t *testing.T) {
	s := newTusSite(t)
	relay := startCutter(t, "127.0.0.1:"+s.proxy.port, 20)
	src, sum := bigFile(t, faultUpload, 4)
	run := startTus(t, "http://"+relay.addr+"/", src, "v.bin")
	s.checkDone(t, run, "v.bin", sum)
	if n := relay.cut(); n == 0 {
		t.Error("no connection was cut")
	}
}

// TestTusJSSameNameTwice uploads two files under one name at once: one
// wins, the other is told, and the file is the winner's, whole.
func TestTusJSSameNameTwice(t *testing.T) {
	s := newTusSite(t)
	srcA, sumA := bigFile(t, 16<<20, 5)
	srcB, sumB := bigFile(t, 16<<20, 6)
	a := startTus(t, s.endpoint(), srcA, "same.bin")
	b := startTus(t, s.endpoint(), srcB, "same.bin")
	resA, resB := a.wait(t), b.wait(t)
	var want [sha256.Size]byte
	switch {
	case resA["done"] != nil && resB["error"] != nil:
		want = sumA
	case resB["done"] != nil && resA["error"] != nil:
		want, resA, resB = sumB, resB, resA
	default:
		t.Fatalf("want one success and one failure: %v, %v", resA, resB)
	}
	if msg, _ := resB["error"].(string); !strings.Contains(msg, "409") {
		t.Errorf("the loser was told %q, want a 409", msg)
	}
	if got := fileSum(t, filepath.Join(s.dir, "same.bin")); got != want {
		t.Error("same.bin is not the winner's file")
	}
}

// TestTusJSIETFDraft uploads with tus-js-client speaking the IETF draft
// (draft 05, interop version 6) through the proxy.
func TestTusJSIETFDraft(t *testing.T) {
	s := newTusSite(t)
	src, sum := bigFile(t, 8<<20, 7)
	run := startTus(t, s.endpoint(), src, "draft.bin", "ietf-draft-05")
	s.checkDone(t, run, "draft.bin", sum)
}

// cutter relays TCP connections to a backend, and cuts each of the
// first few after a random number of bytes from the client.
type cutter struct {
	addr    string
	mu      sync.Mutex
	left    int // connections still to cut
	cutDone int
}

// cut is the number of connections cut so far.
func (c *cutter) cut() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cutDone
}

// startCutter relays connections to backend, cutting the first n.
func startCutter(t *testing.T, backend string, n int) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	c := &cutter{addr: ln.Addr().String(), left: n}
	rng := rand.New(rand.NewPCG(1, 2))
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.mu.Lock()
			budget := int64(-1)
			if c.left > 0 {
				c.left--
				budget = 64<<10 + rng.Int64N(4<<20)
			}
			c.mu.Unlock()
			go c.relay(conn, backend, budget)
		}
	}()
	return c
}

// relay copies conn to backend and back; with a budget of 0 or more, it
// closes both after that many bytes from the client.
func (c *cutter) relay(conn net.Conn, backend string, budget int64) {
	defer conn.Close()
	up, err := net.Dial("tcp", backend)
	if err != nil {
		return
	}
	defer up.Close()
	go io.Copy(conn, up)
	if budget < 0 {
		io.Copy(up, conn)
		return
	}
	if n, _ := io.CopyN(up, conn, budget); n == budget {
		c.mu.Lock()
		c.cutDone++
		c.mu.Unlock()
	}
}
