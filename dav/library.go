package dav

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// propfind lists the properties of a resource (Depth: 0) or of a folder
// and its entries (Depth: 1), through the library. Depth: infinity, and
// a PROPFIND without Depth, which means infinity, are refused as RFC 4918
// §9.1 allows: a walk of the whole tree is the cost a client should not
// be able to impose.
func (h *Handler) propfind(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	switch r.Header.Get("Depth") {
	case "0", "1":
	case "", "infinity":
		h.fail(w, r, &refusal{code: http.StatusForbidden, condition: "propfind-finite-depth",
			msg: "refused a PROPFIND of the whole tree (Depth: infinity): ask with Depth: 1, folder by folder"})
		return
	default:
		h.fail(w, r, refuse(http.StatusBadRequest, "refused a Depth other than 0 or 1"))
		return
	}
	if _, err := h.root.Stat(res.rel); err != nil || h.hidden(res) {
		h.fail(w, r, refuse(http.StatusNotFound, "no such file or folder"))
		return
	}
	body, davOnly, err := xmlBody(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.serveLibrary(w, r, withCache(r.Context(), !davOnly), body)
}

// proppatch sets and removes a resource's dead properties, through the
// library.
func (h *Handler) proppatch(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err == nil {
		err = h.checkConditions(r, change{res: res})
	}
	var body []byte
	if err == nil {
		body, _, err = xmlBody(r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.serveLibrary(w, r, r.Context(), body)
}

// mkcol makes a folder, through the library, once its name is checked: a
// valid name, not hidden, in a folder that exists and is not locked.
func (h *Handler) mkcol(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	switch {
	case err != nil:
	case res.rel == ".":
		err = refuse(http.StatusMethodNotAllowed, "the top folder exists")
	case h.hidden(res):
		err = refuse(http.StatusForbidden, "refused the hidden name %q", res.base())
	default:
		err = h.checkConditions(r, change{res: res}, change{res: res.parent()})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.serveLibrary(w, r, r.Context(), nil)
}

// put checks a PUT against the locks in its way and passes it to the
// upload handler behind, which stores it (atomically, with its name
// checks and limits).
func (h *Handler) put(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err == nil && res.rel != "." {
		err = h.checkConditions(r, change{res: res})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.next.ServeHTTP(w, r)
}

// serveLibrary hands r to the library with ctx and body (nil: r's own),
// and logs the cause of a 5xx it answers.
func (h *Handler) serveLibrary(w http.ResponseWriter, r *http.Request, ctx context.Context, body []byte) {
	var libErr error
	ctx = context.WithValue(ctx, libErrKey{}, &libErr)
	r = r.WithContext(ctx)
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	rec := &statusRecorder{ResponseWriter: w}
	h.lib.ServeHTTP(rec, r)
	if rec.status >= 500 && libErr != nil {
		h.log.Error("dav: request failed", "method", r.Method, "path", r.URL.Path, "status", rec.status, "err", libErr)
	}
}

type libErrKey struct{}

// logLibrary keeps the error of a library request for serveLibrary.
func (h *Handler) logLibrary(r *http.Request, err error) {
	if p, ok := r.Context().Value(libErrKey{}).(*error); ok {
		*p = err
	}
}

// statusRecorder notes the status of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the writer underneath.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
