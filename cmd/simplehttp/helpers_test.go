package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/netlimit"
)

// binDir holds the simplehttp binary the end-to-end tests run; it is built
// once per test run, on first use.
var (
	binDir   string
	buildEnv []string // the environment as the tests found it, for go build
	binOnce  sync.Once
	binPath  string
	binError error
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "simplehttp-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	buildEnv = os.Environ()
	// --upload keeps unfinished uploads in the user's cache folder: the
	// servers the tests start keep them here, not in the real one.
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	return m.Run()
}

// binary builds the program (with the race detector when the tests have
// it) and returns its path. The directory is world-readable, so that an
// unprivileged user can run it too.
func binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(binDir, "simplehttp")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		// go test puts its own go first in PATH. The build runs in the
		// environment the tests started with: under the servers'
		// XDG_CACHE_HOME, go would find an empty build cache and compile
		// the standard library again (minutes with -race).
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Env = buildEnv
		out, err := cmd.CombinedOutput()
		if err != nil {
			binError = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		binError = os.Chmod(binDir, 0o755)
	})
	if binError != nil {
		t.Fatal(binError)
	}
	return binPath
}

// output collects what a server writes and lets a test wait for a line.
type output struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	grew chan struct{} // closed on every write
}

func newOutput() *output { return &output{grew: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	close(o.grew)
	o.grew = make(chan struct{})
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor waits until the output matches re and returns the submatches.
func (o *output) waitFor(t testing.TB, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	m := o.match(re, timeout, nil)
	if m == nil {
		t.Fatalf("no %q after %s; output so far:\n%s", re, timeout, o)
	}
	return m
}

// match waits until the output matches re and returns the submatches,
// or nil once timeout has passed or stop is closed without a match.
func (o *output) match(re *regexp.Regexp, timeout time.Duration, stop <-chan struct{}) []string {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		m := re.FindStringSubmatch(o.buf.String())
		grew := o.grew
		o.mu.Unlock()
		if m != nil {
			return m
		}
		select {
		case <-grew:
		case <-stop:
			return re.FindStringSubmatch(o.String())
		case <-deadline.C:
			return nil
		}
	}
}

var bannerRE = regexp.MustCompile(`Serving HTTPS? on (\S+) port (\d+) \(`)

// server is a running simplehttp, in this process or as a child process.
type server struct {
	url    string // http://127.0.0.1:port
	addr   string // 127.0.0.1:port
	stdout *output
	stderr *output
	client *http.Client
	cmd    *exec.Cmd // nil: in this process
	exited chan struct{}
	code   int // exit status, once exited is closed
}

func (s *server) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	resp, err := s.client.Get(s.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp, string(body)
}

// waitExit waits for the server to end and returns its exit status.
func (s *server) waitExit(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-s.exited:
		return s.code
	case <-time.After(timeout):
		t.Fatalf("server still running %s later", timeout)
		return -1
	}
}

// learnAddress waits for the banner and fills in the server's address.
func (s *server) learnAddress(t testing.TB) {
	t.Helper()
	m := s.stdout.match(bannerRE, patience, s.exited)
	if m == nil {
		t.Fatalf("no %q, the server exited or %s passed; stdout:\n%s\nstderr:\n%s", bannerRE, patience, s.stdout, s.stderr)
	}
	s.addr = net.JoinHostPort(m[1], m[2])
	s.url = "http://" + s.addr
	s.client = &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	t.Cleanup(s.client.CloseIdleConnections)
}

// testLimits are short time-outs for tests that wait for them. The
// read-header time-out stays long: on a loaded machine a server with
// 1,000 connections may take a while to read a request that is there,
// and only the tests of that time-out (headerLimits) shorten it. So does
// the write time-out: a client that a loaded machine leaves waiting for
// a moment must not be cut off; only the tests of slow readers
// (slowReaderLimits) shorten it.
var testLimits = limits{
	readHeaderTimeout: 5 * time.Second,
	idleTimeout:       time.Second,
	bodyTimeout:       300 * time.Millisecond,
	uploadIdleTimeout: 2 * time.Second,
	write:             netlimit.WriteLimit{Timeout: 10 * time.Second, Chunk: 64 << 10},
	maxHeaderBytes:    defaultLimits.maxHeaderBytes,
	shutdownGrace:     5 * time.Second,
}

// headerLimits are testLimits with a short read-header time-out.
func headerLimits() limits {
	lim := testLimits
	lim.readHeaderTimeout = 300 * time.Millisecond
	return lim
}

// slowReaderLimits are testLimits with a short write time-out: 64 KiB
// must be taken each second. readSlowly reads ten times as fast.
func slowReaderLimits() limits {
	lim := testLimits
	lim.write = netlimit.WriteLimit{Timeout: time.Second, Chunk: 64 << 10}
	return lim
}

// patience is how long a test waits for what should come far sooner: the
// server cutting a client off, a line in its log. It only bounds a test
// that fails: on a loaded machine time-outs fire late, never early, so
// a test checks that something happened, not how soon.
const patience = 20 * time.Second

// waitClosed reads c, discarding what comes, until the server ends the
// connection, and returns how long that took. The test fails if patience
// runs out first.
func waitClosed(t testing.TB, c net.Conn) time.Duration {
	t.Helper()
	start := time.Now()
	c.SetReadDeadline(start.Add(patience))
	if _, err := io.Copy(io.Discard, c); isTimeout(err) {
		t.Fatalf("the server did not end the connection within %s", patience)
	}
	return time.Since(start)
}

// startInProcess runs the program in this process on 127.0.0.1, port 0,
// with lim; args come after those. It stops when the test ends.
func startInProcess(t testing.TB, lim limits, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: newOutput(), stderr: newOutput(), exited: make(chan struct{})}
	go func() {
		defer close(s.exited)
		s.code = runWith(ctx, append([]string{"-b", "127.0.0.1", "0"}, args...), s.stdout, s.stderr, lim)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.exited:
		case <-time.After(patience):
			t.Errorf("server did not stop within %s", patience)
		}
	})
	s.learnAddress(t)
	return s
}

// startBinary runs the built program on 127.0.0.1, port 0, with args after
// those; wrap, if not nil, prefixes the command (setpriv ...). It is
// killed when the test ends.
func startBinary(t testing.TB, wrap []string, args ...string) *server {
	t.Helper()
	return startBinaryOn(t, wrap, "0", args...)
}

// startBinaryOn is startBinary on a port of the caller's choosing.
func startBinaryOn(t testing.TB, wrap []string, port string, args ...string) *server {
	t.Helper()
	argv := append(append(wrap, binary(t), "-b", "127.0.0.1", port), args...)
	s := &server{stdout: newOutput(), stderr: newOutput(), exited: make(chan struct{})}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(s.exited)
		err := s.cmd.Wait()
		s.code = s.cmd.ProcessState.ExitCode()
		if err != nil && s.code == 0 {
			s.code = -1
		}
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if strings.Contains(s.stderr.String(), "goroutine ") || strings.Contains(s.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the server's stderr shows a stack trace or a race:\n%s", s.stderr)
		}
	})
	s.learnAddress(t)
	return s
}

// runArgs runs the program in this process for a command line that ends
// on its own (an error, --help) and returns its status and output.
func runArgs(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code = run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	_, _ = r.Read(b)
	return b
}

// writeFile creates dir/name (and its parents) holding data.
func writeFile(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixture is a served directory created at test time.
type fixture struct {
	dir     string
	files   map[string][]byte // the visible regular files, by slash path
	hidden  []string          // dotfiles, which must not be served by default
	outside string            // a file outside dir, reached by the link "escape"
}

// newFixture creates a small tree: text and binary files, nested
// folders, odd names, dotfiles, and symbolic links inside and outside.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	base := t.TempDir()
	f := &fixture{dir: filepath.Join(base, "site"), files: map[string][]byte{}}
	visible := map[string][]byte{
		"hello.txt":                    []byte("hello, world\n"),
		"big.bin":                      randomBytes(3<<20+123, 1),
		"sub/nested.bin":               randomBytes(200<<10, 2),
		"sub/deeper/empty.txt":         {},
		"sub/deeper/page.html":         []byte("<!doctype html><title>page</title><p>hi</p>\n"),
		"odd names/a b & c ü.txt":      []byte("odd\n"),
		"odd names/100% #1?.txt":       []byte("percent\n"),
		"withindex/index.html":         []byte("<!doctype html><title>index</title><a href=\"other.txt\">other</a>\n"),
		"withindex/other.txt":          []byte("other\n"),
		"unicode/日本語 ファイル.txt":         []byte("nihongo\n"),
		"unicode/emoji-\U0001F600.txt": []byte("smile\n"),
	}
	for name, data := range visible {
		writeFile(t, f.dir, name, data)
		f.files[name] = data
	}
	for _, name := range []string{".env", ".git/config", "sub/.secret"} {
		writeFile(t, f.dir, name, []byte("secret "+name+"\n"))
	}
	f.hidden = []string{".env", ".git/config", "sub/.secret"}
	writeFile(t, f.dir, "caf\xe9.txt", []byte("latin-1\n")) // not UTF-8: not in f.files
	f.outside = filepath.Join(base, "outside.txt")
	if err := os.WriteFile(f.outside, []byte("outside the served directory\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(f.outside, filepath.Join(f.dir, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("hello.txt", filepath.Join(f.dir, "inside-link.txt")); err != nil {
		t.Fatal(err)
	}
	return f
}

// requireTool finds a command-line tool, or skips the test, or fails it
// when CI=true says every tool must be there.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("%s is not installed, and CI=true requires it", name)
	}
	t.Skipf("skipping: %s is not installed (CI would fail here)", name)
	return ""
}

// requireProc skips a test that counts descriptors where there is no
// /proc (Linux has it; CI runs Linux).
func requireProc(t testing.TB) {
	t.Helper()
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("skipping: no /proc/self/fd to count descriptors in")
	}
}

// procMemory is a memory field of process pid's /proc/PID/status, in
// bytes: "VmRSS", its resident memory now, or "VmHWM", the peak of it.
func procMemory(t testing.TB, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + field + `:\s+(\d+) kB$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no %s in /proc/%d/status", field, pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// peakRSS is the peak resident memory of process pid (VmHWM), in bytes.
func peakRSS(t testing.TB, pid int) int64 { return procMemory(t, pid, "VmHWM") }

// mebibytes is n bytes as "12.3 MiB".
func mebibytes(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// countFDs is the number of open descriptors of process pid.
func countFDs(t testing.TB, pid int) int {
	t.Helper()
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatalf("reading the descriptors of %d: %v", pid, err)
	}
	return len(entries)
}

// waitFDs polls until process pid has want descriptors, for at most
// timeout, and returns the last count.
func waitFDs(t testing.TB, pid, want int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		n := countFDs(t, pid)
		if n == want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// unreadableSite makes a folder with readable.txt, an unreadable
// secret.txt and an unreadable folder locked/ holding inside.txt, and
// returns it with the command that makes the server run as a user for whom
// permissions bite: CI runs as root, so the server then runs as nobody
// (uid 65534) through setpriv, or the test skips.
func unreadableSite(t *testing.T) (wrap []string, dir string) {
	t.Helper()
	if os.Geteuid() == 0 {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("skipping: running as root and setpriv (util-linux) is not installed to drop privileges")
		}
		// nobody keeps --upload's unfinished parts in a cache folder
		// of its own: it may not write in root's.
		cache := t.TempDir()
		if err := os.Chown(cache, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		wrap = []string{"env", "XDG_CACHE_HOME=" + cache, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"}
	}
	base := t.TempDir()
	dir = filepath.Join(base, "site")
	writeFile(t, dir, "readable.txt", []byte("readable\n"))
	writeFile(t, dir, "secret.txt", []byte("secret\n"))
	writeFile(t, dir, "locked/inside.txt", []byte("inside\n"))
	mustChmod(t, filepath.Join(dir, "secret.txt"), 0)
	mustChmod(t, filepath.Join(dir, "locked"), 0)
	t.Cleanup(func() { mustChmod(t, filepath.Join(dir, "locked"), 0o755) })
	// t.TempDir's parents are private (0700): open the way for nobody.
	for p := dir; p != filepath.Dir(filepath.Dir(base)); p = filepath.Dir(p) {
		mustChmod(t, p, 0o755)
	}
	return wrap, dir
}

// readSlowly reads body 64 KiB at a time with a pause of 100 ms after
// each, as a slow but steady client does (ten times faster than
// slowReaderLimits ask, so that a loaded machine does not make it too
// slow), and checks that it is data whole and that reading it took two
// write time-outs at least (else the test proves nothing: data of 2 MiB
// or more takes 3 s).
func readSlowly(t *testing.T, body io.Reader, data []byte) {
	t.Helper()
	start := time.Now()
	var got bytes.Buffer
	for {
		if _, err := io.CopyN(&got, body, 64<<10); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("got %d bytes, want the %d of the file", got.Len(), len(data))
	}
	if d := time.Since(start); d < 2*slowReaderLimits().write.Timeout {
		t.Errorf("download took %s only; the test proves nothing", d)
	}
}
