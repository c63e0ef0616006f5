package fileserve

import (
	"path"
	"strings"

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
