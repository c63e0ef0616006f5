package fileserve

import (
	"io/fs"
	"path"
	"strings"
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
	name = strings.TrimPrefix(path.Clean("/"+urlPath), "/")
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
	for i, elem := range strings.Split(name, "/") {
		if hiddenElem(elem, i == 0) {
			return true
		}
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
