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
