//go:build !unix

package fileserve_test

import "errors"

// mknodNull fails: this system has no device files in its folders.
func mknodNull(name string) error { return errors.ErrUnsupported }
