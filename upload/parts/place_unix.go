//go:build unix

package parts

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Place gives the complete bytes of upload id the name name in the folder
// dir, an open directory (opened through the served directory's os.Root,
// so the name cannot lead out of it: name is one element, checked by the
// caller). With replace false it makes a hard link, which fails with
// fs.ErrExist when the name exists; with replace it renames over it. The
// bytes are synced to disk first. It returns ErrCrossDevice when dir is on
// another file system: the caller then copies the part (OpenPart).
//
// The upload stays in the store: [Store.Finished] records that it is done.
func (s *Store) Place(id string, dir *os.File, name string, replace bool) error {
	if !validID(id) {
		return ErrNotFound
	}
	if err := s.syncPart(id); err != nil {
		return err
	}
	var err error
	if replace {
		err = unix.Renameat(int(s.dir.Fd()), id+partExt, int(dir.Fd()), name)
	} else {
		err = unix.Linkat(int(s.dir.Fd()), id+partExt, int(dir.Fd()), name, 0)
	}
	switch {
	case errors.Is(err, unix.EXDEV), errors.Is(err, unix.EPERM), errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.EMLINK):
		return ErrCrossDevice // or a file system without hard links: copy
	case err != nil:
		return &os.LinkError{Op: "place", Old: id + partExt, New: name, Err: err}
	}
	return nil
}

// syncPart makes the bytes of upload id durable.
func (s *Store) syncPart(id string) error {
	f, err := s.root.Open(id + partExt)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// freeSpace is the space left for an unprivileged user on the file system
// of dir, in bytes.
func freeSpace(dir *os.File) (int64, bool) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(dir.Fd()), &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
