package dav

import (
	"net/http"
	"strings"
)

// macOS Finder writes files of its own into every folder it copies to:
// "._name" (AppleDouble, the resource fork and extended attributes of
// name), .DS_Store (window layout), and on a volume's top .Trashes,
// .Spotlight-V100 and .fseventsd. Unless dotfiles are served, the dotfile
// rule hides them, and refusing them makes Finder abandon the whole copy
// (error -36). So a write of one is answered as done and stores nothing:
// Finder's copy of the user's files goes through, and the hidden names it
// would have added never appear in the tree.

// finderMetadata reports whether base is the name of a file Finder
// writes for itself.
func finderMetadata(base string) bool {
	switch base {
	case ".DS_Store", ".Trashes", ".Spotlight-V100", ".fseventsd", ".TemporaryItems", ".metadata_never_index":
		return true
	}
	return strings.HasPrefix(base, "._")
}

// discardFinderMetadata answers a write of Finder's own files as done,
// storing nothing, and reports whether it did. A lock on one is taken as
// on any name (Finder locks before it writes), without making the file.
func (h *Handler) discardFinderMetadata(w http.ResponseWriter, r *http.Request) bool {
	if h.dotfiles || !h.upload {
		return false
	}
	res, err := resourceOf(r.URL.Path)
	if err != nil || !finderMetadata(res.base()) {
		return false
	}
	switch r.Method {
	case http.MethodPut, "MKCOL":
		w.WriteHeader(http.StatusCreated)
	case http.MethodDelete, "PROPPATCH":
		w.WriteHeader(http.StatusNoContent)
	case "LOCK":
		body, err := xmlBody(r)
		if err == nil && len(body) > 0 {
			var info lockInfo
			if info, err = parseLockInfo(body); err == nil {
				h.takeLock(w, r, res, info, parseTimeout(r.Header.Get("Timeout")), false)
				return true
			}
		}
		return false
	default:
		return false
	}
	return true
}
