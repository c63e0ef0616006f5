//go:build !linux

package dav

import (
	"os"
	"syscall"
)

// errNoAttr is the error of reading an attribute a file does not have;
// here every read fails with ENOTSUP first.
var errNoAttr error = syscall.ENOTSUP

// fileXattrs stands for extended attributes where this package does not
// use them: dead properties are kept in memory.
type fileXattrs struct{}

func (fileXattrs) get(*os.Root, string) ([]byte, error) { return nil, syscall.ENOTSUP }
func (fileXattrs) getAt(*os.File, string, *[]byte) ([]byte, error) {
	return nil, syscall.ENOTSUP
}
func (fileXattrs) set(*os.Root, string, []byte) error { return syscall.ENOTSUP }
func (fileXattrs) remove(*os.Root, string) error      { return syscall.ENOTSUP }

// stateOf knows no folder's state: every folder's entries are read.
func stateOf(*os.File) (folderState, bool) { return folderState{}, false }
