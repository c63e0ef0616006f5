package encode

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/simplehttp/simplehttp/internal/coding"
)

// responseWriter compresses one answer with one coding, if the answer
// qualifies and compressing it makes it smaller. It holds the status back
// until the handler writes the first byte of the body (or ends), when the
// headers are complete: only then is it known whether the answer may be
// compressed. The body of one that may is held back, up to holdLimit
// bytes: a body that ends within them is compressed whole, into memory,
// and sent compressed only if that is smaller, with its Content-Length; a
// longer one is compressed only if its first holdLimit bytes shrank, and
// then streams on in chunks. It keeps ReadFrom, so that uncompressed
// files still go out with sendfile, and Unwrap, for
// http.ResponseController. It is a coding.Precoder, for a handler that
// codes the bodies it keeps in memory once, and sends them coded itself.
type responseWriter struct {
	http.ResponseWriter
	coding    coding.Coding
	kept      coding.Coding // the coding Offer offers, for a body coded once and kept
	minSize   int           // the smallest body compressed
	holdLimit int           // the most body held back before deciding
	mustCode  bool          // compress even if it does not shrink: the client refuses identity, or the handler flushed
	head      bool          // a HEAD request: headers only
	ifNone    []string      // If-None-Match as the client sent it

	status   int     // the status the handler set; 0 until it does
	asIs     bool    // pass the answer as it is: the handler coded it, or knows it does not shrink
	holding  bool    // the body is held back: the answer may be compressed
	decided  bool    // the status and headers are passed on
	enc      encoder // compressing: the body goes through enc into sink
	sink     sink    // where enc writes: coded while deciding, then the ResponseWriter
	promised int64   // the Content-Length the handler set; -1 if none
	written  int64   // body bytes the handler wrote, before compression
	held     []byte  // body bytes held back while undecided
	coded    []byte  // held compressed, while deciding
}

var (
	_ io.ReaderFrom   = (*responseWriter)(nil)
	_ http.Flusher    = (*responseWriter)(nil)
	_ coding.Precoder = (*responseWriter)(nil)
)

// holdLimit is how much of a body that may be compressed is held back
// before deciding, at the least: a body up to this long is compressed
// whole and sent compressed only if that is smaller; of a longer one, its
// first holdLimit bytes show whether it shrinks. It is brotli's block
// size, so that brotli's encoder has coded them once it has them.
const holdLimit = 64 << 10

// writerPool recycles responseWriters and their buffers.
var writerPool = sync.Pool{New: func() any { return new(responseWriter) }}

// newResponseWriter returns a pooled responseWriter compressing the
// answer to r with ch's coding when it qualifies (when ch says the client
// refuses identity, whether or not that makes it smaller), and offering
// ch's kept coding to the handler for a body it codes once and keeps.
func newResponseWriter(w http.ResponseWriter, r *http.Request, ch coding.Choice, minSize int) *responseWriter {
	rw := writerPool.Get().(*responseWriter)
	*rw = responseWriter{
		ResponseWriter: w,
		coding:         ch.Coding,
		kept:           ch.Kept,
		minSize:        minSize,
		holdLimit:      max(minSize, holdLimit),
		mustCode:       ch.IdentityRefused,
		head:           r.Method == http.MethodHead,
		ifNone:         r.Header["If-None-Match"],
		promised:       -1,
		held:           rw.held[:0],
		coded:          rw.coded[:0],
	}
	return rw
}

// maxPooledBuffer bounds each buffer a pooled responseWriter keeps (an
// Options.MinSize larger than holdLimit still works, with new buffers).
const maxPooledBuffer = 2 * holdLimit

// release returns rw to the pool; the handler has returned.
func (rw *responseWriter) release() {
	held, coded := rw.held[:0], rw.coded[:0]
	if cap(held) > maxPooledBuffer {
		held = nil
	}
	if cap(coded) > maxPooledBuffer {
		coded = nil
	}
	*rw = responseWriter{held: held, coded: coded}
	writerPool.Put(rw)
}

// WriteHeader holds the status back, or passes it on at once when it
// settles the matter: an informational (1xx) status, or anything but 200.
func (rw *responseWriter) WriteHeader(code int) {
	switch {
	case rw.decided || rw.status != 0:
		// Superfluous: the first status counts.
	case code >= 100 && code < 200 && code != http.StatusSwitchingProtocols:
		rw.ResponseWriter.WriteHeader(code)
	default:
		rw.status = code
		if code != http.StatusOK {
			rw.decide(false)
		}
	}
}

// Write compresses p or passes it on, or holds it back while it is not
// yet known which.
func (rw *responseWriter) Write(p []byte) (int, error) {
	n := len(p)
	rw.written += int64(n)
	if !rw.decided {
		if !rw.mayHold() {
			rw.decide(false)
		} else {
			room := min(len(p), rw.holdLimit-len(rw.held))
			rw.held = append(rw.held, p[:room]...)
			if p = p[room:]; len(p) == 0 {
				return n, nil
			}
			rw.decide(false) // held is full and there is more
		}
	}
	k, err := rw.write(p)
	return n - len(p) + k, err
}

// write sends p, through the encoder when compressing.
func (rw *responseWriter) write(p []byte) (int, error) {
	if rw.enc != nil {
		return rw.enc.Write(p)
	}
	return rw.ResponseWriter.Write(p)
}

// ReadFrom sends what src holds: compressed, or else through the inner
// writer's ReadFrom, which sends a file with sendfile. While the answer
// may be compressed, it first reads what it holds back.
func (rw *responseWriter) ReadFrom(src io.Reader) (n int64, err error) {
	if !rw.decided {
		if !rw.mayHold() {
			rw.decide(false)
		} else {
			var full bool
			n, full, err = rw.readHeld(src)
			rw.written += n
			if !full || err != nil {
				return n, err
			}
			rw.decide(false) // held is full and there may be more
		}
	}
	var m int64
	switch inner, ok := rw.ResponseWriter.(io.ReaderFrom); {
	case rw.enc != nil:
		m, err = copyBuffered(rw.enc, src)
	case ok:
		m, err = inner.ReadFrom(src)
	default:
		m, err = copyBuffered(rw.ResponseWriter, src)
	}
	rw.written += m
	return n + m, err
}

// readHeld reads from src into held until it is full (holdLimit bytes)
// or src ends.
func (rw *responseWriter) readHeld(src io.Reader) (n int64, full bool, err error) {
	if cap(rw.held) < rw.holdLimit {
		rw.held = append(make([]byte, 0, rw.holdLimit), rw.held...)
	}
	for len(rw.held) < rw.holdLimit {
		k, err := src.Read(rw.held[len(rw.held):rw.holdLimit])
		rw.held = rw.held[:len(rw.held)+k]
		n += int64(k)
		if err == io.EOF {
			return n, false, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, true, nil
}

// Flush sends the headers and what the encoder holds (brotli's encoder
// holds up to 64 KiB), then flushes the connection. A body held back is
// compressed if the answer qualifies, whether or not it shrinks: a
// handler that flushes wants what it wrote sent now.
func (rw *responseWriter) Flush() { _ = rw.FlushError() }

// FlushError is Flush, returning the error of the first step that fails.
func (rw *responseWriter) FlushError() error {
	if !rw.decided {
		rw.mustCode = true // what was written is wanted now: no trial
		rw.decide(false)
	}
	if f, ok := rw.enc.(flusher); ok {
		if err := f.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(rw.ResponseWriter).Flush()
}

// Unwrap returns the inner ResponseWriter, for http.ResponseController.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// mayHold reports whether the body may be held back: the answer may be
// compressed, so far as its status and headers tell when the first of it
// comes (as for net/http, later changes to the headers do not count).
func (rw *responseWriter) mayHold() bool {
	if !rw.holding && !rw.asIs {
		hdr := rw.Header()
		size := contentLength(hdr)
		rw.holding = (rw.status == 0 || rw.status == http.StatusOK) && qualifies(hdr, hdr.Get("Content-Type")) &&
			(size < 0 || size >= int64(rw.minSize))
	}
	return rw.holding
}

// decide passes the status and headers on, set for compression when the
// answer qualifies and compressing shrinks it, then what was held back.
// ended tells whether the handler has returned, so that the whole body is
// what was held.
func (rw *responseWriter) decide(ended bool) {
	rw.decided = true
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	hdr := rw.Header()
	coding.AddVary(hdr) // again: the handler may have replaced Vary
	rw.promised = contentLength(hdr)
	switch {
	case rw.status == http.StatusNotModified:
		rw.restoreTag(hdr)
	case rw.status != http.StatusOK || rw.asIs || !qualifies(hdr, hdr.Get("Content-Type")):
	case rw.head:
		// No body to try: the headers say what a GET would get, but for
		// a body that would not shrink.
		if rw.promised < 0 || rw.promised >= int64(rw.minSize) {
			rw.start(hdr)
		}
	case ended:
		rw.decideWhole(hdr)
		return
	case rw.promised < 0 || rw.promised >= int64(rw.minSize):
		rw.decideStream(hdr)
		return
	}
	rw.sendHeld()
}

// sendHeld passes the status and headers on as they are, then what was
// held back.
func (rw *responseWriter) sendHeld() {
	rw.ResponseWriter.WriteHeader(rw.status)
	if len(rw.held) > 0 {
		rw.write(rw.held) //nolint:errcheck // the handler's later writes fail the same way
		rw.held = rw.held[:0]
	}
}

// decideWhole sends the whole body, held back: compressed, with its
// Content-Length, if that is smaller (or the client refuses identity);
// else as it is. A body that is not as long as its Content-Length goes
// out as it is, for net/http to end the connection.
func (rw *responseWriter) decideWhole(hdr http.Header) {
	short := rw.promised >= 0 && rw.written != rw.promised
	if short || (!rw.mustCode && len(rw.held) < rw.minSize) {
		rw.sendHeld()
		return
	}
	enc, err := rw.codeHeld(true)
	putEncoder(rw.coding, enc)
	if err != nil || !rw.shrank() {
		rw.sendHeld()
		return
	}
	rw.start(hdr)
	hdr["Content-Length"] = []string{strconv.Itoa(len(rw.coded))}
	rw.ResponseWriter.WriteHeader(rw.status)
	rw.ResponseWriter.Write(rw.coded) //nolint:errcheck // a failed write means the client left
	rw.held = rw.held[:0]
}

// decideStream starts a body that goes on past what was held back:
// compressed if its first part, compressed, shrank (or the client
// refuses identity), else as it is.
func (rw *responseWriter) decideStream(hdr http.Header) {
	enc, err := rw.codeHeld(false)
	if err != nil || !rw.shrank() {
		putEncoder(rw.coding, enc) // Reset: the stream is abandoned
		rw.sendHeld()
		return
	}
	rw.start(hdr)
	rw.enc = enc
	rw.sink.w = rw.ResponseWriter
	rw.ResponseWriter.WriteHeader(rw.status)
	rw.held = rw.held[:0]
	if len(rw.coded) > 0 {
		rw.ResponseWriter.Write(rw.coded) //nolint:errcheck // the handler's later writes fail the same way
	}
}

// codeHeld compresses what was held back into coded, with an encoder
// that it returns, writing into sink: whole ends the stream, else the
// encoder pushes out what it holds (brotli's has coded it already: the
// held part is one block of its, holdLimit, unless a MinSize above that
// makes it more).
func (rw *responseWriter) codeHeld(whole bool) (encoder, error) {
	enc := getEncoder(rw.coding, &rw.sink)
	rw.sink.w = (*appender)(&rw.coded)
	_, err := enc.Write(rw.held)
	switch f, ok := enc.(flusher); {
	case err != nil:
	case whole:
		err = enc.Close()
	case ok:
		err = f.Flush()
	}
	return enc, err
}

// shrank reports whether the answer is to be compressed, once coded
// holds what was held back, compressed: when that is smaller, or the
// client refuses identity.
func (rw *responseWriter) shrank() bool {
	return rw.mustCode || len(rw.coded) < len(rw.held)
}

// qualifies reports whether an answer (a 200) with the headers hdr, of
// type contentType, is one to compress, so far as its headers tell.
func qualifies(hdr http.Header, contentType string) bool {
	return hdr["Content-Encoding"] == nil && hdr["Content-Range"] == nil &&
		!noTransform(hdr) && coding.Compressible(contentType)
}

// sink is the writer an encoder writes into, which can be switched
// under it: from memory, while the first part of a body is tried, to
// the ResponseWriter.
type sink struct{ w io.Writer }

func (s *sink) Write(p []byte) (int, error) { return s.w.Write(p) }

// appender is a byte slice that Write appends to.
type appender []byte

func (a *appender) Write(p []byte) (int, error) {
	*a = append(*a, p...)
	return len(p), nil
}

// start sets the headers of the compressed representation.
func (rw *responseWriter) start(hdr http.Header) {
	hdr.Del("Content-Length")
	hdr.Del("Accept-Ranges")                               // ranges are of the uncompressed bytes
	hdr["Content-Encoding"] = []string{rw.coding.String()} // this answer's own: a wrapper may change it
	if tag := hdr.Get("ETag"); tag != "" {
		hdr.Set("ETag", coding.CodedTag(tag, rw.coding))
	}
}

// Offer reports the coding for a body coded once and kept, were this
// answer a 200 with the headers hdr, of type contentType, and a body of
// size bytes (or of a size not known yet, if negative), that would be
// compressed (see coding.Precoder).
func (rw *responseWriter) Offer(hdr http.Header, contentType string, size int) (c coding.Coding, mustCode, ok bool) {
	ok = !rw.decided && qualifies(hdr, contentType) && (rw.mustCode || size < 0 || size >= rw.minSize)
	if size < 0 {
		return rw.coding, rw.mustCode, ok // made as it is coded: the streamed coding
	}
	return rw.kept, rw.mustCode, ok
}

// Code appends body, compressed whole with c at the level for a body
// coded once and kept, to dst.
func (rw *responseWriter) Code(dst, body []byte, c coding.Coding) []byte {
	return codeKept(dst, body, c)
}

// Encoder returns a pooled encoder for c, at the level of a streamed
// answer, writing into dst.
func (rw *responseWriter) Encoder(dst io.Writer, c coding.Coding) io.WriteCloser {
	return &pooledEncoder{enc: getEncoder(c, dst), c: c}
}

// PassAsIs makes the answer pass as the handler sends it.
func (rw *responseWriter) PassAsIs() { rw.asIs = true }

// finish ends the answer once the handler has returned: it decides, if
// the handler never wrote a byte, and ends the compressed stream. A
// compressed body shorter than its Content-Length promised ends the
// connection instead (see the package documentation).
func (rw *responseWriter) finish() {
	if !rw.decided {
		rw.decide(true)
	}
	if rw.enc == nil {
		return
	}
	enc := rw.enc
	rw.enc = nil
	if rw.promised >= 0 && rw.written < rw.promised {
		putEncoder(rw.coding, enc) // Reset: the stream is abandoned
		panic(http.ErrAbortHandler)
	}
	enc.Close() //nolint:errcheck // a failed write means the client left
	putEncoder(rw.coding, enc)
}

// contentLength is the Content-Length in hdr, or -1 when there is none.
func contentLength(hdr http.Header) int64 {
	v := hdr["Content-Length"]
	if len(v) == 0 {
		return -1
	}
	n, err := strconv.ParseInt(v[0], 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// noTransform reports whether Cache-Control forbids changing the body.
func noTransform(hdr http.Header) bool {
	for _, v := range hdr["Cache-Control"] {
		for d := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "no-transform") {
				return true
			}
		}
	}
	return false
}

// copyBufs recycle the buffers copyBuffered copies through: io.Copy
// would allocate 32 KiB per answer for encoders without ReadFrom.
var copyBufs = sync.Pool{New: func() any { return new([32 << 10]byte) }}

// copyBuffered copies src to dst through a pooled buffer.
func copyBuffered(dst io.Writer, src io.Reader) (int64, error) {
	buf := copyBufs.Get().(*[32 << 10]byte)
	defer copyBufs.Put(buf)
	// The wrappers hide ReadFrom and WriteTo, which would bypass buf.
	return io.CopyBuffer(struct{ io.Writer }{dst}, struct{ io.Reader }{src}, buf[:])
}
