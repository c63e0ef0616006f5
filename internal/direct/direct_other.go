//go:build !linux

package direct

import "os"

// Root is Linux's one-system-call open (openat2); elsewhere there is
// none, and every open goes through the os.Root.
type Root struct{}

// New returns nil: there is no openat2 here.
func New(*os.Root) *Root { return nil }
