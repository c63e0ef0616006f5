//go:build !linux

package listing

import (
	"errors"
	"io/fs"
	"syscall"
)

// dirFD is nil: statting entries by the directory's descriptor is done on
// Linux alone; elsewhere entries come from ReadDir.
func dirFD(fs.File) syscall.RawConn { return nil }

// lstatAt is unsupported; with dirFD nil it is never called.
func (r *reader) lstatAt([]*Entry) error { return errors.ErrUnsupported }

// onLocalFS is false: only Linux tells which file systems are local.
func onLocalFS(syscall.RawConn) bool { return false }

// stampOf is never ok: a folder's names are cached on Linux alone.
func stampOf(fs.FileInfo) (dirID, dirStamp, bool) { return dirID{}, dirStamp{}, false }
