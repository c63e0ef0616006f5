package hotcache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/localfs"
	"golang.org/x/sys/unix"
)

// TestTakes: a file is taken only when its ctime settled before it was
// opened and its file system is trusted (NFS, pretended, is not). It
// pretends, so it runs alone.
func TestTakes(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	c := New[struct{}](1 << 20)
	changed := time.Now()
	v := direct.Version{Ctime: changed.UnixNano()}
	for _, tc := range []struct {
		name   string
		opened time.Time
		typ    uint32
		want   bool
	}{
		{"settled, ext4", changed.Add(time.Hour), unix.EXT4_SUPER_MAGIC, true},
		{"settled, nfs", changed.Add(time.Hour), unix.NFS_SUPER_MAGIC, false},
		{"changed a moment before", changed.Add(time.Second), unix.EXT4_SUPER_MAGIC, false},
	} {
		restore := localfs.Pretend(tc.typ)
		got := c.Takes(fd, v, tc.opened)
		restore()
		if got != tc.want {
			t.Errorf("%s: Takes = %v, want %v", tc.name, got, tc.want)
		}
	}
}
