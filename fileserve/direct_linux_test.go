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
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	h := NewRoot(root, nil)
	if h.direct == nil {
		t.Skip("skipping: this kernel has no openat2 (Linux before 5.6), so every name takes the general path")
	}
	for name, want := range map[string]bool{"a.txt": true, "missing.txt": true, "link.txt": false, "sub": false} {
		w := httptest.NewRecorder()
		if got := h.serveDirect(w, httptest.NewRequest("GET", "/"+name, nil), name); got != want {
			t.Errorf("serveDirect(%s) = %v, want %v", name, got, want)
		}
	}
}
