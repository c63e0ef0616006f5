package dav

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps the entries a and b of the folder dir (under root) in
// one step, or returns errors.ErrUnsupported where the kernel or the
// file system cannot (Linux before 3.15; some network and FUSE file
// systems). a and b are names in dir, without a "/".
func exchange(root *os.Root, dir, a, b string) error {
	d, err := root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	rc, err := d.SyscallConn()
	if err != nil {
		return err
	}
	var xerr error
	if err := rc.Control(func(fd uintptr) { xerr = unix.Renameat2(int(fd), a, int(fd), b, unix.RENAME_EXCHANGE) }); err != nil {
		return err
	}
	if errors.Is(xerr, unix.EINVAL) || errors.Is(xerr, unix.ENOSYS) || errors.Is(xerr, unix.ENOTSUP) {
		return errors.ErrUnsupported
	}
	return xerr
}
