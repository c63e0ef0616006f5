package fileserve

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strconv"
)

// This file holds what serving a site (rather than a folder of files)
// adds to the read path: a Cache-Control value, a fallback to the index
// page for a single-page app, and the site's own 404 page.

// setCacheControl gives a file, listing or redirect answer the
// configured Cache-Control. Error pages drop it again (writeErrorPage),
// and the listing's assets carry their own. The value is made once and
// shared by every answer (see htmlTypeValue).
func (h *Handler) setCacheControl(w http.ResponseWriter) {
	if h.cacheControl != nil {
		w.Header()["Cache-Control"] = h.cacheControl
	}
}

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
	if !h.spa || statusFor(err) != http.StatusNotFound || errors.Is(err, errHidden) {
		return false
	}
	return h.serveIndex(w, r, h.indexNames[0])
}

// sendNotFoundPage answers 404 with the site's own page (Options.
// NotFoundPage, e.g. 404.html at the root) when there is one, opened as
// any file is (hidden names, links out of the root and special files are
// never sent). It reports whether it answered.
func (h *Handler) sendNotFoundPage(w http.ResponseWriter, r *http.Request) bool {
	if h.notFoundPage == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	if !h.notFoundPageIsFile() {
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
	hdr := w.Header()
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Length", strconv.FormatInt(info.Size(), 10))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		io.CopyN(w, content, info.Size()) //nolint:errcheck // a failed write means the client left
	}
	return true
}

// notFoundPageIsFile reports whether Options.NotFoundPage names a regular
// file (through links that stay inside the root), asked anew every time.
func (h *Handler) notFoundPageIsFile() bool {
	if regular, known := h.lookNotFoundPage(); known {
		return regular
	}
	info, err := fs.Stat(h.fsys, h.notFoundPage)
	return err == nil && info.Mode().IsRegular()
}
