// Package encode compresses HTTP answers on the fly with zstd, brotli or
// gzip, as the request's Accept-Encoding prefers (RFC 9110, 12.5.3). It
// is a middleware: a [Handler] wraps any [net/http.Handler], as Caddy's
// encode directive does, and simplehttp puts one in front of its file
// server:
//
//	http.ListenAndServe(":8000", encode.New(fileserve.NewRoot(root, nil), nil))
//
// An answer is compressed when all of these hold:
//
//   - the client accepts a coding (zstd, br or gzip; among equals, in
//     that order), with a q-value above 0;
//   - it is a 200, not yet coded (no Content-Encoding: a precompressed
//     file stays as it is), not a range (206) and not marked
//     Cache-Control: no-transform;
//   - its Content-Type is one that compresses (text, HTML, CSS,
//     JavaScript, JSON, XML, SVG, WebAssembly; not images, media,
//     archives or .gz files);
//   - its body is at least [Options].MinSize bytes, by its Content-Length
//     or, without one, by what the handler writes before it ends;
//   - compressing makes it smaller. A body of up to 64 KiB is held back
//     and compressed whole, in memory, then sent compressed, with its own
//     Content-Length, only if that is smaller than the body as it is; of
//     a longer one, the first 64 KiB are tried so, and the rest streams
//     on compressed (in chunks, without Content-Length) only if they
//     shrank. A handler that flushes before that gets its answer
//     compressed at once.
//
// A client that refuses identity (identity;q=0, or *;q=0) gets every
// answer that qualifies compressed, small or not, shrinking or not.
//
// A compressed answer loses Accept-Ranges (ranges are of the
// uncompressed bytes: a request with Range gets the handler's 206,
// uncompressed), and gets its own ETag: the handler's with "+zstd",
// "+br" or "+gzip" before the closing quote. If-None-Match and If-Match
// holding such a tag reach the handler as the tag it issued, so
// conditional requests (304, 412) keep working for every
// representation; a 304 carries the tag the client holds. Every answer
// that passes through the Handler carries Vary: Accept-Encoding,
// compressed or not, the answers to requests without Accept-Encoding
// included. An answer to HEAD, which has no body to try, says what a GET
// would get if its body shrank, without the compressed Content-Length,
// which only compressing it tells.
//
// A request without Accept-Encoding (curl and wget by default, load
// generators) costs nothing more than that header: the Handler calls the
// next handler with the same ResponseWriter, so sendfile and
// [net/http.ResponseController] reach the connection as before. Otherwise
// the ResponseWriter is wrapped; the wrapper keeps Unwrap and ReadFrom
// (uncompressed answers still go out with sendfile) and Flush (which
// flushes the compressor first, except brotli's, which sends a block per
// 64 KiB).
//
// A body that ends before its Content-Length (a file that shrank while
// it was read) is never sent as a complete-looking answer: one held back
// whole goes out as it is, which net/http cuts short; one streamed
// compressed ends the connection instead of the compressed stream (the
// Handler panics with [net/http.ErrAbortHandler], which net/http turns
// into a closed connection).
package encode

import (
	"net/http"

	"github.com/simplehttp/simplehttp/internal/coding"
)

// DefaultMinSize is the smallest body compressed by default, in bytes:
// an answer of less fits one TCP segment (1460 bytes with its headers)
// either way, so compressing it saves no packet and no round trip.
const DefaultMinSize = 1024

// Options configures a [Handler]. The zero value is the default.
type Options struct {
	// MinSize is the smallest body compressed, in bytes. 0 means
	// DefaultMinSize. A client that refuses identity (identity;q=0, or
	// *;q=0) gets smaller bodies compressed too. A MinSize above 64 KiB
	// holds that much back before deciding.
	MinSize int
}

// Handler compresses the answers of the handler it wraps. Create it with
// [New]; it is safe for concurrent use.
type Handler struct {
	next    http.Handler
	minSize int
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler compressing the answers of next. A nil opt means
// the zero Options.
func New(next http.Handler, opt *Options) *Handler {
	h := &Handler{next: next, minSize: DefaultMinSize}
	if opt != nil && opt.MinSize > 0 {
		h.minSize = opt.MinSize
	}
	return h
}

// ServeHTTP serves r with the next handler, compressing its answer when
// the request accepts a coding and the answer qualifies.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	coding.AddVary(w.Header())
	accept, ok := r.Header["Accept-Encoding"]
	if !ok {
		h.next.ServeHTTP(w, r)
		return
	}
	ch := coding.Choose(accept, coding.All)
	if ch.Coding == coding.Identity {
		h.next.ServeHTTP(w, r)
		return
	}
	minSize := h.minSize
	if ch.IdentityRefused {
		minSize = 0
	}
	rw := newResponseWriter(w, r, ch, minSize)
	h.next.ServeHTTP(rw, withIssuedTags(r, ch))
	rw.finish()
	rw.release()
}
