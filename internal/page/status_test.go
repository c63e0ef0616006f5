package page

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestStatus: each kind of file-system error gets its status.
func TestStatus(t *testing.T) {
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
		{"escapes root", pathErr(errors.New(ErrPathEscapes)), 404},
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
		if got := Status(tc.err); got != tc.code {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.code)
		}
	}
}

// TestStatusAllocs: mapping an error to its status allocates nothing,
// as every 404 asks it.
func TestStatusAllocs(t *testing.T) {
	for _, err := range []error{syscall.ENOENT, &fs.PathError{Op: "stat", Path: "x", Err: syscall.ENOENT}, StatusError(404)} {
		if n := testing.AllocsPerRun(100, func() { Status(err) }); n != 0 {
			t.Errorf("Status(%v): %v allocations, want 0", err, n)
		}
	}
}

// TestRootEscapeErrorText pins the text of os.Root's unexported error for
// a symbolic link out of the root, which Status recognises: if a Go
// release changes it, such links would become 500s.
func TestRootEscapeErrorText(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("../secret.txt", filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, err = root.FS().Open("out")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Err.Error() != ErrPathEscapes {
		t.Fatalf("os.Root's error for a link out of it is %v, want a PathError with %q", err, ErrPathEscapes)
	}
	if got := Status(err); got != 404 {
		t.Errorf("status %d, want 404", got)
	}
}
