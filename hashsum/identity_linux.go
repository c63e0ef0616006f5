//go:build linux

package hashsum

import (
	"io/fs"
	"syscall"
)

// identity tells one version of a file from every other: which file
// (device and inode), its size, and when its content (mtime) and its
// inode (ctime, which every write and rename moves) last changed, to the
// nanosecond.
type identity struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64
}

// identityOf is the identity of the file info describes.
func identityOf(info fs.FileInfo) identity {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return identity{size: info.Size(), mtime: info.ModTime().UnixNano()}
	}
	return identity{
		dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size,
		mtime: info.ModTime().UnixNano(), ctime: st.Ctim.Nano(),
	}
}
