// Package page makes the pages simplehttp generates itself, the same way
// for every handler (the file server's listings and errors, uploads'
// answers, authentication's refusals): the short error page of each
// status, rendered once; the headers such pages carry (their type and
// length, a strict Content-Security-Policy, nosniff, no referrer); the
// status a file-system error is answered with, which never tells a path;
// and header values that each answer owns alone.
package page

import (
	"bytes"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/simplehttp/simplehttp/templates"
)

// StatusError is an error that is its own HTTP status.
type StatusError int

// Error returns the status text, "Not Found".
func (e StatusError) Error() string { return http.StatusText(int(e)) }

// ErrPathEscapes is the text of the unexported error os.Root returns for a
// name (or a symbolic link) that leads outside the root. A test pins it.
const ErrPathEscapes = "path escapes from parent"

// Status maps an error to the status the client gets: a StatusError is
// its own; 404 for a name that does not exist or leads out of an
// [os.Root], 403 for a permission error, 503 when the process is out of
// file descriptors, 500 otherwise. It never looks at more than the
// error's kind: the client must not learn a file-system path.
func Status(err error) int {
	if se, ok := errors.AsType[StatusError](err); ok {
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
	return ok && pe.Err.Error() == ErrPathEscapes
}

// Error answers r with code and the short error page for it, after
// dropping the headers set for a successful answer (validators, caching,
// encoding).
func Error(w http.ResponseWriter, r *http.Request, code int) {
	DropSuccessHeaders(w)
	WriteStatus(w, r, code)
}

// DropSuccessHeaders deletes the headers set for a successful answer
// (validators, caching, encoding) before an error answer.
func DropSuccessHeaders(w http.ResponseWriter) {
	hdr := w.Header()
	for _, k := range successHeaders {
		delete(hdr, k) // as hdr.Del, less canonicalising a canonical key
	}
}

// successHeaders are the headers, in canonical form, that only a
// successful answer carries.
var successHeaders = [...]string{"Cache-Control", "Content-Encoding", "Content-Disposition", "Etag", "Last-Modified"}

// errorPage is parsed on first use, once: a server that answers no error
// never holds it. A broken template fails the tests of every status page.
var errorPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templates.FS, "error.html"))
})

// contentSecurityPolicy lets generated pages load only simplehttp's own
// assets: no inline script or style, no framing, no foreign origins. The
// upload area's script sends its files to the page's own origin.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// PreviewsPolicy is the Content-Security-Policy of a listing with
// previews (fileserve.Options.Thumbnails): its viewer also shows the
// "name?view" pages of the same origin in a frame. A handler sets it on
// the answer before SetHeaders, which keeps it.
const PreviewsPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; " +
	"frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// statusPages holds the page of each status once it has been answered:
// a 404 is the commonest answer a file server gives, and its page never
// changes. Pages are rendered on first use (statusPageOf), not at start,
// where rendering all sixty cost 2,000 allocations and a quarter of a
// megabyte for the handful of statuses a server ever sends.
var statusPages [600]atomic.Pointer[statusPage]

// statusPage is the page of one status and its Content-Length.
type statusPage struct {
	body   []byte
	length string
}

// statusPageOf returns the page of code, rendered once.
func statusPageOf(code int) *statusPage {
	if code < 0 || code >= len(statusPages) {
		page := newStatusPage(code)
		return &page
	}
	if page := statusPages[code].Load(); page != nil {
		return page
	}
	page := newStatusPage(code) // two first requests may both render: the pages are equal
	statusPages[code].Store(&page)
	return &page
}

// newStatusPage renders the page of code.
func newStatusPage(code int) statusPage {
	body := renderStatusPage(code)
	return statusPage{body: body, length: strconv.Itoa(len(body))}
}

// renderStatusPage renders the short HTML page naming code.
func renderStatusPage(code int) []byte {
	var buf bytes.Buffer
	data := struct {
		Code   int
		Reason string
	}{code, http.StatusText(code)}
	if err := errorPage().Execute(&buf, data); err != nil {
		// The template is fixed and its data two plain values: this cannot
		// happen short of a broken build, which the tests catch.
		panic("page: rendering templates/error.html: " + err.Error())
	}
	return buf.Bytes()
}

// WriteStatus answers with code and a short HTML page naming it, keeping
// the headers already set (a redirect's Location).
func WriteStatus(w http.ResponseWriter, r *http.Request, code int) {
	page := statusPageOf(code)
	SetHeaders(w.Header(), HTMLType, page.length)
	WriteBody(w, r, code, page.body)
}

// Write sends a page simplehttp generated (a listing, an error page)
// with its length and the security headers such pages carry. HEAD gets
// the same headers and no body.
func Write(w http.ResponseWriter, r *http.Request, code int, contentType string, body []byte) {
	SetHeaders(w.Header(), contentType, strconv.Itoa(len(body)))
	WriteBody(w, r, code, body)
}

// WriteBody answers code with body, but only the headers to a HEAD.
func WriteBody(w http.ResponseWriter, r *http.Request, code int, body []byte) {
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body) //nolint:errcheck // a failed write means the client left
	}
}

// HTMLType is the Content-Type of generated HTML pages.
const HTMLType = "text/html; charset=utf-8"

// generatedKeys are the headers every page simplehttp generates carries,
// in the order SetHeaders gives their values; unsized lacks the
// last, Content-Length, for a page streamed without one.
var (
	generatedKeys = []string{"Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Content-Length"}
	unsizedKeys   = generatedKeys[:len(generatedKeys)-1]
)

// SetHeaders sets the type, the length (unless "": a page streamed
// without one) and the security headers of a page simplehttp generated.
// A Content-Security-Policy set already is kept: a listing with previews
// allows frames (PreviewsPolicy).
func SetHeaders(hdr http.Header, contentType, length string) {
	csp := contentSecurityPolicy
	if v := hdr["Content-Security-Policy"]; len(v) == 1 {
		csp = v[0]
	}
	if length == "" {
		SetValues(hdr, unsizedKeys, contentType, csp, "nosniff", "no-referrer")
		return
	}
	SetValues(hdr, generatedKeys, contentType, csp, "nosniff", "no-referrer", length)
}

// SetValues sets each header keys[i] (in canonical form) of hdr to the
// one value values[i], as http.Header.Set does, but with one allocation
// for them all: the values go into one array made for this answer alone.
// No value slice is ever shared between answers, so a wrapper that
// changes one in place (hdr[k][0] = ...) changes only its own answer.
func SetValues(hdr http.Header, keys []string, values ...string) {
	fresh := make([]string, len(values))
	copy(fresh, values)
	for i, k := range keys {
		hdr[k] = fresh[i : i+1 : i+1]
	}
}
