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

// previewsContentSecurityPolicy is that of listings with previews
// (Options.Thumbnails): they also show "name?view" pages of the same
// origin in a frame.
const previewsContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; " +
	"frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// statusPages holds the page of each status once it has been answered:
// a 404 is the commonest answer a file server gives, and its page never
// changes. Pages are rendered on first use (statusPageOf), not at start,
// where rendering all sixty cost 2,000 allocations and a quarter of a
// megabyte for the handful of statuses a server ever sends.
var statusPages [600]atomic.Pointer[statusPage]

// statusPage is the page of one status and its Content-Length, ready to
// be put in a header map as it is.
type statusPage struct {
	body   []byte
	length []string
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
	return statusPage{body: body, length: []string{strconv.Itoa(len(body))}}
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
	hdr := w.Header()
	setGeneratedHeaders(hdr, htmlType)
	hdr["Content-Length"] = page.length
	writeBody(w, r, code, page.body)
}

// writeGenerated sends a page simplehttp generated (a listing or an error
// page) with its length and the security headers such pages carry. HEAD
// gets the same headers and no body.
func writeGenerated(w http.ResponseWriter, r *http.Request, code int, contentType string, body []byte) {
	setGeneratedHeaders(w.Header(), contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
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

// The values of the headers every generated page carries, made once:
// assigning a ready []string is what http.Header.Set does, less its
// allocation. They are shared by every answer, so nothing may change
// their elements (nothing in net/http does; Add appends to a copy, as
// len == cap).
var (
	htmlTypeValue   = []string{htmlType}
	cspValue        = []string{contentSecurityPolicy}
	nosniffValue    = []string{"nosniff"}
	noReferrerValue = []string{"no-referrer"}

	previewsCSPValue = []string{previewsContentSecurityPolicy}
)

// setGeneratedHeaders sets the type and the security headers of a page
// simplehttp generated. A Content-Security-Policy set already is kept:
// a listing with previews allows frames.
func setGeneratedHeaders(hdr http.Header, contentType string) {
	if contentType == htmlType {
		hdr["Content-Type"] = htmlTypeValue
	} else {
		hdr["Content-Type"] = []string{contentType}
	}
	if _, set := hdr["Content-Security-Policy"]; !set {
		hdr["Content-Security-Policy"] = cspValue
	}
	hdr["X-Content-Type-Options"] = nosniffValue
	hdr["Referrer-Policy"] = noReferrerValue
}
