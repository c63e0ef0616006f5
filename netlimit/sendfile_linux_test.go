//go:build linux

package netlimit

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSendFileHandles: sendFile takes a file body longer than one chunk
// to a socket, and leaves to the general path, having sent nothing, a
// body of one chunk or less, a reader that is no file, and a pipe.
func TestSendFileHandles(t *testing.T) {
	w := WriteLimit{Timeout: 5 * time.Second, Chunk: 64 << 10}
	data := randomBytes(200 << 10)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	for _, tc := range []struct {
		name        string
		src         func(f *os.File) io.Reader
		wantHandled bool
	}{
		{"file over a chunk", func(f *os.File) io.Reader { return &io.LimitedReader{R: f, N: 100 << 10} }, true},
		{"bare file", func(f *os.File) io.Reader { return f }, true},
		{"one chunk", func(f *os.File) io.Reader { return &io.LimitedReader{R: f, N: 64 << 10} }, false},
		{"not a file", func(*os.File) io.Reader { return &io.LimitedReader{R: bytes.NewReader(data), N: 100 << 10} }, false},
		{"a pipe", func(*os.File) io.Reader { return &io.LimitedReader{R: pr, N: 100 << 10} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, client := tcpPair(t, w, 0, 0)
			go io.Copy(io.Discard, client)
			n, handled, err := c.sendFile(tc.src(tempFile(t, data)))
			if handled != tc.wantHandled || err != nil {
				t.Fatalf("sendFile = %d, %v, %v; want handled %v, no error", n, handled, err, tc.wantHandled)
			}
			if !handled && n != 0 {
				t.Errorf("sent %d bytes and left the body to the general path", n)
			}
		})
	}
}

// TestPageCached: pageCached tells written pages, which are in the page
// cache, from a hole in a sparse file, which is not.
func TestPageCached(t *testing.T) {
	f := tempFile(t, randomBytes(1<<20))
	if err := os.Truncate(f.Name(), 3<<20); err != nil { // a 2 MiB hole
		t.Fatal(err)
	}
	fd := int(f.Fd())
	var st unix.Cachestat_t
	if err := unix.Cachestat(uint(fd), &unix.CachestatRange{Len: 1}, &st, 0); err == unix.ENOSYS {
		t.Skip("skipping: no cachestat before Linux 6.5, so every piece takes the ordinary call")
	}
	for _, tc := range []struct {
		off, size int64
		want      bool
	}{
		{0, 1 << 20, true},
		{4096, 100_000, true},
		{1 << 20, 1 << 20, false},
		{512 << 10, 1 << 20, false}, // half in, half in the hole
	} {
		if got := pageCached(fd, tc.off, tc.size); got != tc.want {
			t.Errorf("pageCached(%d, %d) = %v, want %v", tc.off, tc.size, got, tc.want)
		}
	}
}

// TestLocalFS: a file in the test's temporary folder (ext4, tmpfs, xfs,
// btrfs or overlayfs, wherever tests run) is on a local file system, and
// one in /proc, which makes up what a read returns, is not.
func TestLocalFS(t *testing.T) {
	f := tempFile(t, []byte("x"))
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	typ := uint32(st.Type) // int32 on 32-bit systems
	known := typ == unix.EXT4_SUPER_MAGIC || typ == unix.TMPFS_MAGIC || typ == unix.XFS_SUPER_MAGIC ||
		typ == unix.BTRFS_SUPER_MAGIC || typ == unix.OVERLAYFS_SUPER_MAGIC
	if local := localFS(int(f.Fd())); known && !local {
		t.Errorf("localFS says no for a file on file system type %#x", typ)
	}
	p, err := os.Open("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if localFS(int(p.Fd())) {
		t.Error("localFS says yes for /proc")
	}
}
