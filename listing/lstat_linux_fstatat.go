//go:build linux && !(amd64 || arm64 || riscv64 || ppc64 || ppc64le || s390x)

package listing

import "golang.org/x/sys/unix"

// lstatName is lstat of the single path element name, relative to the
// open folder fd, into st; buf is unused here.
func lstatName(fd int, name string, buf []byte, st *unix.Stat_t) ([]byte, error) {
	for {
		if err := unix.Fstatat(fd, name, st, unix.AT_SYMLINK_NOFOLLOW); err != unix.EINTR {
			return buf, err
		}
	}
}
