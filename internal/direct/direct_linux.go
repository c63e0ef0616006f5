//go:build linux

package direct

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Root opens the files of an os.Root with openat2. It is safe for
// concurrent use.
type Root struct {
	dir *os.File // the root directory, open as long as the Root is used
	fd  int
}

// openHow is how a Root opens a file: for reading, never becoming the
// controlling terminal, and without blocking on a FIFO that a concurrent
// rename put where a regular file was stat'ed.
var openHow = unix.OpenHow{
	Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK,
	Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
}

// New returns a Root for root, or nil where the kernel has no openat2
// (before Linux 5.6) or a sandbox refuses it.
func New(root *os.Root) *Root {
	dir, err := root.Open(".")
	if err != nil {
		return nil
	}
	d := &Root{dir: dir, fd: int(dir.Fd())}
	fd, err := d.openat2(".")
	if err != nil {
		dir.Close()
		return nil
	}
	unix.Close(fd)
	return d
}

// Lstat describes name into st without following a final symbolic link.
// Links before it are followed, even out of the root, so its answer only
// says what kind of file to expect: Open confines.
func (d *Root) Lstat(name string, st *unix.Stat_t) error {
	for {
		err := unix.Fstatat(d.fd, name, st, unix.AT_SYMLINK_NOFOLLOW)
		if err != unix.EINTR {
			return err
		}
	}
}

// Open opens name for reading and describes what it opened. It fails
// with ELOOP when the path holds a symbolic link.
func (d *Root) Open(name string) (fd int, st Stat, err error) {
	fd, err = d.openat2(name)
	if err != nil {
		return -1, st, err
	}
	var raw unix.Stat_t
	if err := unix.Fstat(fd, &raw); err != nil {
		unix.Close(fd)
		return -1, st, err
	}
	return fd, StatOf(&raw), nil
}

// openat2 opens name beneath the root, refusing links.
func (d *Root) openat2(name string) (int, error) {
	for {
		fd, err := unix.Openat2(d.fd, name, &openHow)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// FoldersPlain reports whether every folder on the way to name is still
// a folder under the root, not a link (an Lstat of each).
func (d *Root) FoldersPlain(name string) bool {
	var st unix.Stat_t
	for i := strings.IndexByte(name, '/'); i >= 0; {
		if err := d.Lstat(name[:i], &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return false
		}
		j := strings.IndexByte(name[i+1:], '/')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return true
}

// ReadAt reads len(b) bytes of the open file fd from its start, or fewer
// at its end. It leaves the file's offset at 0.
func ReadAt(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := unix.Pread(fd, b[n:], int64(n))
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return n, err
		case m == 0:
			return n, nil
		}
		n += m
	}
	return n, nil
}

// Missing reports whether err, from Lstat or Open, says that the name
// does not exist: a file that is not there, or a path through a file.
func Missing(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR)
}

// StatOf is what st says of a file.
func StatOf(st *unix.Stat_t) Stat {
	mode := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	default:
		mode |= fs.ModeIrregular
	}
	return Stat{Mode: mode, Size: st.Size, ModTime: time.Unix(st.Mtim.Unix()), Version: VersionOf(st)}
}

// VersionOf is the version of the file st describes.
func VersionOf(st *unix.Stat_t) Version {
	return Version{
		Dev: uint64(st.Dev), Ino: uint64(st.Ino), Mode: uint32(st.Mode), Size: st.Size,
		Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(),
	}
}
