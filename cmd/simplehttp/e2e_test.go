package main

import (
	"bytes"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// fileURL is the URL path of the fixture file name.
func fileURL(name string) string {
	return (&url.URL{Path: "/" + name}).EscapedPath()
}

// TestBinaryServes runs the built program against the fixture and checks
// it with Go's client: files, listings, redirects, hidden dotfiles,
// symbolic links, the banner and the access log.
func TestBinaryServes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir)

	banner := s.stdout.String()
	wantBanner := regexp.MustCompile(`^Serving HTTP on 127\.0\.0\.1 port (\d+) \(http://127\.0\.0\.1:(\d+)/\) \.\.\.\n` +
		`  Local:   http://127\.0\.0\.1:(\d+)/\n` +
		`Hiding 2 dotfiles \(\.env, \.git\); --dotfiles serves them\n$`)
	if !wantBanner.MatchString(banner) {
		t.Errorf("banner:\n%s", banner)
	}

	for name, data := range f.files {
		resp, body := s.get(t, fileURL(name))
		if resp.StatusCode != http.StatusOK || body != string(data) {
			t.Errorf("GET %s: %s, %d bytes; want 200 and its %d bytes", name, resp.Status, len(body), len(data))
		}
	}
	// A name that is not UTF-8 (Latin-1 "café") is served too: the
	// server uses fileserve.NewRoot, not the stricter (*os.Root).FS.
	if resp, body := s.get(t, "/caf%E9.txt"); resp.StatusCode != http.StatusOK || body != "latin-1\n" {
		t.Errorf("GET /caf%%E9.txt: %s %q", resp.Status, shorten(body))
	}
	tests := []struct {
		path     string
		want     int
		contains string
	}{
		{"/", http.StatusOK, `href="./sub/"`},
		{"/sub/", http.StatusOK, `href="./nested.bin"`},
		{"/withindex/", http.StatusOK, "<title>index</title>"},
		{"/inside-link.txt", http.StatusOK, "hello, world"},
		{"/escape", http.StatusNotFound, ""},
		{"/.env", http.StatusNotFound, ""},
		{"/.git/config", http.StatusNotFound, ""},
		{"/sub/.secret", http.StatusNotFound, ""},
		{"/nope", http.StatusNotFound, ""},
		{"/hello.txt/", http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		resp, body := s.get(t, tc.path)
		if resp.StatusCode != tc.want || !strings.Contains(body, tc.contains) {
			t.Errorf("GET %s: %s, body %q; want %d containing %q", tc.path, resp.Status, shorten(body), tc.want, tc.contains)
		}
	}
	_, root := s.get(t, "/")
	for _, leak := range []string{".env", ".git", "secret", "outside"} {
		if strings.Contains(root, leak) {
			t.Errorf("the listing shows %q", leak)
		}
	}

	// A directory without its slash is redirected; the client follows.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(s.url + "/sub?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "./sub/?x=1" {
		t.Errorf("GET /sub?x=1: %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}

	// HEAD: the same headers, no body.
	resp, err = s.client.Head(s.url + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength != int64(len(f.files["big.bin"])) {
		t.Errorf("HEAD /big.bin: %s, length %d", resp.Status, resp.ContentLength)
	}

	// The access log: Python's form, one line per request, escaped.
	s.get(t, "/log%E2%80%AEtest")
	s.stderr.waitFor(t, regexp.MustCompile(`(?m)^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4} \d\d:\d\d:\d\d\] "GET /hello\.txt HTTP/1\.1" 200 13$`), patience)
	s.stderr.waitFor(t, regexp.MustCompile(`(?m)^127\.0\.0\.1 - - \[[^]]+\] "HEAD /big\.bin HTTP/1\.1" 200 -$`), patience)
	s.stderr.waitFor(t, regexp.MustCompile(`"GET /log%E2%80%AEtest HTTP/1\.1" 404 \d+\n`), patience)
}

// TestBinaryRawLogInjection sends raw bytes in the request target that
// net/http lets through (a bidirectional override, invalid UTF-8): the log
// shows them escaped.
func TestBinaryRawLogInjection(t *testing.T) {
	t.Parallel()
	s := startBinary(t, nil, "-d", t.TempDir())
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /a\u202eb\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	io.Copy(io.Discard, c)
	s.stderr.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(`"GET /a\u{202e}b\xff HTTP/1.1" `)), patience)
	if strings.Contains(s.stderr.String(), "\u202e") {
		t.Error("the log holds the raw override character")
	}
}

// TestBinaryOptions checks what --dotfiles, --follow-symlinks and --quiet
// change.
func TestBinaryOptions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir, "--dotfiles", "--follow-symlinks", "-q")
	if strings.Contains(s.stdout.String(), "Hiding") {
		t.Errorf("banner with --dotfiles:\n%s", s.stdout)
	}
	for path, want := range map[string]string{
		"/.env":        "secret .env",
		"/.git/config": "secret .git/config",
		"/escape":      "outside the served directory",
	} {
		if resp, body := s.get(t, path); resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s: %s %q", path, resp.Status, shorten(body))
		}
	}
	if _, body := s.get(t, "/"); !strings.Contains(body, ".env") {
		t.Error("the listing with --dotfiles lacks .env")
	}
	// With --follow-symlinks, ".." still cannot leave the directory.
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /../outside.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	answer, _ := io.ReadAll(c)
	if bytes.Contains(answer, []byte("outside the served directory")) {
		t.Errorf("/../outside.txt was served: %q", shorten(string(answer)))
	}
	if got := s.stderr.String(); got != "" {
		t.Errorf("-q still logs:\n%s", got)
	}
}

// startupCase is a command line that must fail with one line on stderr.
type startupCase struct {
	args []string
	want string
	code int
}

// startupCases are the start-up failures, usage (2) and runtime (1).
func startupCases(t *testing.T) []startupCase {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	writeFile(t, dir, "file.txt", []byte("x"))
	return []startupCase{
		{[]string{"-d", "/no/such/dir"}, `simplehttp: directory "/no/such/dir" does not exist`, 1},
		{[]string{"-d", file}, `simplehttp: "` + file + `" is not a directory`, 1},
		{[]string{"-b", "127.0.0.1", busyPort, "-d", dir},
			`simplehttp: cannot listen on "127.0.0.1" port ` + busyPort + ": address already in use (choose another port, or 0 for any free one)", 1},
		{[]string{"-b", "203.0.113.77", "0", "-d", dir}, `simplehttp: cannot listen on "203.0.113.77" port 0: that address is not on this machine`, 1},
		{[]string{"-b", "no-such-host.invalid", "0", "-d", dir}, `simplehttp: cannot listen on "no-such-host.invalid" port 0: no such address or host name`, 1},
		{[]string{"70000"}, "simplehttp: port 70000 out of range (0-65535)", 2},
		{[]string{"--bogus"}, "simplehttp: unknown option --bogus (see --help)", 2},
		{[]string{"-b"}, "simplehttp: option -b (--bind) needs a value", 2},
	}
}

// TestRunStartupErrors: run fails with one line on stderr and the right
// exit status.
func TestRunStartupErrors(t *testing.T) {
	for _, tc := range startupCases(t) {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runArgs(t, tc.args...)
			if code != tc.code || stderr != tc.want+"\n" || stdout != "" {
				t.Errorf("status %d, stderr %q, stdout %q; want %d, %q, nothing", code, stderr, stdout, tc.code, tc.want+"\n")
			}
		})
	}
}

// TestBinaryRuntimeErrors: the same through the real binary, which must
// not add a stack trace.
func TestBinaryRuntimeErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range startupCases(t) {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			cmd := exec.Command(binary(t), tc.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("exit status %d (%v), want %d", code, err, tc.code)
			}
			if stderr.String() != tc.want+"\n" || stdout.Len() != 0 {
				t.Errorf("stderr %q, stdout %q; want %q, nothing", stderr.String(), stdout.String(), tc.want+"\n")
			}
		})
	}
}

// TestBinaryUnreadableFile: a file the server may not read answers 403.
// CI runs as root, for whom permissions do not bite, so the server then
// runs as nobody (uid 65534) through setpriv.
func TestBinaryUnreadableFile(t *testing.T) {
	t.Parallel()
	wrap, dir := unreadableSite(t)
	s := startBinary(t, wrap, "-d", dir)
	for path, want := range map[string]int{
		"/readable.txt":      http.StatusOK,
		"/secret.txt":        http.StatusForbidden,
		"/locked/":           http.StatusForbidden,
		"/locked/inside.txt": http.StatusForbidden,
	} {
		if resp, body := s.get(t, path); resp.StatusCode != want || strings.Contains(body, dir) {
			t.Errorf("GET %s: %s, body %q; want %d, and no path", path, resp.Status, shorten(body), want)
		}
	}
}

func mustChmod(t testing.TB, name string, mode fs.FileMode) {
	t.Helper()
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

// TestBinaryCurl fetches with real curl: -O, -I and a resumed download
// (-C -) that must end byte-identical.
func TestBinaryCurl(t *testing.T) {
	curl := requireTool(t, "curl")
	f := newFixture(t)
	s := startBinary(t, nil, "-q", "-d", f.dir)
	out := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(curl, append([]string{"--silent", "--show-error", "--fail"}, args...)...)
		cmd.Dir = out
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}

	run("-O", s.url+"/sub/nested.bin")
	sameFile(t, filepath.Join(out, "nested.bin"), f.files["sub/nested.bin"])

	head := run("-I", s.url+"/big.bin")
	for _, want := range []string{"HTTP/1.1 200 OK", "Content-Length: 3145851", "Accept-Ranges: bytes", "Last-Modified: ", "Etag: "} {
		if !strings.Contains(strings.ReplaceAll(head, "ETag", "Etag"), want) {
			t.Errorf("curl -I lacks %q:\n%s", want, head)
		}
	}

	// Resume: the first third is on disk; curl -C - fetches the rest.
	big := f.files["big.bin"]
	partial := filepath.Join(out, "big.bin")
	if err := os.WriteFile(partial, big[:len(big)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	run("-C", "-", "-o", "big.bin", s.url+"/big.bin")
	sameFile(t, partial, big)
	// Resuming a complete file: 416, which curl without --fail accepts,
	// and the file stays whole.
	cmd := exec.Command(curl, "--silent", "--show-error", "-C", "-", "-o", "big.bin", s.url+"/big.bin")
	cmd.Dir = out
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("curl -C - of a complete file: %v\n%s", err, b)
	}
	sameFile(t, partial, big)
}

func sameFile(t testing.TB, name string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes differ from the %d expected", name, len(got), len(want))
	}
}

// TestBinaryWgetMirror mirrors the tree with wget -r -np through the
// listings: every visible file arrives byte-identical, no dotfile does,
// and no request fails: the link that leads outside is listed as broken,
// not linked.
func TestBinaryWgetMirror(t *testing.T) {
	t.Parallel()
	wget := requireTool(t, "wget")
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir)
	out := t.TempDir()
	cmd := exec.Command(wget, "-r", "-np", "-nH", "-q", "-e", "robots=off", "--tries=1", "--timeout=10", "-P", out, s.url+"/")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wget: %v\n%s", err, b) // it exits 8 when a link answered an error
	}
	for _, line := range strings.Split(strings.TrimSpace(s.stderr.String()), "\n") {
		if !strings.Contains(line, "\" 200 ") {
			t.Errorf("wget met an error: %s", line)
		}
	}
	for name, data := range f.files {
		if strings.HasPrefix(name, "withindex/") && name != "withindex/index.html" && name != "withindex/other.txt" {
			continue
		}
		sameFile(t, filepath.Join(out, filepath.FromSlash(name)), data)
	}
	for _, name := range f.hidden {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(name))); err == nil {
			t.Errorf("wget mirrored the dotfile %s", name)
		}
	}
	sameFile(t, filepath.Join(out, "inside-link.txt"), f.files["hello.txt"])
	if _, err := os.Stat(filepath.Join(out, "escape")); err == nil {
		t.Error("wget mirrored the link that leads outside")
	}
}

// TestBinaryFileDescriptors: thousands of requests, some aborted in the
// middle of the body, and clients that vanish mid-download leave the
// server's descriptor count where it started.
func TestBinaryFileDescriptors(t *testing.T) {
	t.Parallel()
	requireProc(t)
	f := newFixture(t)
	s := startBinary(t, nil, "-q", "-d", f.dir)
	pid := s.cmd.Process.Pid
	base := countFDs(t, pid)

	paths := []string{"/", "/hello.txt", "/sub/", "/sub/nested.bin", "/nope", "/.env", "/big.bin"}
	done := make(chan error, 4)
	for w := range 4 {
		go func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}, Timeout: patience}
			defer client.CloseIdleConnections()
			for i := range 750 {
				path := paths[(i+w)%len(paths)]
				resp, err := client.Get(s.url + path)
				if err != nil {
					done <- err
					return
				}
				if i%5 == 0 {
					// Abort: read a little of the body, then hang up.
					io.CopyN(io.Discard, resp.Body, 100)
				} else {
					io.Copy(io.Discard, resp.Body)
				}
				resp.Body.Close()
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := waitFDs(t, pid, base, patience); n != base {
		t.Errorf("after 3000 requests the server holds %d descriptors, %d at start", n, base)
	}

	// A client that disconnects mid-download.
	for range 10 {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
		io.CopyN(io.Discard, c, 64<<10)
		c.(*net.TCPConn).SetLinger(0) // a reset, as a killed client sends
		c.Close()
	}
	if n := waitFDs(t, pid, base, patience); n != base {
		t.Errorf("after aborted downloads the server holds %d descriptors, %d at start", n, base)
	}
	t.Logf("descriptors: %d at start and at the end", base)
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := s.waitExit(t, patience); code != 0 {
		t.Errorf("exit status %d after SIGINT", code)
	}
}

// TestBinaryOutOfDescriptors: with a limit of 40 descriptors, 60 idle
// connections exhaust them. The server neither crashes nor stops: it
// retries accepting, and serves again once they go. With --max-conns
// under the limit, it never runs out at all.
func TestBinaryOutOfDescriptors(t *testing.T) {
	t.Parallel()
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("skipping: prlimit (util-linux) is not installed")
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("a\n"))
	for _, maxConns := range []string{"0", "16"} {
		t.Run("max-conns "+maxConns, func(t *testing.T) {
			s := startBinary(t, []string{prlimit, "--nofile=40:40"}, "-d", dir, "--max-conns", maxConns)
			idle := countFDs(t, s.cmd.Process.Pid)
			var conns []net.Conn
			for range 60 {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
			}
			// The server meets the limit: it runs out of descriptors,
			// or holds --max-conns connections open.
			if maxConns == "0" {
				s.stderr.waitFor(t, regexp.MustCompile("too many open files"), patience)
			} else if n := waitFDs(t, s.cmd.Process.Pid, idle+16, patience); n != idle+16 {
				t.Fatalf("the server holds %d descriptors, want %d idle and 16 connections", n, idle)
			}
			for _, c := range conns {
				c.Close()
			}
			if resp, body := s.get(t, "/a.txt"); resp.StatusCode != http.StatusOK || body != "a\n" {
				t.Errorf("after the flood: %s %q", resp.Status, body)
			}
			exhausted := strings.Contains(s.stderr.String(), "too many open files")
			if maxConns == "0" && !exhausted {
				t.Errorf("the server never ran out of descriptors; the test proves nothing:\n%s", s.stderr)
			}
			if maxConns != "0" && exhausted {
				t.Errorf("with --max-conns %s the server ran out of descriptors:\n%s", maxConns, s.stderr)
			}
		})
	}
}
