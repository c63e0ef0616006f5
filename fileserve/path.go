package fileserve

import (
	"io/fs"
	"path"
	"strings"
)

// translatePath maps a decoded URL path to a name in the served file system
// (Python's translate_path). It cleans the path, so "." and ".." elements
// can never climb above the root, and it rejects what cannot name a file
// there: NUL bytes, names fs.ValidPath refuses, and hidden names unless
// dotfiles are served. The root is ".".
func (h *Handler) translatePath(urlPath string) (name string, ok bool) {
	if strings.IndexByte(urlPath, 0) >= 0 {
		return "", false
	}
	name = strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) || h.hidden(name) {
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
		if strings.HasPrefix(elem, ".") && !(i == 0 && elem == ".well-known") {
			return true
		}
	}
	return false
}

// hidden reports whether name must be neither listed nor served.
func (h *Handler) hidden(name string) bool {
	return !h.dotfiles && isHidden(name)
}
