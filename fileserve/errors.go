package fileserve

import (
	"errors"
	"io/fs"
	"net/http"
	"syscall"
)

// statusError is an error that is its own HTTP status.
type statusError int

func (e statusError) Error() string { return http.StatusText(int(e)) }

// errPathEscapes is the text of the unexported error os.Root returns for a
// name (or a symbolic link) that leads outside the root. A test pins it.
const errPathEscapes = "path escapes from parent"

// statusFor maps an error to the status the client gets. It never looks at
// more than the error's kind: the client must not learn a filesystem path.
func statusFor(err error) int {
	if se, ok := errors.AsType[statusError](err); ok {
		return int(se)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrInvalid),
		errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ELOOP),
		errors.Is(err, syscall.ENAMETOOLONG), escapesRoot(err):
		return http.StatusNotFound
	case errors.Is(err, fs.ErrPermission):
		return http.StatusForbidden
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// escapesRoot reports whether err is os.Root's refusal of a path that leads
// outside it: to the client that is a file that does not exist.
func escapesRoot(err error) bool {
	pe, ok := errors.AsType[*fs.PathError](err)
	return ok && pe.Err.Error() == errPathEscapes
}

// fail answers with the error page for err. The cause of a 5xx is logged;
// the client sees only the status and its reason. Headers set for a
// successful answer (validators, caching, encoding) are dropped first.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := statusFor(err)
	if code >= 500 {
		h.log.Error("fileserve: request failed", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	dropSuccessHeaders(w)
	if code == http.StatusNotFound && h.sendNotFoundPage(w, r) {
		return
	}
	writeStatusPage(w, r, code)
}

// writeErrorPage answers with the error page for code, after dropping the
// headers set for a successful answer (validators, caching, encoding).
func writeErrorPage(w http.ResponseWriter, r *http.Request, code int) {
	dropSuccessHeaders(w)
	writeStatusPage(w, r, code)
}

// dropSuccessHeaders deletes the headers set for a successful answer
// (validators, caching, encoding) before an error answer.
func dropSuccessHeaders(w http.ResponseWriter) {
	hdr := w.Header()
	for _, k := range successHeaders {
		delete(hdr, k) // as hdr.Del, less canonicalising a canonical key
	}
}

// successHeaders are the headers, in canonical form, that only a
// successful answer carries.
var successHeaders = [...]string{"Cache-Control", "Content-Encoding", "Content-Disposition", "Etag", "Last-Modified"}
