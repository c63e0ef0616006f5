//go:build unix

package fileserve_test

import "syscall"

// mknodNull makes, at name, a character device with /dev/null's numbers
// on Linux (only root may).
func mknodNull(name string) error {
	return syscall.Mknod(name, syscall.S_IFCHR|0o666, 1<<8|3)
}
