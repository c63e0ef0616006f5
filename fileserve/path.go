package fileserve

import (
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"

	"github.com/simplehttp/simplehttp/internal/hidden"
)

// translatePath maps a decoded URL path to a name in the served file system
// (Python's translate_path). It cleans the path, so "." and ".." elements
// can never climb above the root, and it rejects what cannot name a file
// there: NUL bytes, and hidden names unless dotfiles are served. The root
// is ".". A name need not be valid UTF-8: file names are bytes, and the
// file system decides whether it can open one.
func (h *Handler) translatePath(urlPath string) (name string, ok bool) {
	if strings.IndexByte(urlPath, 0) >= 0 {
		return "", false
	}
	if !strings.HasPrefix(urlPath, "/") {
		urlPath = "/" + urlPath
	}
	// Clean allocates only when it changes something: a path that is
	// already clean, as most are, costs no copy.
	name = strings.TrimPrefix(path.Clean(urlPath), "/")
	if name == "" {
		name = "."
	}
	if !h.dotfiles && hidden.Name(name) {
		return "", false
	}
	return name, true
}

// hidden reports whether name must be neither listed nor served: unless
// dotfiles are served, a hidden name or one whose symbolic links lead to a
// hidden name (a link "config.txt" to ".env" is refused as ".env" is).
func (h *Handler) hidden(name string) bool {
	return !h.dotfiles && hidden.In(h.fsys, name)
}

// hideIn returns the Hide function of the listing of dir, a directory the
// request was allowed to see: whether an entry's name is hidden.
func (h *Handler) hideIn(dir string) func(entry string) bool {
	if h.dotfiles {
		return nil
	}
	return func(entry string) bool { return hidden.Elem(entry, dir == ".") }
}

// hideLinkIn returns the HideLink function of the listing of dir: whether
// an entry that is a symbolic link leads to a hidden name.
func (h *Handler) hideLinkIn(dir string) func(entry string) bool {
	if h.dotfiles {
		return nil
	}
	return func(entry string) bool { return hidden.LeadsTo(h.fsys, path.Join(dir, entry)) }
}

// openedHidden reports whether the open file f, named name, is hidden by
// where it really is: unless dotfiles are served, a hidden name or one
// reached through a link to a hidden name. Where the kernel tells the
// path of an open file (Linux's /proc/self/fd), that costs one system
// call; else name's links are resolved, one Lstat per element.
func (h *Handler) openedHidden(f fs.File, name string) bool {
	if h.dotfiles {
		return false
	}
	if rel, ok := h.realName(f); ok {
		return hidden.Name(rel)
	}
	return hidden.In(h.fsys, name)
}

// realName is the name under the root of the open file f, from its real
// path; ok is false where the kernel does not tell, or when f is not under
// the root's real path (a link out of an os.DirFS).
func (h *Handler) realName(f fs.File) (name string, ok bool) {
	p, ok := openPath(f)
	if !ok || h.rootDir == "" {
		return "", false
	}
	if p == h.rootDir {
		return ".", true
	}
	name, ok = strings.CutPrefix(p, strings.TrimSuffix(h.rootDir, "/")+"/")
	return name, ok && name != ""
}

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

// openPath is the real, absolute path of the open file f, as Linux tells
// it in /proc/self/fd, for an *os.File. ok is false elsewhere, and for a
// file that has been deleted since it was opened.
func openPath(f fs.File) (p string, ok bool) {
	sc, isConn := f.(syscall.Conn)
	if !isConn {
		return "", false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return "", false
	}
	var lerr error
	err = rc.Control(func(fd uintptr) {
		p, lerr = os.Readlink("/proc/self/fd/" + strconv.FormatUint(uint64(fd), 10))
	})
	if err != nil || lerr != nil || !strings.HasPrefix(p, "/") || strings.HasSuffix(p, " (deleted)") {
		return "", false
	}
	return p, true
}
