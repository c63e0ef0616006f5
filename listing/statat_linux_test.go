package listing

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/localfs"
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
		for _, tt := range tests {
			var st unix.Stat_t
			var err error
			buf, err = lstatName(int(fd), tt.name, buf, &st)
			if err != tt.err || err == nil && (st.Mode&unix.S_IFMT != tt.mode || st.Size != tt.size) {
				t.Errorf("%.20q: mode %o size %d err %v, want %o %d %v", tt.name, st.Mode&unix.S_IFMT, st.Size, err, tt.mode, tt.size, tt.err)
			}
		}
	}))
}

// TestOnLocalFS checks that cached names are kept to local file systems: /proc is not one, and a test's temporary folder on one of
// the usual local file systems is (on any other, that half skips).
func TestOnLocalFS(t *testing.T) {
	if localDir(t, "/proc") {
		t.Error("/proc counted as a local file system")
	}
	dir := t.TempDir()
	var sfs unix.Statfs_t
	must(t, unix.Statfs(dir, &sfs))
	switch uint32(sfs.Type) {
	case unix.EXT4_SUPER_MAGIC, unix.TMPFS_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.OVERLAYFS_SUPER_MAGIC:
		if !localDir(t, dir) {
			t.Errorf("the temporary folder's file system (type %#x) is not counted as local", sfs.Type)
		}
	default:
		t.Skipf("the temporary folder is on a file system of type %#x, not one this test knows", sfs.Type)
	}
}

// localDir reports what onLocalFS says of the folder dir.
func localDir(t *testing.T, dir string) bool {
	t.Helper()
	d, err := os.Open(dir)
	must(t, err)
	defer d.Close()
	return onLocalFS(dirFD(d))
}

// TestNameCacheUntrustedFS: a folder on a file system that package
// localfs does not trust (NFS and FUSE here, pretended) is read afresh
// every time, however its stamp matches names in the cache; on one it
// trusts, the cached names are used. It pretends, so it runs alone.
func TestNameCacheUntrustedFS(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt"} {
		must(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
	}
	info, err := os.Stat(dir)
	must(t, err)
	id, stamp, ok := stampOf(info)
	if !ok {
		t.Fatal("no stamp for a folder")
	}
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	for _, tc := range []struct {
		name   string
		typ    uint32
		cached bool
	}{
		{"ext4", unix.EXT4_SUPER_MAGIC, true},
		{"nfs", unix.NFS_SUPER_MAGIC, false},
		{"fuse", unix.FUSE_SUPER_MAGIC, false},
	} {
		cache := NewNameCache(1 << 20)
		// Names read under the folder's present stamp, an hour after
		// it settled, less one: a listing from the cache lacks a.txt.
		cache.put(id, stamp, time.Now().Add(time.Hour), []string{"b.txt"})
		restore := localfs.Pretend(tc.typ)
		l, err := Read(context.Background(), root.FS(), ".", "/", Options{Names: cache})
		restore()
		must(t, err)
		if got := len(l.Entries) == 1; got != tc.cached {
			t.Errorf("on %s: listed %d entries; want the cached names (1): %v", tc.name, len(l.Entries), tc.cached)
		}
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
	var newest lastModified
	page, err := r.page(all, &newest)
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
	if stated != 10 || page[0].Name != "f20" || newest.time().IsZero() {
		t.Errorf("page from %s, %d entries stat'ed, time %v; want from f20, 10, a time", page[0].Name, stated, newest.time())
	}
}
