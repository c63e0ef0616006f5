package fileserve_test

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

func TestStatusFor(t *testing.T) {
	pathErr := func(err error) error { return &fs.PathError{Op: "open", Path: "/srv/x", Err: err} }
	for _, tc := range []struct {
		name string
		err  error
		code int
	}{
		{"not exist", fs.ErrNotExist, 404},
		{"ENOENT", pathErr(syscall.ENOENT), 404},
		{"invalid", pathErr(fs.ErrInvalid), 404},
		{"ENOTDIR", pathErr(syscall.ENOTDIR), 404},
		{"ELOOP", pathErr(syscall.ELOOP), 404},
		{"ENAMETOOLONG", pathErr(syscall.ENAMETOOLONG), 404},
		{"escapes root", pathErr(errors.New(fileserve.ErrPathEscapes)), 404},
		{"permission", fs.ErrPermission, 403},
		{"EACCES", pathErr(syscall.EACCES), 403},
		{"EPERM", pathErr(syscall.EPERM), 403},
		{"EMFILE", pathErr(syscall.EMFILE), 503},
		{"ENFILE", pathErr(syscall.ENFILE), 503},
		{"wrapped EMFILE", fmt.Errorf("reading: %w", pathErr(syscall.EMFILE)), 503},
		{"EIO", pathErr(syscall.EIO), 500},
		{"other", errors.New("something broke"), 500},
		{"other path error", pathErr(errors.New("path escapes")), 500},
	} {
		if got := fileserve.StatusFor(tc.err); got != tc.code {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.code)
		}
	}
}

// TestStatusForAllocs: mapping an error to its status allocates nothing,
// as every 404 asks it.
func TestStatusForAllocs(t *testing.T) {
	for _, err := range []error{syscall.ENOENT, &fs.PathError{Op: "stat", Path: "x", Err: syscall.ENOENT}, fileserve.StatusError(404)} {
		if n := testing.AllocsPerRun(100, func() { fileserve.StatusFor(err) }); n != 0 {
			t.Errorf("statusFor(%v): %v allocations, want 0", err, n)
		}
	}
}

// TestRootEscapeErrorText pins the text of os.Root's unexported error for
// a symbolic link out of the root, which statusFor recognises: if a Go
// release changes it, such links would become 500s.
func TestRootEscapeErrorText(t *testing.T) {
	root, dir := tempRoot(t, nil)
	symlink(t, dir, "../secret.txt", "out")
	_, err := root.FS().Open("out")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Err.Error() != fileserve.ErrPathEscapes {
		t.Fatalf("os.Root's error for a link out of it is %v, want a PathError with %q", err, fileserve.ErrPathEscapes)
	}
	if got := fileserve.StatusFor(err); got != 404 {
		t.Errorf("status %d, want 404", got)
	}
}

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
