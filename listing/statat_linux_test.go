package listing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
