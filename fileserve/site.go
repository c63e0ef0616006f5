package fileserve

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strconv"

	"github.com/simplehttp/simplehttp/internal/page"
)

// This file holds what serving a site (rather than a folder of files)
// adds to the read path when a name is not found: a fallback to the
// index page for a single-page app, and the site's own 404 page.

// notFound answers a GET or HEAD of a name that does not exist (err
// says why): the index page in SPA mode, else the 404 page.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, err error) {
	if !h.serveSPA(w, r, err) {
		h.fail(w, r, err)
	}
}

// serveSPA answers a GET or HEAD of a path that does not exist with the
// site's index page and 200, as a single-page app routing on the client
// needs. It reports whether it answered: not when SPA is off, the error is
// not a missing name, or there is no index page (the caller then sends
// the usual 404).
func (h *Handler) serveSPA(w http.ResponseWriter, r *http.Request, err error) bool {
	if !h.spa || page.Status(err) != http.StatusNotFound || errors.Is(err, errHidden) {
		return false
	}
	return h.serveIndex(w, r, h.indexNames[0])
}

// sendNotFoundPage answers 404 with the site's own page (Options.
// NotFoundPage, e.g. 404.html at the root) when there is one, opened as
// any file is (hidden names, links out of the root and special files are
// never sent). It reports whether it answered. It looks anew every time:
// on Linux with one fstatat when there is no page (sendNotFoundPageDirect).
func (h *Handler) sendNotFoundPage(w http.ResponseWriter, r *http.Request) bool {
	if h.notFoundPage == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	if answered, known := h.sendNotFoundPageDirect(w, r); known {
		return answered
	}
	if info, err := fs.Stat(h.fsys, h.notFoundPage); err != nil || !info.Mode().IsRegular() {
		return false
	}
	f, info, err := h.openFile(h.notFoundPage)
	if err != nil {
		return false
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if !ok {
		return false
	}
	ctype, err := contentType(h.notFoundPage, content)
	if err != nil {
		return false
	}
	setNotFoundPageHeaders(w.Header(), ctype, strconv.FormatInt(info.Size(), 10))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		io.CopyN(w, content, info.Size()) //nolint:errcheck // a failed write means the client left
	}
	return true
}

// writeNotFoundPage answers 404 with body, the whole of the site's own
// page, of type ctype.
func writeNotFoundPage(w http.ResponseWriter, r *http.Request, ctype string, body []byte) {
	setNotFoundPageHeaders(w.Header(), ctype, strconv.Itoa(len(body)))
	page.WriteBody(w, r, http.StatusNotFound, body)
}

// notFoundPageKeys are the headers of the site's own 404 page, in the
// order setNotFoundPageHeaders gives their values.
var notFoundPageKeys = []string{"Content-Type", "Content-Length", "Cache-Control", "X-Content-Type-Options"}

// setNotFoundPageHeaders sets the headers of the site's own 404 page: its
// type and length, and no caching (the next request may find a page).
func setNotFoundPageHeaders(hdr http.Header, ctype, length string) {
	page.SetValues(hdr, notFoundPageKeys, ctype, length, "no-store", "nosniff")
}
