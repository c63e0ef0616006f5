package dav

import (
	"os"
	"syscall"

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
		buf := make([]byte, maxAttrRead)
		n, err := unix.Fgetxattr(fd, xattrName, buf)
		if err == unix.ERANGE {
			if n, err = unix.Fgetxattr(fd, xattrName, nil); err == nil {
				buf = make([]byte, n)
				n, err = unix.Fgetxattr(fd, xattrName, buf)
			}
		}
		if err != nil {
			return err
		}
		value = buf[:n]
		return nil
	})
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
