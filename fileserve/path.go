package fileserve

import (
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
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
	if !h.dotfiles && isHidden(name) {
		return "", false
	}
	return name, true
}

// isHidden reports whether a cleaned name has an element beginning with ".",
// other than a top-level ".well-known" (RFC 8615).
func isHidden(name string) bool {
	if name == "." {
		return false
	}
	top := true
	for elem := range strings.SplitSeq(name, "/") {
		if hiddenElem(elem, top) {
			return true
		}
		top = false
	}
	return false
}

// hiddenElem reports whether one element of a name is hidden; top tells
// whether it is the first, where ".well-known" is not.
func hiddenElem(elem string, top bool) bool {
	return strings.HasPrefix(elem, ".") && elem != "." && elem != ".." && !(top && elem == ".well-known")
}

// hidden reports whether name must be neither listed nor served: unless
// dotfiles are served, a hidden name or one whose symbolic links lead to a
// hidden name (a link "config.txt" to ".env" is refused as ".env" is).
func (h *Handler) hidden(name string) bool {
	return !h.dotfiles && (isHidden(name) || leadsToHidden(h.fsys, name))
}

// hideIn returns the Hide function of the listing of dir, a directory the
// request was allowed to see: whether an entry's name is hidden.
func (h *Handler) hideIn(dir string) func(entry string) bool {
	if h.dotfiles {
		return nil
	}
	return func(entry string) bool { return hiddenElem(entry, dir == ".") }
}

// hideLinkIn returns the HideLink function of the listing of dir: whether
// an entry that is a symbolic link leads to a hidden name.
func (h *Handler) hideLinkIn(dir string) func(entry string) bool {
	if h.dotfiles {
		return nil
	}
	return func(entry string) bool { return leadsToHidden(h.fsys, path.Join(dir, entry)) }
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
		return isHidden(rel)
	}
	return isHidden(name) || leadsToHidden(h.fsys, name)
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

// maxLinks bounds the symbolic links followed to resolve one name, as the
// kernel's limit of 40 does.
const maxLinks = 40

// leadsToHidden reports whether following the symbolic links in the
// cleaned name leads through or to a hidden name. It resolves links as
// the kernel does, one element at a time, each target relative to its
// link's directory. A name that does not exist leads nowhere (opening it
// fails); a chain of links too long or unreadable counts as hidden. Where
// a link leads out of fsys (possible with os.DirFS), only the rest of its
// text can be checked.
func leadsToHidden(fsys fs.FS, name string) bool {
	if name == "." {
		return false
	}
	var done []string // resolved elements, none of them a link
	rest := name
	for links := 0; rest != ""; {
		var elem string
		elem, rest, _ = strings.Cut(rest, "/")
		switch {
		case elem == "" || elem == ".":
			continue
		case elem == ".." && len(done) == 0:
			return textHidden(rest) // out of fsys
		case elem == "..":
			done = done[:len(done)-1]
			continue
		case hiddenElem(elem, len(done) == 0):
			return true
		}
		cur := path.Join(path.Join(done...), elem)
		info, err := fs.Lstat(fsys, cur)
		if err != nil {
			return textHidden(rest)
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = append(done, elem)
			continue
		}
		target, err := fs.ReadLink(fsys, cur)
		if links++; err != nil || links > maxLinks {
			return true
		}
		if path.IsAbs(target) {
			return textHidden(target) || textHidden(rest) // out of fsys
		}
		rest = target + "/" + rest
	}
	return false
}

// textHidden reports whether an unresolved, uncleaned slash-separated
// text has a hidden element.
func textHidden(s string) bool {
	for elem := range strings.SplitSeq(s, "/") {
		if hiddenElem(elem, false) {
			return true
		}
	}
	return false
}
