//go:build linux && (amd64 || arm64 || riscv64 || ppc64 || ppc64le || s390x)

package listing

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// lstatName is lstat of the single path element name, relative to the
// open folder fd, into st. It is unix.Fstatat without the allocation of
// a C string per call: the NUL-terminated name is written into buf,
// which is returned for the next call. (On these systems unix.Fstatat is
// this same system call on this same Stat_t.) With raw set, the call
// bypasses the Go scheduler; see [stallGate] for when that is safe.
func lstatName(fd int, name string, buf []byte, st *unix.Stat_t, raw bool) ([]byte, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return buf, unix.EINVAL
	}
	buf = append(append(buf[:0], name...), 0)
	syscall6 := unix.Syscall6
	if raw {
		syscall6 = unix.RawSyscall6
	}
	for {
		_, _, errno := syscall6(unix.SYS_NEWFSTATAT, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])),
			uintptr(unsafe.Pointer(st)), unix.AT_SYMLINK_NOFOLLOW, 0, 0)
		switch errno {
		case 0:
			return buf, nil
		case unix.EINTR:
			continue
		}
		return buf, errno
	}
}

// rawStatsSafe reports whether the folder fd is on a local file system,
// where a stat never waits on anything slower than the local disk, so a
// listing may make its stats as raw system calls.
//
// Made through the scheduler, each stat costs an entersyscall and an
// exitsyscall, and with one core (GOMAXPROCS=1, as in the benchmark
// harness) the runtime keeps handing the P from thread to thread: for a
// 10,000-entry listing, 10% of its time. A raw call keeps the P, so a
// stat that waits holds up the goroutines queued on that P meanwhile:
// for a cold local disk, one read (as it holds up an nginx worker), but
// for a network or FUSE file system, as long as a server takes to
// answer. Those, and any file system not named here, keep the
// scheduler-aware call.
func rawStatsSafe(fd int) bool {
	var fs unix.Statfs_t
	if unix.Fstatfs(fd, &fs) != nil {
		return false
	}
	switch uint32(fs.Type) {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.F2FS_SUPER_MAGIC,
		unix.TMPFS_MAGIC, unix.RAMFS_MAGIC, unix.OVERLAYFS_SUPER_MAGIC:
		return true
	}
	return false
}
