// Package direct opens the files of an [os.Root] with one system call
// each, where os.Root walks a path an element at a time: on Linux,
// openat2 with RESOLVE_BENEATH confines the whole path to the directory
// in the kernel, and RESOLVE_NO_SYMLINKS refuses every symbolic link on
// the way, so a file it opens is where its name says: not hidden behind
// a link, with no need to ask /proc where it really is. Names with links
// are left to os.Root, which follows those that stay inside.
//
// It also says what a stat says of a file in the terms the file server
// needs: its kind, size and time (Stat), and the Version that tells one
// version of a file from another.
//
// Elsewhere, and on kernels without openat2 (before Linux 5.6), [New]
// returns nil and every open goes through the os.Root.
package direct

import (
	"io/fs"
	"path"
	"time"
)

// Version tells one version of a file from another: a file rewritten in
// place changes its ctime, whatever its size and mtime; one replaced by
// a rename is another inode; one moved to another file system, another
// device. Versions are comparable with ==.
type Version struct {
	Dev, Ino     uint64
	Mode         uint32 // type and permissions, as stat gives them
	Size         int64
	Mtime, Ctime int64 // nanoseconds since the epoch
}

// Stat is what serving a file needs of its stat.
type Stat struct {
	Mode    fs.FileMode
	Size    int64
	ModTime time.Time
	Version Version
}

// Info is st as the fs.FileInfo of the file name.
func (st Stat) Info(name string) fs.FileInfo {
	return statInfo{name: path.Base(name), Stat: st}
}

// statInfo is a Stat with its name, as an fs.FileInfo.
type statInfo struct {
	name string
	Stat
}

func (i statInfo) Name() string       { return i.name }
func (i statInfo) Size() int64        { return i.Stat.Size }
func (i statInfo) Mode() fs.FileMode  { return i.Stat.Mode }
func (i statInfo) ModTime() time.Time { return i.Stat.ModTime }
func (i statInfo) IsDir() bool        { return i.Stat.Mode.IsDir() }
func (i statInfo) Sys() any           { return nil }
