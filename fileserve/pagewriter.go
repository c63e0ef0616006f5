package fileserve

import (
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/internal/page"
)

// maxWholePage is the largest generated page sent whole, with its
// Content-Length and in one write: a listing of about 600 entries, or,
// compressed, of some 100,000. A larger page is streamed, so that a
// 10,000-entry listing (a few megabytes) never sits whole in the
// server's memory, however many are rendered at once.
const maxWholePage = 256 << 10

// pageBufs recycles pageWriter buffers.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, maxWholePage); return &b }}

// pageWriter sends a page simplehttp generates with status 200. It
// collects the page up to maxWholePage bytes; if the page ends within
// them, finish sends it whole with its length. Past them, it sends the
// headers without a length (net/http then chunks the body, or closes the
// connection after it for HTTP/1.0) and streams the rest through the same
// buffer.
//
// A page it codes itself (see code) goes the same way, coded: collected
// up to maxWholePage bytes of coding, sent whole and handed back to be
// kept, or streamed past them.
type pageWriter struct {
	w           http.ResponseWriter
	r           *http.Request
	contentType string
	bufp        *[]byte
	buf         []byte // the page as it is, while it fits
	streaming   bool
	err         error // the first failed write to the client

	// While the page is coded (enc is set): the Precoder that offered
	// coding c, and the page coded so far, while it fits maxWholePage
	// (a buffer of its own, not pooled: a listing of 10,000 entries
	// takes 23 KB).
	pre      coding.Precoder
	c        coding.Coding
	mustCode bool // the client refuses the page as it is
	enc      io.WriteCloser
	coded    []byte
	tooLong  bool // the page as it is outgrew buf, which no longer holds it
	overflow bool // coded outgrew its buffer: stream it, or stop coding
}

// newPageWriter returns a pageWriter for an answer to r of contentType.
// Call finish, then release.
func newPageWriter(w http.ResponseWriter, r *http.Request, contentType string) *pageWriter {
	bufp := pageBufs.Get().(*[]byte)
	return &pageWriter{w: w, r: r, contentType: contentType, bufp: bufp, buf: (*bufp)[:0]}
}

// offer reports the coding the encoding handler in front (its
// coding.Precoder) offers the page: the one it would compress the answer
// in. ok is false when there is none: the page goes out as it is
// written, for that handler to compress or not.
func (p *pageWriter) offer() (c coding.Coding, ok bool) {
	pre, ok := coding.PrecoderOf(p.w)
	if !ok {
		return 0, false
	}
	c, mustCode, ok := pre.Offer(p.w.Header(), p.contentType, -1)
	if !ok || c == coding.Identity {
		return 0, false
	}
	p.pre, p.c, p.mustCode = pre, c, mustCode
	return c, true
}

// code makes the page coded with the coding offer offered, as it is
// written: finish then hands the coded page back, if it was sent whole.
// The page still goes out as it is if coding it does not make it smaller,
// so far as its first maxWholePage bytes tell, unless the client refuses
// it as it is.
func (p *pageWriter) code() {
	p.enc = p.pre.Encoder(codedSink{p}, p.c)
}

// Write collects b, or streams it once the page outgrew the buffer.
func (p *pageWriter) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if p.enc != nil {
		return p.writeCoded(b)
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

// writeCoded codes b, keeping it as it is too while the page fits the
// buffer. When the coded page outgrows its own buffer, it starts
// streaming it; or, when the page as it is is still held, and so
// smaller, it stops coding and goes on as if it never had.
func (p *pageWriter) writeCoded(b []byte) (int, error) {
	if !p.tooLong {
		if len(p.buf)+len(b) <= cap(p.buf) {
			p.buf = append(p.buf, b...)
		} else {
			p.tooLong, p.buf = true, p.buf[:0]
		}
	}
	if _, err := p.enc.Write(b); err != nil {
		return 0, err
	}
	if p.overflow && !p.streaming {
		if !p.tooLong && !p.mustCode {
			p.uncode()
			return len(b), nil
		}
		p.streaming = true
		p.startCoded("")
		p.send(p.coded) //nolint:errcheck // kept in p.err
		p.coded = p.coded[:0]
	}
	if p.err != nil {
		return 0, p.err
	}
	return len(b), nil
}

// uncode drops the coding: the page so far is in buf, as it is.
func (p *pageWriter) uncode() {
	enc := p.enc
	p.enc = nil // the sink drops what Close writes
	enc.Close() //nolint:errcheck // into nowhere
}

// codedSink is where the encoder of a pageWriter writes: the coded page
// is collected, until it outgrows its buffer, and then streamed.
type codedSink struct{ p *pageWriter }

func (s codedSink) Write(b []byte) (int, error) {
	p := s.p
	switch {
	case p.enc == nil:
		return len(b), nil // coding dropped
	case p.streaming:
		return p.send(b)
	}
	if len(p.coded)+len(b) > maxWholePage {
		p.overflow = true // the writer decides, once the encoder returns
	}
	p.coded = append(p.coded, b...)
	return len(b), nil
}

// startCoded sends the headers of the coded page, with its length
// unless it is streamed (""), and makes the Precoder pass the page on as
// it is sent.
func (p *pageWriter) startCoded(length string) {
	hdr := p.w.Header()
	page.SetHeaders(hdr, p.contentType, length)
	hdr["Content-Encoding"] = []string{p.c.String()} // this answer's own: a wrapper may change it
	p.pre.PassAsIs()
	p.w.WriteHeader(http.StatusOK)
}

// sendCoded sends the page coded, whole, as a pageWriter made it, after
// offer offered its coding.
func (p *pageWriter) sendCoded(coded []byte) {
	p.startCoded(strconv.Itoa(len(coded)))
	p.send(coded) //nolint:errcheck // a failed write means the client left
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

// finish sends the page whole, or the rest of a streamed one. It returns
// the page it coded and sent whole, which is the writer's until release,
// or nil.
func (p *pageWriter) finish() (coded []byte) {
	if p.enc != nil {
		return p.finishCoded()
	}
	if p.streaming {
		p.flush()
		return nil
	}
	page.Write(p.w, p.r, http.StatusOK, p.contentType, p.buf)
	return nil
}

// finishCoded ends the coded page and sends it, or what is left of it;
// but the page as it is when it is held and no larger.
func (p *pageWriter) finishCoded() []byte {
	enc := p.enc
	enc.Close() //nolint:errcheck // a failed write is kept in p.err; the buffer takes all
	p.enc = nil
	switch {
	case p.streaming:
		return nil
	case !p.tooLong && !p.mustCode && len(p.coded) >= len(p.buf):
		p.pre.PassAsIs() // coding it does not make it smaller
		page.Write(p.w, p.r, http.StatusOK, p.contentType, p.buf)
		return nil
	}
	p.sendCoded(p.coded)
	return p.coded
}

// release returns the buffer to the pool.
func (p *pageWriter) release() {
	if p.enc != nil { // the page broke half-way
		p.uncode()
	}
	*p.bufp = p.buf[:0]
	pageBufs.Put(p.bufp)
	p.bufp, p.buf, p.coded = nil, nil, nil
}
