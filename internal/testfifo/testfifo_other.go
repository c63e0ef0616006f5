//go:build !unix

// Package testfifo makes named pipes (FIFOs) for tests of what a server
// does when it meets one: a file that would block whoever opens it.
package testfifo

import "testing"

// Make skips the test: this system has no named pipes in its folders.
func Make(t testing.TB, name string) {
	t.Helper()
	t.Skip("skipping: no named pipes on this system")
}
