//go:build !linux

package preview

import "io/fs"

// identity names the version of a file: its size and modification time.
func identity(info fs.FileInfo) string { return portableIdentity(info) }
