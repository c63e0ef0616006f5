//go:build linux

package fileserve

import (
	"net/http"

	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/hidden"
	"golang.org/x/sys/unix"
)

// sendNotFoundPageDirect answers with Options.NotFoundPage through the
// direct root when that settles the matter (known), as sendDirect does a
// file: one fstatat, which finds most folders without a 404.html, or
// finds the page held in the hot cache and still the same file; else the
// page opened with openat2 and read whole, then held. A symbolic link
// (on the way or at the end), a page too large to hold in memory, or an
// error other than "not there" leave the matter to the general path
// (known is false), which follows links that stay inside the root.
// Nothing is trusted without this request's fstatat, so a page that
// appears, changes or goes away is seen by the very next request.
func (h *Handler) sendNotFoundPageDirect(w http.ResponseWriter, r *http.Request) (answered, known bool) {
	name := h.notFoundPage
	switch {
	case h.direct == nil:
		return false, false
	case !h.dotfiles && hidden.Name(name):
		return false, true
	}
	var raw unix.Stat_t
	err := h.direct.Lstat(name, &raw)
	if e := h.validHot(name, &raw, err); e != nil {
		writeNotFoundPage(w, r, e.Answer.contentType, e.Body)
		return true, true
	}
	switch {
	case direct.Missing(err):
		return false, true
	case err != nil || raw.Mode&unix.S_IFMT == unix.S_IFLNK:
		return false, false
	case raw.Mode&unix.S_IFMT != unix.S_IFREG: // a folder, FIFO, device
		return false, true
	}
	opened := h.now()
	fd, st, err := h.direct.Open(name)
	if err != nil {
		return false, false // a link on the way (ELOOP), or an error
	}
	defer unix.Close(fd)
	if !st.Mode.IsRegular() || st.Size > maxInMemory {
		return false, false
	}
	buf := getBodyBuf()
	defer putBodyBuf(buf)
	body, ctype, ok := h.readWhole(name, fd, st, opened, buf)
	if !ok {
		return false, false // it shrank, or failed: the general path sees
	}
	writeNotFoundPage(w, r, ctype, body)
	return true, true
}
