package fileserve

import (
	"net/http"
	"sync"

	"github.com/simplehttp/simplehttp/internal/page"
)

// maxWholePage is the largest generated page sent whole, with its
// Content-Length and in one write: a listing of about 600 entries. A
// larger page is streamed, so that a 10,000-entry listing (a few
// megabytes) never sits whole in the server's memory, however many are
// rendered at once.
const maxWholePage = 256 << 10

// pageBufs recycles pageWriter buffers.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, maxWholePage); return &b }}

// pageWriter sends a page simplehttp generates with status 200. It
// collects the page up to maxWholePage bytes; if the page ends within
// them, finish sends it whole with its length. Past them, it sends the
// headers without a length (net/http then chunks the body, or closes the
// connection after it for HTTP/1.0) and streams the rest through the same
// buffer.
type pageWriter struct {
	w           http.ResponseWriter
	r           *http.Request
	contentType string
	bufp        *[]byte
	buf         []byte
	streaming   bool
	err         error // the first failed write to the client
}

// newPageWriter returns a pageWriter for an answer to r of contentType.
// Call finish, then release.
func newPageWriter(w http.ResponseWriter, r *http.Request, contentType string) *pageWriter {
	bufp := pageBufs.Get().(*[]byte)
	return &pageWriter{w: w, r: r, contentType: contentType, bufp: bufp, buf: (*bufp)[:0]}
}

// Write collects p, or streams it once the page outgrew the buffer.
func (p *pageWriter) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if len(p.buf)+len(b) <= cap(p.buf) {
		p.buf = append(p.buf, b...)
		return len(b), nil
	}
	if !p.streaming {
		p.streaming = true
		page.SetHeaders(p.w.Header(), p.contentType, "")
		p.w.WriteHeader(http.StatusOK)
	}
	if p.flush(); p.err != nil {
		return 0, p.err
	}
	if len(b) >= cap(p.buf) {
		return p.send(b)
	}
	p.buf = append(p.buf, b...)
	return len(b), nil
}

// flush sends what the buffer holds.
func (p *pageWriter) flush() {
	if len(p.buf) > 0 {
		p.send(p.buf) //nolint:errcheck // kept in p.err
		p.buf = p.buf[:0]
	}
}

// send writes b to the client, but not for HEAD.
func (p *pageWriter) send(b []byte) (int, error) {
	if p.r.Method == http.MethodHead {
		return len(b), nil
	}
	n, err := p.w.Write(b)
	if err != nil {
		p.err = err
	}
	return n, err
}

// finish sends the page whole, or the rest of a streamed one.
func (p *pageWriter) finish() {
	if p.streaming {
		p.flush()
		return
	}
	page.Write(p.w, p.r, http.StatusOK, p.contentType, p.buf)
}

// release returns the buffer to the pool.
func (p *pageWriter) release() {
	*p.bufp = p.buf[:0]
	pageBufs.Put(p.bufp)
	p.bufp, p.buf = nil, nil
}
