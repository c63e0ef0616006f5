package dav

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// errNoAttr is the error of reading an attribute a file does not have.
var errNoAttr error = unix.ENODATA

// fileXattrs are the extended attributes of files, read and written
// through a descriptor opened in the root, so that no link leads them
// out of it.
type fileXattrs struct{}

// maxAttrRead is the buffer of a first read; a larger value is read again
// at its size.
const maxAttrRead = 4 << 10

func (fileXattrs) get(root *os.Root, name string) (value []byte, err error) {
	err = withFD(root, name, func(fd int) error {
		var buf []byte
		value, err = readAttr(fd, &buf)
		return err
	})
	return value, err
}

// readAttr reads the attribute of the file fd into *buf, which it makes
// or grows as the value needs.
func readAttr(fd int, buf *[]byte) ([]byte, error) {
	if len(*buf) == 0 {
		*buf = make([]byte, maxAttrRead)
	}
	n, err := unix.Fgetxattr(fd, xattrName, *buf)
	if err == unix.ERANGE {
		if n, err = unix.Fgetxattr(fd, xattrName, nil); err == nil {
			*buf = make([]byte, n)
			n, err = unix.Fgetxattr(fd, xattrName, *buf)
		}
	}
	if err != nil {
		return nil, err
	}
	return (*buf)[:n], nil
}

func (fileXattrs) getAt(dir *os.File, name string, buf *[]byte) (value []byte, err error) {
	rc, err := dir.SyscallConn()
	if err != nil {
		return nil, err
	}
	cerr := rc.Control(func(dirfd uintptr) {
		fd, oerr := unix.Openat(int(dirfd), name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if oerr != nil {
			err = oerr
			return
		}
		defer unix.Close(fd)
		value, err = readAttr(fd, buf)
	})
	if cerr != nil {
		return nil, cerr
	}
	return value, err
}

func (fileXattrs) set(root *os.Root, name string, value []byte) error {
	return withFD(root, name, func(fd int) error { return unix.Fsetxattr(fd, xattrName, value, 0) })
}

func (fileXattrs) remove(root *os.Root, name string) error {
	return withFD(root, name, func(fd int) error { return unix.Fremovexattr(fd, xattrName) })
}

// withFD calls do with a descriptor of the file or folder name, opened
// for reading without blocking (a FIFO would wait for a writer).
func withFD(root *os.Root, name string, do func(fd int) error) error {
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var doErr error
	if err := rc.Control(func(fd uintptr) { doErr = do(int(fd)) }); err != nil {
		return err
	}
	return doErr
}

// stateOf is the identity and times of the open folder f.
func stateOf(f *os.File) (folderState, bool) {
	info, err := f.Stat()
	if err != nil {
		return folderState{}, false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return folderState{}, false
	}
	return folderState{dev: st.Dev, ino: st.Ino, ctime: time.Unix(st.Ctim.Unix()), mtime: time.Unix(st.Mtim.Unix())}, true
}
