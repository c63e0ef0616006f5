package fileserve_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/testfifo"
)

// pattern is n bytes in which a shifted or foreign byte shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// TestTruncatedWhileSending truncates a file while a real server sends it:
// the client must get a correct but short body and a closed connection,
// the server must go on serving, and the log must say what happened.
func TestTruncatedWhileSending(t *testing.T) {
	const size = 64 << 20 // more than loopback's socket buffers hold
	want := pattern(size)
	root, dir := tempRoot(t, map[string]string{"small.txt": "small\n"})
	big := filepath.Join(dir, "big.bin")
	for _, name := range []string{big, filepath.Join(dir, "leave.bin")} {
		if err := os.WriteFile(name, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	logger, logs := captureLog()
	srv := httptest.NewServer(fileserve.NewRoot(root, &fileserve.Options{Logger: logger}))
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != size {
		t.Fatalf("status %d, Content-Length %d", resp.StatusCode, resp.ContentLength)
	}
	got := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, got); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 2<<20); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(resp.Body)
	got = append(got, rest...)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the rest: %v, want unexpected EOF", err)
	}
	if len(got) >= size {
		t.Fatalf("got all %d bytes of a truncated file", len(got))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("byte %d is %d, want %d: wrong bytes, not just short ones", i, got[i], want[i])
		}
	}
	log := logs.String()
	if !strings.Contains(log, "shrank") || !strings.Contains(log, "/big.bin") || !strings.Contains(log, "missing=") {
		t.Errorf("the log does not tell: %q", log)
	}
	// A client that leaves mid-way is no file fault: nothing is logged.
	leaver, err := srv.Client().Get(srv.URL + "/leave.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(leaver.Body, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	leaver.Body.Close()
	// The server goes on serving.
	resp2, err := srv.Client().Get(srv.URL + "/small.txt")
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, resp2); resp2.StatusCode != 200 || b != "small\n" {
		t.Errorf("after the fault: %d %q", resp2.StatusCode, b)
	}
	srv.Close() // waits for every handler
	if n := strings.Count(logs.String(), "shrank"); n != 1 {
		t.Errorf("%d warnings, want 1 (a client that leaves is no fault): %q", n, logs)
	}
}

// TestSpecialFiles checks that a FIFO, a socket and a device under the
// root are answered 404 at once, never opened.
func TestSpecialFiles(t *testing.T) {
	root, dir := tempRoot(t, map[string]string{"fifodir/a.txt": "a\n"})
	testfifo.Make(t, filepath.Join(dir, "fifo"))
	testfifo.Make(t, filepath.Join(dir, "fifodir", "index.html"))
	l, err := net.Listen("unix", filepath.Join(dir, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	symlink(t, dir, "/dev/null", "devnull")
	targets := []string{"/fifo", "/sock", "/devnull"}
	if err := mknodNull(filepath.Join(dir, "null")); err == nil {
		targets = append(targets, "/null")
	} else {
		t.Logf("no device test: mknod: %v", err)
	}
	h := fileserve.NewRoot(root, nil)
	for _, handler := range []http.Handler{h, fileserve.New(os.DirFS(dir), nil)} {
		for _, target := range targets {
			resp := serveWithin(t, handler, target, 5*time.Second)
			if b := body(t, resp); resp.StatusCode != 404 {
				t.Errorf("%s: status %d %q, want 404", target, resp.StatusCode, b)
			}
		}
	}
	// A FIFO named index.html is no index: the listing is served.
	resp := serveWithin(t, h, "/fifodir/", 5*time.Second)
	if b := body(t, resp); resp.StatusCode != 200 || !strings.Contains(b, "a.txt") {
		t.Errorf("/fifodir/: %d %q", resp.StatusCode, b)
	}
}

// serveWithin runs a GET of target through h, failing the test if it takes
// longer than d (a handler that opens a FIFO blocks for good).
func serveWithin(t *testing.T, h http.Handler, target string, d time.Duration) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan *http.Response, 1)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		done <- w.Result()
	}()
	select {
	case resp := <-done:
		return resp
	case <-ctx.Done():
		t.Fatalf("%s: no answer within %v", target, d)
		return nil
	}
}

// permFS is a MapFS whose names under "locked" fail with a permission
// error, as an unreadable directory does.
type permFS struct{ fstest.MapFS }

func (p permFS) Open(name string) (fs.File, error) {
	if name == "locked" || strings.HasPrefix(name, "locked/") || name == "locked.txt" {
		return nil, &fs.PathError{Op: "open", Path: "/srv/" + name, Err: fs.ErrPermission}
	}
	return p.MapFS.Open(name)
}

func (p permFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "locked" {
		return nil, &fs.PathError{Op: "readdir", Path: "/srv/" + name, Err: fs.ErrPermission}
	}
	return p.MapFS.ReadDir(name)
}

func (p permFS) Stat(name string) (fs.FileInfo, error) { return p.MapFS.Stat(name) }

func TestPermissionDenied(t *testing.T) {
	fsys := permFS{fstest.MapFS{
		"locked/a.txt": {Data: []byte("a"), ModTime: modTime},
		"locked.txt":   {Data: []byte("b"), ModTime: modTime},
	}}
	h := fileserve.New(fsys, nil)
	for _, target := range []string{"/locked/", "/locked/a.txt", "/locked.txt"} {
		resp := serve(t, h, http.MethodGet, target)
		b := body(t, resp)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", target, resp.StatusCode)
		}
		checkErrorPage(t, resp, b, http.StatusForbidden)
		if strings.Contains(b, "/srv") || strings.Contains(b, "permission") {
			t.Errorf("%s: the body leaks the error: %q", target, b)
		}
	}
}

// TestNonUTF8Names serves names that are not valid UTF-8, as Latin-1
// systems write them, and follows the links a listing gives them.
func TestNonUTF8Names(t *testing.T) {
	root, dir := tempRoot(t, map[string]string{"caf\xe9.txt": "latin-1\n", "r\xe9p/f.txt": "in dir\n"})
	h := fileserve.NewRoot(root, nil)
	listing := body(t, serve(t, h, http.MethodGet, "/"))
	for _, link := range []string{`"./caf%E9.txt"`, `"./r%E9p/"`} {
		if !strings.Contains(listing, link) {
			t.Fatalf("the listing lacks the link %s: %q", link, listing)
		}
	}
	if resp := serve(t, h, http.MethodGet, "/caf%E9.txt"); body(t, resp) != "latin-1\n" || resp.StatusCode != 200 {
		t.Errorf("/caf%%E9.txt: status %d", resp.StatusCode)
	}
	resp := serve(t, h, http.MethodGet, "/r%E9p")
	if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || loc != "./r%E9p/" {
		t.Errorf("/r%%E9p: %d Location %q", resp.StatusCode, loc)
	}
	if b := body(t, serve(t, h, http.MethodGet, "/r%E9p/f.txt")); b != "in dir\n" {
		t.Errorf("/r%%E9p/f.txt: %q", b)
	}
	// The FS of an os.Root refuses such names, as every fs.FS must: 404.
	if resp := serve(t, fileserve.New(root.FS(), nil), http.MethodGet, "/caf%E9.txt"); resp.StatusCode != 404 {
		t.Errorf("os.Root FS: status %d, want 404", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(dir, "caf\xe9.txt")); err != nil {
		t.Fatal(err)
	}
}
