// Package hidden is simplehttp's dotfile rule, which every handler that
// reads or writes the served folder keeps alike: names beginning with "."
// (a forgotten .git/ or .env, the classic leak of one-line file servers)
// are neither listed, served nor written, but for ".well-known" at the
// top (RFC 8615); nor is a symbolic link that leads to such a name, so
// that a link "config.txt" to ".env" is refused as ".env" is.
package hidden

import (
	"io/fs"
	"path"
	"strings"
)

// In reports whether the cleaned, slash-separated name in fsys is hidden:
// by its own text (Name), or because one of its symbolic links leads to a
// hidden name (LeadsTo). fsys should implement fs.ReadLinkFS for links to
// be followed. A name that does not exist yet is hidden by its text
// alone.
func In(fsys fs.FS, name string) bool {
	return Name(name) || LeadsTo(fsys, name)
}

// Name reports whether the cleaned, slash-separated name has an element
// beginning with ".", other than a top-level ".well-known" (RFC 8615).
func Name(name string) bool {
	if name == "." {
		return false
	}
	top := true
	for elem := range strings.SplitSeq(name, "/") {
		if Elem(elem, top) {
			return true
		}
		top = false
	}
	return false
}

// Elem reports whether one element of a name is hidden; top tells
// whether it is the first, where ".well-known" is not.
func Elem(elem string, top bool) bool {
	return strings.HasPrefix(elem, ".") && elem != "." && elem != ".." && !(top && elem == ".well-known")
}

// maxLinks bounds the symbolic links followed to resolve one name, as the
// kernel's limit of 40 does.
const maxLinks = 40

// LeadsTo reports whether following the symbolic links in the cleaned
// name leads through or to a hidden name. It resolves links as
// the kernel does, one element at a time, each target relative to its
// link's directory. A name that does not exist leads nowhere (opening it
// fails); a chain of links too long or unreadable counts as hidden. Where
// a link leads out of fsys (possible with os.DirFS), only the rest of its
// text can be checked.
func LeadsTo(fsys fs.FS, name string) bool {
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
		case Elem(elem, len(done) == 0):
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
		if Elem(elem, false) {
			return true
		}
	}
	return false
}
