package live

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/assets"
	"github.com/simplehttp/simplehttp/internal/exttype"
)

// maxPage is the largest page that gets the script: a larger one is sent
// as it is, not held in memory.
const maxPage = 8 << 20

// servePage answers r with next, putting the script into the answer when
// it is an HTML page.
//
// The injected page is a representation of its own, so next must not
// answer the request's Range or preconditions (it would answer them for
// the file's bytes), nor choose a precompressed sibling. For a URL that
// names a page (a folder, or a .html file), next gets the request without
// them; the page is held in memory and net/http.ServeContent answers the
// request for it. Any other URL goes to next as it is, and its answer
// passes through unless it turns out to be a page (an error page, the
// single-page app's index.html): that is then held and injected too, or,
// when it was sent compressed or for HEAD, asked for again without them.
func servePage(next http.Handler, w http.ResponseWriter, r *http.Request) {
	if !namesPage(r.URL.Path) {
		c := &catcher{w: w, head: r.Method == http.MethodHead, header: http.Header{}}
		next.ServeHTTP(c, r)
		switch c.state {
		case holding:
			c.serve(w, r)
			return
		case passing, undecided:
			c.finish()
			return
		}
	}
	c := &catcher{header: http.Header{}}
	next.ServeHTTP(c, plainGet(r))
	if c.state == holding {
		c.serve(w, r)
		return
	}
	next.ServeHTTP(w, r) // no page after all, or too large: as if live were off
}

// namesPage reports whether the URL path names a page: a folder (its
// index.html or listing) or a file whose extension is HTML's.
func namesPage(urlPath string) bool {
	if strings.HasSuffix(urlPath, "/") {
		return true
	}
	ctype, _ := exttype.Lookup(strings.ToLower(path.Ext(urlPath)))
	return isHTML(ctype)
}

// isHTML reports whether the Content-Type ctype is HTML's.
func isHTML(ctype string) bool {
	mt, _, _ := strings.Cut(ctype, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/html")
}

// plainGet is r as a GET of the whole identity representation: no
// Range, no precondition, no Accept-Encoding.
func plainGet(r *http.Request) *http.Request {
	r2 := *r
	r2.Method = http.MethodGet
	r2.Header = r.Header.Clone()
	for _, k := range []string{"Range", "If-Range", "If-Match", "If-None-Match",
		"If-Modified-Since", "If-Unmodified-Since", "Accept-Encoding"} {
		delete(r2.Header, k)
	}
	return &r2
}

// The states of a catcher.
const (
	undecided = iota
	holding   // a page: its body is held
	passing   // not a page (or too large): passed on to w
	refused   // not a page, and no w to pass it to: the handler is stopped
)

// errNotPage stops a handler whose answer a catcher refused.
var errNotPage = errors.New("live: not a page")

// catcher takes the answer of the next handler and holds it when it is a
// page, or passes it on to w (when not nil) otherwise. Its header map is
// its own until it passes the answer on.
type catcher struct {
	w      http.ResponseWriter // nil: refuse what is not a page
	head   bool                // the request is HEAD: a page cannot be held
	header http.Header
	code   int
	state  int
	body   bytes.Buffer
}

// Header is the header map of the answer.
func (c *catcher) Header() http.Header { return c.header }

// WriteHeader decides what to do with the answer.
func (c *catcher) WriteHeader(code int) {
	if c.state != undecided || code < 200 {
		return
	}
	c.code = code
	switch {
	case injectable(code, c.header) && c.header.Get("Content-Encoding") == "" && !c.head:
		c.state = holding
	case injectable(code, c.header):
		c.state = refused // held as it is, it could not be injected: ask again
	case c.w == nil:
		c.state = refused
	default:
		c.pass()
	}
}

// injectable reports whether an answer with code and hdr is a page the
// script goes into: HTML, with a body meant to be shown.
func injectable(code int, hdr http.Header) bool {
	return isHTML(hdr.Get("Content-Type")) && code != http.StatusNoContent &&
		code != http.StatusPartialContent && (code < 300 || code >= 400)
}

// pass passes the status and headers on to w.
func (c *catcher) pass() {
	c.state = passing
	copyHeader(c.w.Header(), c.header)
	c.w.WriteHeader(c.code)
}

// copyHeader sets the fields of src in dst, adding to its Vary (a
// handler in front may have set one) rather than replacing it.
func copyHeader(dst, src http.Header) {
	for k, v := range src {
		if k == "Vary" {
			for _, field := range v {
				if !slices.ContainsFunc(dst[k], func(f string) bool { return strings.EqualFold(f, field) }) {
					dst[k] = append(dst[k], field)
				}
			}
		} else {
			dst[k] = v
		}
	}
}

// Write holds, passes on or refuses p.
func (c *catcher) Write(p []byte) (int, error) {
	if c.state == undecided {
		c.WriteHeader(http.StatusOK)
	}
	switch c.state {
	case holding:
		if c.body.Len()+len(p) > maxPage {
			return c.overflow(p)
		}
		return c.body.Write(p)
	case passing:
		return c.w.Write(p)
	}
	return 0, errNotPage
}

// ReadFrom passes src on with the writer's own ReadFrom (sendfile) when
// passing, and reads it through Write otherwise.
func (c *catcher) ReadFrom(src io.Reader) (int64, error) {
	if c.state == undecided {
		c.WriteHeader(http.StatusOK)
	}
	if c.state == passing {
		return io.Copy(c.w, src)
	}
	return io.Copy(writerOnly{c}, src)
}

// writerOnly hides ReadFrom, so io.Copy cannot loop back into it.
type writerOnly struct{ io.Writer }

// overflow gives up holding a page larger than maxPage: what was held
// and p go on to w as they are, or the handler is stopped when there is
// no w (servePage then asks again).
func (c *catcher) overflow(p []byte) (int, error) {
	if c.w == nil {
		c.state = refused
		return 0, errNotPage
	}
	c.pass()
	if _, err := c.w.Write(c.body.Bytes()); err != nil {
		return 0, err
	}
	c.body = bytes.Buffer{}
	return c.w.Write(p)
}

// finish ends an answer that was passed on, or never begun.
func (c *catcher) finish() {
	if c.state == undecided && c.w != nil {
		c.code = http.StatusOK
		c.pass()
	}
}

// serve answers r with the held page and the script in it.
func (c *catcher) serve(w http.ResponseWriter, r *http.Request) {
	page := inject(c.body.Bytes(), scriptTag(r.URL.Path))
	hdr := w.Header()
	copyHeader(hdr, c.header)
	delete(hdr, "Content-Length")
	hdr.Set("Cache-Control", "no-cache")
	if c.code != http.StatusOK {
		hdr.Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(c.code)
		if r.Method != http.MethodHead {
			w.Write(page) //nolint:errcheck // a failed write means the client left
		}
		return
	}
	if tag := hdr.Get("Etag"); tag != "" {
		hdr.Set("Etag", liveTag(tag))
	}
	modTime, _ := http.ParseTime(hdr.Get("Last-Modified"))
	http.ServeContent(&errorPages{ResponseWriter: w, r: r}, r, "", modTime, bytes.NewReader(page))
}

// liveTag is the entity tag of the injected page, made from the file's:
// "x" becomes "x+live", W/"x" W/"x+live".
func liveTag(tag string) string {
	if len(tag) < 2 || !strings.HasSuffix(tag, `"`) {
		return tag
	}
	return tag[:len(tag)-1] + `+live"`
}

// scriptTag is the element that loads the script into the page at
// urlPath, by a link relative to the page (as the listing's assets are),
// so it works under http.StripPrefix too.
func scriptTag(urlPath string) []byte {
	return []byte(`<script src="` + assets.RelativePrefix(urlPath) + scriptName + `?asset" defer></script>`)
}

// inject returns page with tag put where insertAt says.
func inject(page, tag []byte) []byte {
	at := insertAt(page)
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:at]...)
	out = append(out, tag...)
	return append(out, page[at:]...)
}

// errorPages turns http.ServeContent's own error answers (412, 416, in
// plain text) into simplehttp's error pages.
type errorPages struct {
	http.ResponseWriter
	r      *http.Request
	failed bool
}

// WriteHeader passes code on, or the error page of code.
func (e *errorPages) WriteHeader(code int) {
	if code >= http.StatusBadRequest {
		e.failed = true
		for _, k := range []string{"Etag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Length"} {
			delete(e.Header(), k)
		}
		fileserve.Error(e.ResponseWriter, e.r, code)
		return
	}
	e.ResponseWriter.WriteHeader(code)
}

// Write passes p on, but not ServeContent's text of an error.
func (e *errorPages) Write(p []byte) (int, error) {
	if e.failed {
		return len(p), nil
	}
	return e.ResponseWriter.Write(p)
}
