//go:build !unix

package parts

import "os"

// Place would link the bytes of upload id into dir as name; without the
// system calls for it, it always asks the caller to copy them.
func (s *Store) Place(id string, dir *os.File, name string, replace bool) error {
	return ErrCrossDevice
}

// freeSpace is unknown here: only the other bounds apply.
func freeSpace(dir *os.File) (int64, bool) { return 0, false }
