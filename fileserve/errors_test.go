package fileserve_test

import (
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// TestErrorStatuses runs real file-system errors through the handler.
func TestErrorStatuses(t *testing.T) {
	root, dir := tempRoot(t, map[string]string{"file.txt": "x", "d/f.txt": "y"})
	symlink(t, dir, "../secret.txt", "out")
	symlink(t, dir, "loop", "loop")
	h := fileserve.New(root.FS(), nil)
	for _, tc := range []struct {
		target string
		code   int
	}{
		{"/file.txt/x", 404},                  // ENOTDIR
		{"/file.txt/x/", 404},                 // ENOTDIR
		{"/out", 404},                         // escapes the root
		{"/loop", 404},                        // ELOOP
		{"/" + strings.Repeat("n", 300), 404}, // ENAMETOOLONG
		{"/" + strings.Repeat("d/", 3000) + "f.txt", 404}, // path too long
		{"/d/f.txt/..", http.StatusMovedPermanently},      // d, asked without its slash
		{"/missing/file.txt", 404},
	} {
		resp := serve(t, h, http.MethodGet, tc.target)
		b := body(t, resp)
		if resp.StatusCode != tc.code {
			t.Errorf("%.60s: status %d, want %d", tc.target, resp.StatusCode, tc.code)
		}
		if strings.Contains(b, dir) || strings.Contains(b, filepath.Base(dir)+"/") {
			t.Errorf("%.60s: the body names a file-system path: %q", tc.target, b)
		}
	}
}

// TestTooManyOpenFiles checks the 503 answer, with Retry-After, of a file
// system that has run out of descriptors.
func TestTooManyOpenFiles(t *testing.T) {
	fsys := errFS{err: &fs.PathError{Op: "open", Path: "/srv/secret/dir", Err: syscall.EMFILE}}
	logger, logs := captureLog()
	resp := serve(t, fileserve.New(fsys, &fileserve.Options{Logger: logger}), http.MethodGet, "/x.txt")
	b := body(t, resp)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	checkErrorPage(t, resp, b, http.StatusServiceUnavailable)
	if strings.Contains(b, "/srv") || strings.Contains(b, "too many") {
		t.Errorf("the body leaks the error: %q", b)
	}
	if !strings.Contains(logs.String(), "too many open files") {
		t.Errorf("the log does not name the cause: %q", logs)
	}
}

// errFS fails every operation with err.
type errFS struct{ err error }

func (e errFS) Open(string) (fs.File, error) { return nil, e.err }
