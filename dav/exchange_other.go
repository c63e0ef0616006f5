//go:build !linux

package dav

import (
	"errors"
	"os"
)

// exchange is not supported here: place moves the old tree aside first.
func exchange(*os.Root, string, string, string) error { return errors.ErrUnsupported }
