package fileserve

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestServeDirectTaken: on Linux NewRoot answers small files and missing
// names through openat2 (TestDirectSameAnswers checks that the answers
// equal the general path's, which proves nothing if this path is never
// taken), and leaves links and folders to the general path.
func TestServeDirectTaken(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	h := directHandler(t, dir)
	for name, want := range map[string]bool{"a.txt": true, "missing.txt": true, "link.txt": false, "sub": false} {
		w := httptest.NewRecorder()
		if got := h.serveDirect(w, httptest.NewRequest("GET", "/"+name, nil), name); got != want {
			t.Errorf("serveDirect(%s) = %v, want %v", name, got, want)
		}
	}
}

// TestServeDirectIndexTaken: an index file is sent through openat2 when
// it is a plain file, reported absent when it is missing, and left to the
// general path when it is a link (which may be allowed, or hidden).
func TestServeDirectIndexTaken(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"plain", "none", "linked"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "plain", "index.html"), []byte("<p>hi</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../plain/index.html", filepath.Join(dir, "linked", "index.html")); err != nil {
		t.Fatal(err)
	}
	h := directHandler(t, dir)
	for name, want := range map[string][2]bool{"plain": {true, false}, "none": {false, true}, "linked": {false, false}} {
		w := httptest.NewRecorder()
		answered, absent := h.serveDirectIndex(w, httptest.NewRequest("GET", "/"+name+"/", nil), name+"/index.html")
		if got := [2]bool{answered, absent}; got != want {
			t.Errorf("serveDirectIndex(%s/index.html) = %v, want %v", name, got, want)
		}
	}
}

// directHandler serves dir with NewRoot, skipping the test where the
// kernel has no openat2 (Linux before 5.6): every name would then take
// the general path.
func directHandler(t *testing.T, dir string) *Handler {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	h := NewRoot(root, nil)
	if h.direct == nil {
		t.Skip("skipping: this kernel has no openat2 (Linux before 5.6), so every name takes the general path")
	}
	return h
}
