package dav

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/simplehttp/simplehttp/internal/answer"
)

// proppatch sets and removes a resource's dead properties, through the
// library.
func (h *Handler) proppatch(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err == nil {
		err = h.checkConditions(r, change{res: res})
	}
	var body []byte
	if err == nil {
		body, err = xmlBody(r)
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
		err = answer.Refuse(http.StatusMethodNotAllowed, "the top folder exists")
	case h.hidden(res):
		err = answer.Refuse(http.StatusForbidden, "refused the hidden name %q", res.base())
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
