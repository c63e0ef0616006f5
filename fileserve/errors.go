package fileserve

import (
	"net/http"

	"github.com/simplehttp/simplehttp/internal/page"
)

// fail answers with the error page for err. The cause of a 5xx is logged;
// the client sees only the status and its reason. Headers set for a
// successful answer (validators, caching, encoding) are dropped first.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := page.Status(err)
	if code >= 500 {
		h.log.Error("fileserve: request failed", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	page.DropSuccessHeaders(w)
	if code == http.StatusNotFound && h.sendNotFoundPage(w, r) {
		return
	}
	page.WriteStatus(w, r, code)
}
