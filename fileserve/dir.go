package fileserve

import (
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/simplehttp/simplehttp/internal/page"
)

// serveDir answers for the directory name: a redirect when the URL lacks
// its trailing slash, else an archive when the query asks for one, else
// the first index file, else the listing.
func (h *Handler) serveDir(w http.ResponseWriter, r *http.Request, name string) {
	// The escaped path: a final "%2F" is no slash to a browser, which
	// would resolve the listing's relative links against the parent.
	if !strings.HasSuffix(r.URL.EscapedPath(), "/") {
		redirectToSlash(w, r)
		return
	}
	if format, ok := archiveQuery(r); ok {
		h.serveArchive(w, r, name, format) // ?download=zip: archive.go
		return
	}
	for _, index := range h.indexNames {
		if h.serveIndex(w, r, path.Join(name, index)) {
			return
		}
	}
	h.serveListing(w, r, name)
}

// serveIndex serves the index file p, if it is one: a regular file, not
// hidden behind a symbolic link. It reports whether it answered.
func (h *Handler) serveIndex(w http.ResponseWriter, r *http.Request, p string) bool {
	if h.direct != nil {
		if answered, absent := h.serveDirectIndex(w, r, p); answered || absent {
			return answered
		}
	}
	if info, err := fs.Stat(h.fsys, p); err != nil || !info.Mode().IsRegular() {
		return false
	}
	f, info, err := h.openFile(p)
	switch {
	case errors.Is(err, errHidden):
		return false // a link to a hidden file is no index
	case err != nil:
		h.fail(w, r, err)
		return true
	}
	defer f.Close()
	h.sendFile(w, r, p, f, info)
	return true
}

// redirectToSlash answers 301 with the URL plus "/", keeping the query.
// The Location is relative ("./name/"), so it stays right under
// http.StripPrefix, and it can never read as another host, whatever the
// request path held (CVE-2021-28861).
func redirectToSlash(w http.ResponseWriter, r *http.Request) {
	loc := "./"
	if seg := lastSegment(r); seg != "" {
		loc += seg + "/"
	}
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	page.WriteStatus(w, r, http.StatusMovedPermanently)
}

// lastSegment is the last element of the request's path, percent-encoded
// afresh so that no "/", "\" or "?" inside it acts as a delimiter. Encoded
// slashes at its end ("plain%2F") are dropped: the redirect adds the one
// slash that counts.
func lastSegment(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		// Mounted under http.StripPrefix and asked for the bare prefix:
		// the name to redirect to is the prefix's own last element.
		p = requestPath(r)
	}
	seg := p[strings.LastIndexByte(p, '/')+1:]
	if s, err := url.PathUnescape(seg); err == nil {
		seg = url.PathEscape(strings.TrimRight(s, "/"))
	}
	return seg
}
