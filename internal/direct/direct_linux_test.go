package direct

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// newRoot is a Root of a fresh folder holding a.txt, sub/b.txt, a link
// to a.txt, a link to sub, and a link out of the folder; it skips where
// the kernel has no openat2.
func newRoot(t *testing.T) (*Root, string) {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "root")
	for _, p := range []string{dir, filepath.Join(dir, "sub")} {
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{"root/a.txt": "hello", "root/sub/b.txt": "bb", "secret.txt": "no"} {
		if err := os.WriteFile(filepath.Join(parent, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"link.txt": "a.txt", "linked": "sub", "out.txt": "../secret.txt"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	d := New(root)
	if d == nil {
		t.Skip("skipping: this kernel has no openat2 (Linux before 5.6)")
	}
	return d, dir
}

// TestOpen: plain names open and are described; any symbolic link on
// the way, or a name that leaves the root, is refused.
func TestOpen(t *testing.T) {
	d, _ := newRoot(t)
	for name, size := range map[string]int64{"a.txt": 5, "sub/b.txt": 2} {
		fd, st, err := d.Open(name)
		if err != nil {
			t.Fatalf("Open(%s): %v", name, err)
		}
		buf := make([]byte, 10)
		n, err := ReadAt(fd, buf)
		unix.Close(fd)
		if err != nil || int64(n) != size || st.Size != size || !st.Mode.IsRegular() || st.Info(name).Name() != filepath.Base(name) {
			t.Errorf("Open(%s): read %d (%v), stat %+v", name, n, err, st)
		}
	}
	for _, name := range []string{"link.txt", "linked/b.txt", "out.txt", "../secret.txt", "/etc/passwd"} {
		if fd, _, err := d.Open(name); err == nil {
			unix.Close(fd)
			t.Errorf("Open(%s) succeeded", name)
		}
	}
	var st unix.Stat_t
	for _, name := range []string{"missing", "a.txt/x"} {
		if err := d.Lstat(name, &st); !Missing(err) {
			t.Errorf("Lstat(%s) = %v, want missing", name, err)
		}
	}
	if err := d.Lstat("link.txt", &st); err != nil || StatOf(&st).Mode.Type() != os.ModeSymlink {
		t.Errorf("Lstat(link.txt) followed the link: %v", err)
	}
}

// TestFoldersPlain: a folder on the way that is a link, or is gone, is
// seen.
func TestFoldersPlain(t *testing.T) {
	d, _ := newRoot(t)
	for name, want := range map[string]bool{"a.txt": true, "sub/b.txt": true, "linked/b.txt": false, "gone/b.txt": false} {
		if got := d.FoldersPlain(name); got != want {
			t.Errorf("FoldersPlain(%s) = %v, want %v", name, got, want)
		}
	}
}

// TestVersion: a file rewritten in place with its size and mtime kept,
// or replaced by a rename, is another version.
func TestVersion(t *testing.T) {
	d, dir := newRoot(t)
	version := func() Version {
		var st unix.Stat_t
		if err := d.Lstat("a.txt", &st); err != nil {
			t.Fatal(err)
		}
		return VersionOf(&st)
	}
	p := filepath.Join(dir, "a.txt")
	v1 := version()
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	waitTick(t, p)
	if err := os.WriteFile(p, []byte("HELLO"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	v2 := version()
	if v2 == v1 {
		t.Error("a file rewritten in place, same size and mtime, kept its version")
	}
	tmp := filepath.Join(dir, "new")
	if err := os.WriteFile(tmp, []byte("HELLO"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(os.Chtimes(tmp, info.ModTime(), info.ModTime()), os.Rename(tmp, p)); err != nil {
		t.Fatal(err)
	}
	if v3 := version(); v3 == v2 || v3.Ino == v2.Ino {
		t.Error("a file replaced by a rename kept its version")
	}
}

// waitTick waits until the kernel's clock has moved past the ctime of
// the file p, so that a change now gets a ctime of its own: an event,
// polled, not a guessed sleep.
func waitTick(t *testing.T, p string) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	for {
		probe := p + ".tick"
		if err := os.WriteFile(probe, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		var pst unix.Stat_t
		err := unix.Stat(probe, &pst)
		os.Remove(probe)
		if err != nil {
			t.Fatal(err)
		}
		if pst.Ctim.Nano() > st.Ctim.Nano() {
			return
		}
	}
}
