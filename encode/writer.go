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
// qualifies. It holds the status back until the handler writes the first
// byte of the body (or ends), when the headers are complete: only then is
// it decided whether to compress. A body of unknown length is held back
// until it reaches minSize bytes, so that a short one is sent as it is.
// It keeps ReadFrom, so that uncompressed files still go out with
// sendfile, and Unwrap, for http.ResponseController.
type responseWriter struct {
	http.ResponseWriter
	coding  coding.Coding
	minSize int      // the smallest body compressed
	head    bool     // a HEAD request: headers only
	ifNone  []string // If-None-Match as the client sent it

	status   int     // the status the handler set; 0 until it does
	decided  bool    // the status and headers are passed on
	enc      encoder // compressing: the body goes through enc
	promised int64   // the Content-Length the handler set; -1 if none
	written  int64   // body bytes the handler wrote, before compression
	held     []byte  // body bytes held back while undecided
}

var (
	_ io.ReaderFrom = (*responseWriter)(nil)
	_ http.Flusher  = (*responseWriter)(nil)
)

// writerPool recycles responseWriters and their held-back buffers.
var writerPool = sync.Pool{New: func() any { return new(responseWriter) }}

// newResponseWriter returns a pooled responseWriter compressing the
// answer to r with c when it qualifies.
func newResponseWriter(w http.ResponseWriter, r *http.Request, c coding.Coding, minSize int) *responseWriter {
	rw := writerPool.Get().(*responseWriter)
	*rw = responseWriter{
		ResponseWriter: w,
		coding:         c,
		minSize:        minSize,
		head:           r.Method == http.MethodHead,
		ifNone:         r.Header["If-None-Match"],
		promised:       -1,
		held:           rw.held[:0],
	}
	return rw
}

// maxPooledHold bounds the held-back buffer a pooled responseWriter keeps
// (an Options.MinSize larger than this still works, with a new buffer).
const maxPooledHold = 64 << 10

// release returns rw to the pool; the handler has returned.
func (rw *responseWriter) release() {
	if cap(rw.held) > maxPooledHold {
		rw.held = nil
	}
	*rw = responseWriter{held: rw.held[:0]}
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

// Write compresses p or passes it on, or holds it back while the answer
// is short and of unknown length.
func (rw *responseWriter) Write(p []byte) (int, error) {
	rw.written += int64(len(p))
	if !rw.decided {
		if rw.mayHold(len(p)) {
			if rw.held == nil {
				rw.held = make([]byte, 0, rw.minSize)
			}
			rw.held = append(rw.held, p...)
			return len(p), nil
		}
		rw.decide(false)
	}
	return rw.write(p)
}

// write sends p, through the encoder when compressing.
func (rw *responseWriter) write(p []byte) (int, error) {
	if rw.enc != nil {
		return rw.enc.Write(p)
	}
	return rw.ResponseWriter.Write(p)
}

// ReadFrom sends what src holds: compressed, or else through the inner
// writer's ReadFrom, which sends a file with sendfile.
func (rw *responseWriter) ReadFrom(src io.Reader) (n int64, err error) {
	if !rw.decided {
		rw.decide(false)
	}
	switch inner, ok := rw.ResponseWriter.(io.ReaderFrom); {
	case rw.enc != nil:
		n, err = copyBuffered(rw.enc, src)
	case ok:
		n, err = inner.ReadFrom(src)
	default:
		n, err = copyBuffered(rw.ResponseWriter, src)
	}
	rw.written += n
	return n, err
}

// Flush sends the headers and what the encoder holds (brotli's encoder
// holds up to 64 KiB), then flushes the connection.
func (rw *responseWriter) Flush() { _ = rw.FlushError() }

// FlushError is Flush, returning the error of the first step that fails.
func (rw *responseWriter) FlushError() error {
	if !rw.decided {
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

// mayHold reports whether n more bytes of the body may be held back: the
// answer is a 200 without a Content-Length, and short so far.
func (rw *responseWriter) mayHold(n int) bool {
	return (rw.status == 0 || rw.status == http.StatusOK) &&
		rw.Header()["Content-Length"] == nil && len(rw.held)+n < rw.minSize
}

// decide passes the status and headers on, set for compression when the
// answer qualifies, then what was held back. ended tells whether the
// handler has returned, so that the whole body is what was held.
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
	case rw.qualifies(hdr, ended):
		rw.start(hdr)
	}
	rw.ResponseWriter.WriteHeader(rw.status)
	if len(rw.held) > 0 {
		rw.write(rw.held) //nolint:errcheck // the handler's later writes fail the same way
		rw.held = rw.held[:0]
	}
}

// qualifies reports whether the answer is one to compress.
func (rw *responseWriter) qualifies(hdr http.Header, ended bool) bool {
	if rw.status != http.StatusOK || hdr["Content-Encoding"] != nil || hdr["Content-Range"] != nil ||
		noTransform(hdr) || !coding.Compressible(hdr.Get("Content-Type")) {
		return false
	}
	size := rw.promised
	if size < 0 && ended && !rw.head {
		size = int64(len(rw.held))
	}
	return size < 0 || size >= int64(rw.minSize) // unknown: streamed, likely long
}

// start sets the headers of the compressed representation and, unless
// the request is HEAD, takes an encoder.
func (rw *responseWriter) start(hdr http.Header) {
	hdr.Del("Content-Length")
	hdr.Del("Accept-Ranges")                               // ranges are of the uncompressed bytes
	hdr["Content-Encoding"] = []string{rw.coding.String()} // this answer's own: a wrapper may change it
	if tag := hdr.Get("ETag"); tag != "" {
		hdr.Set("ETag", withSuffix(tag, rw.coding))
	}
	if !rw.head {
		rw.enc = getEncoder(rw.coding, rw.ResponseWriter)
	}
}

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
