// Package cors lets pages of any origin read what an [net/http.Handler]
// serves (the Fetch standard's CORS protocol), for a server of public
// files: every answer says Access-Control-Allow-Origin: *, and a
// preflight request is answered here, without credentials, and never
// reaches the handler behind.
//
// The wildcard never admits credentials: a browser sends no cookies or
// Authorization with such a request, and shows a page none of an answer
// that needed them. Reads of a server behind HTTP authentication stay
// closed to other origins; only the preflight, which carries no
// credentials by design, is answered.
package cors

import (
	"net/http"
	"strconv"
)

// Methods are the methods a preflight allows.
const Methods = "GET, HEAD, OPTIONS"

// exposed are the answer headers a cross-origin script may read beyond
// the CORS-safelisted ones.
const exposed = "Content-Length, Content-Range, Content-Encoding, Accept-Ranges, ETag, Last-Modified, Content-Disposition"

// maxAge is how long a browser may cache a preflight's answer, in
// seconds: two hours, the most Chromium honours.
const maxAge = 7200

// Handler adds CORS headers to the answers of the handler it wraps and
// answers preflight requests. Create it with [New].
type Handler struct {
	next    http.Handler
	methods string
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler in front of next. methods is what a preflight
// allows; empty means [Methods].
func New(next http.Handler, methods string) *Handler {
	if methods == "" {
		methods = Methods
	}
	return &Handler{next: next, methods: methods}
}

// ServeHTTP answers a preflight with 204, or passes r on with the
// headers that let any origin read the answer.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		hdr.Set("Access-Control-Allow-Methods", h.methods)
		if want := r.Header.Get("Access-Control-Request-Headers"); want != "" {
			hdr.Set("Access-Control-Allow-Headers", want)
		}
		hdr.Set("Access-Control-Max-Age", strconv.Itoa(maxAge))
		hdr.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	hdr.Set("Access-Control-Expose-Headers", exposed)
	h.next.ServeHTTP(w, r)
}
