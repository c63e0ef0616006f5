// Package rootlinks gives an [os.Root] the shape of an [fs.ReadLinkFS], so
// that the dotfile rule (internal/hidden) can follow its links.
package rootlinks

import (
	"io/fs"
	"os"
)

// FS is root as a file system whose links can be followed. Unlike
// (*os.Root).FS, it takes names that are not valid UTF-8, so that such a
// link cannot hide where it leads.
type FS struct{ Root *os.Root }

// Open opens name in the root.
func (f FS) Open(name string) (fs.File, error) { return f.Root.Open(name) }

// Lstat describes name in the root without following a final link.
func (f FS) Lstat(name string) (fs.FileInfo, error) { return f.Root.Lstat(name) }

// ReadLink returns where the link name leads.
func (f FS) ReadLink(name string) (string, error) { return f.Root.Readlink(name) }

var _ fs.ReadLinkFS = FS{}
