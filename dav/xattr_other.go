//go:build !linux

package dav

import (
	"os"
	"syscall"
)

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
