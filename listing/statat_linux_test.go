package listing

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestLstatName checks the lstat by name that the descriptor path uses:
// a link is not followed, and bad or missing names fail as lstat does.
func TestLstatName(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "file"), []byte("12345"), 0o644))
	must(t, os.Symlink("file", filepath.Join(dir, "link")))
	d, err := os.Open(dir)
	must(t, err)
	defer d.Close()
	rc, err := d.SyscallConn()
	must(t, err)
	long := strings.Repeat("x", 300) // longer than the scratch buffer
	tests := []struct {
		name string
		mode uint32
		size int64
		err  error
	}{
		{"file", unix.S_IFREG, 5, nil},
		{"link", unix.S_IFLNK, 4, nil},
		{"missing", 0, 0, unix.ENOENT},
		{long, 0, 0, unix.ENAMETOOLONG},
		{"nul\x00file", 0, 0, unix.EINVAL},
	}
	must(t, rc.Control(func(fd uintptr) {
		buf := make([]byte, 0, 256)
		for _, raw := range []bool{true, false} {
			for _, tt := range tests {
				var st unix.Stat_t
				var err error
				buf, err = lstatName(int(fd), tt.name, buf, &st, raw)
				if err != tt.err || err == nil && (st.Mode&unix.S_IFMT != tt.mode || st.Size != tt.size) {
					t.Errorf("raw %v, %.20q: mode %o size %d err %v, want %o %d %v", raw, tt.name, st.Mode&unix.S_IFMT, st.Size, err, tt.mode, tt.size, tt.err)
				}
			}
		}
	}))
}

// TestOnLocalFS checks that raw stats and cached names are kept to local
// file systems: /proc is not one, and a test's temporary folder on one of
// the usual local file systems is (on any other, that half skips).
func TestOnLocalFS(t *testing.T) {
	local := func(dir string) bool {
		d, err := os.Open(dir)
		must(t, err)
		defer d.Close()
		return onLocalFS(dirFD(d))
	}
	if local("/proc") {
		t.Error("/proc counted as a local file system")
	}
	dir := t.TempDir()
	var sfs unix.Statfs_t
	must(t, unix.Statfs(dir, &sfs))
	switch uint32(sfs.Type) {
	case unix.EXT4_SUPER_MAGIC, unix.TMPFS_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.OVERLAYFS_SUPER_MAGIC:
		if !local(dir) {
			t.Errorf("the temporary folder's file system (type %#x) is not counted as local", sfs.Type)
		}
	default:
		t.Skipf("the temporary folder is on a file system of type %#x, not one this test knows", sfs.Type)
	}
}

// TestDescriptorPathStatsOnlyThePage checks that in a folder bigger than
// a page, read in name order, the descriptor path stats the page's
// entries and no others.
func TestDescriptorPathStatsOnlyThePage(t *testing.T) {
	dir := t.TempDir()
	for i := range 50 {
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d", i)), nil, 0o644))
	}
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	f, err := root.FS().Open(".")
	must(t, err)
	defer f.Close()
	r := reader{ctx: context.Background(), fsys: root.FS(), dir: ".", opt: Options{Query: Query{Limit: 10, Offset: 20}}, fd: dirFD(f)}
	dirents, names, err := r.readDir(f)
	must(t, err)
	all, _, err := r.entries(dirents, names)
	must(t, err)
	must(t, r.sort(all))
	var modTime time.Time
	page, err := r.page(all, &modTime)
	must(t, err)
	stated := 0
	for _, e := range all {
		if e.stated {
			stated++
		}
	}
	if len(page) != 10 {
		t.Fatalf("page of %d, want 10", len(page))
	}
	if stated != 10 || page[0].Name != "f20" || modTime.IsZero() {
		t.Errorf("page from %s, %d entries stat'ed, time %v; want from f20, 10, a time", page[0].Name, stated, modTime)
	}
}
