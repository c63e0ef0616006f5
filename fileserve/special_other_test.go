//go:build !unix

package fileserve_test

import (
	"errors"
	"testing"
)

// mkfifo skips the test: this system has no named pipes in its folders.
func mkfifo(t *testing.T, name string) {
	t.Helper()
	t.Skip("skipping: no named pipes on this system")
}

// mknodNull fails: this system has no device files in its folders.
func mknodNull(name string) error { return errors.ErrUnsupported }
