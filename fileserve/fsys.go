package fileserve

import (
	"io/fs"
	"os"
	"syscall"

	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/hotcache"
)

// NewRoot returns a Handler serving root. It is New(root.FS(), opt) with
// one difference: names that are not valid UTF-8 are served too. A Unix
// file name is bytes, and one written by a Latin-1 system ("caf\xe9.txt")
// is listed with a percent-encoded link that must work; (*os.Root).FS, as
// every fs.FS must, refuses such names. Every open still goes through
// root, so nothing outside it is reachable, symbolic links included.
func NewRoot(root *os.Root, opt *Options) *Handler {
	h := New(rootFS{root}, opt)
	h.direct = direct.New(root)
	if h.direct != nil {
		h.hot = hotcache.New[wholeAnswer](hotBytes)
	}
	return h
}

// hotBytes bounds the memory of a Handler's hot cache: 256 files of the
// largest size sent from memory, or thousands of small pages and scripts.
const hotBytes = 4 << 20

// rootFS is the file system of an os.Root that takes names as the kernel
// does. It breaks fs.FS's rule that names be valid UTF-8, so it stays
// inside this package, where translatePath has cleaned every name.
type rootFS struct{ root *os.Root }

// Open opens the file name for reading. Every caller has stat'ed it first,
// so it is a regular file or a directory. O_NONBLOCK changes nothing for
// either, but it spares four system calls per open: without it, package
// os makes the descriptor non-blocking to try the poller, which refuses
// regular files, and then makes it blocking again.
func (f rootFS) Open(name string) (fs.File, error) {
	return f.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// Stat returns a FileInfo describing the file name, following links.
func (f rootFS) Stat(name string) (fs.FileInfo, error) { return f.root.Stat(name) }

// Lstat returns a FileInfo describing the file name, not following a link.
func (f rootFS) Lstat(name string) (fs.FileInfo, error) { return f.root.Lstat(name) }

// ReadLink returns the target of the symbolic link name.
func (f rootFS) ReadLink(name string) (string, error) { return f.root.Readlink(name) }

var (
	_ fs.StatFS     = rootFS{}
	_ fs.ReadLinkFS = rootFS{}
)

// realDir is the real path of fsys's root directory, or "" where the
// kernel does not tell.
func realDir(fsys fs.FS) string {
	f, err := fsys.Open(".")
	if err != nil {
		return ""
	}
	defer f.Close()
	p, _ := openPath(f)
	return p
}
