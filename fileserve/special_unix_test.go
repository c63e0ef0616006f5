//go:build unix

package fileserve_test

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at name.
func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Fatal(err)
	}
}

// mknodNull makes, at name, a character device with /dev/null's numbers
// on Linux (only root may).
func mknodNull(name string) error {
	return syscall.Mknod(name, syscall.S_IFCHR|0o666, 1<<8|3)
}
