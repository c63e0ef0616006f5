//go:build linux

package fileserve

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// lookNotFoundPage learns what kind of file Options.NotFoundPage is with
// one fstatat through the direct root (os.Root's Stat costs four
// allocations more), when that settles the matter: missing (most folders
// have no 404.html), a directory or a special file, the page is not sent;
// a regular file is then opened as any file is. A symbolic link, another
// error, or no direct root leaves the question to fsys (known is false),
// which follows links that stay inside the root. Nothing is cached: a
// page that appears, changes or goes away is seen by the next request.
func (h *Handler) lookNotFoundPage() (regular, known bool) {
	if h.direct == nil {
		return false, false
	}
	var raw unix.Stat_t
	err := h.direct.fstatat(h.notFoundPage, &raw)
	mode := statOf(&raw).mode
	switch {
	case missing(err):
		return false, true
	case err != nil || mode&fs.ModeSymlink != 0:
		return false, false
	}
	return mode.IsRegular(), true
}
