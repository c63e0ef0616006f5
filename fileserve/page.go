package fileserve

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/simplehttp/simplehttp/templates"
)

// errorPage is parsed once; a broken template fails every test at init.
var errorPage = template.Must(template.ParseFS(templates.FS, "error.html"))

// contentSecurityPolicy lets generated pages load only simplehttp's own
// assets: no inline script or style, no framing, no foreign origins. The
// upload area's script sends its files to the page's own origin.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

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
	if err := errorPage.Execute(&buf, data); err != nil {
		// The template is fixed and its data two plain values: this cannot
		// happen short of a broken build, which the tests catch.
		panic("fileserve: rendering templates/error.html: " + err.Error())
	}
	return buf.Bytes()
}

// writeStatusPage answers with code and a short HTML page naming it.
func writeStatusPage(w http.ResponseWriter, r *http.Request, code int) {
	page := statusPageOf(code)
	setGeneratedHeaders(w.Header(), htmlType, page.length)
	writeBody(w, r, code, page.body)
}

// writeGenerated sends a page simplehttp generated (a listing or an error
// page) with its length and the security headers such pages carry. HEAD
// gets the same headers and no body.
func writeGenerated(w http.ResponseWriter, r *http.Request, code int, contentType string, body []byte) {
	setGeneratedHeaders(w.Header(), contentType, strconv.Itoa(len(body)))
	writeBody(w, r, code, body)
}

// writeBody answers code with body, but only the headers to a HEAD.
func writeBody(w http.ResponseWriter, r *http.Request, code int, body []byte) {
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body) //nolint:errcheck // a failed write means the client left
	}
}

// htmlType is the Content-Type of generated HTML pages.
const htmlType = "text/html; charset=utf-8"

// generatedKeys are the headers every page simplehttp generates carries,
// in the order setGeneratedHeaders gives their values; unsized lacks the
// last, Content-Length, for a page streamed without one.
var (
	generatedKeys = []string{"Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Content-Length"}
	unsizedKeys   = generatedKeys[:len(generatedKeys)-1]
)

// setGeneratedHeaders sets the type, the length (unless "": a page
// streamed without one) and the security headers of a page simplehttp
// generated.
func setGeneratedHeaders(hdr http.Header, contentType, length string) {
	if length == "" {
		setValues(hdr, unsizedKeys, contentType, contentSecurityPolicy, "nosniff", "no-referrer")
		return
	}
	setValues(hdr, generatedKeys, contentType, contentSecurityPolicy, "nosniff", "no-referrer", length)
}

// setValues sets each header keys[i] (in canonical form) of hdr to the
// one value values[i], as http.Header.Set does, but with one allocation
// for them all: the values go into one array made for this answer alone.
// No value slice is ever shared between answers, so a wrapper that
// changes one in place (hdr[k][0] = ...) changes only its own answer.
func setValues(hdr http.Header, keys []string, values ...string) {
	fresh := make([]string, len(values))
	copy(fresh, values)
	for i, k := range keys {
		hdr[k] = fresh[i : i+1 : i+1]
	}
}
