//go:build unix

// Package testfifo makes named pipes (FIFOs) for tests of what a server
// does when it meets one: a file that would block whoever opens it.
package testfifo

import (
	"syscall"
	"testing"
)

// Make makes a named pipe at name, or fails the test.
func Make(t testing.TB, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Fatal(err)
	}
}
