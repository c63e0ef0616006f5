// Package httpdump prints each exchange an [net/http.Handler] serves, as
// curl -v shows one: the request line and headers after "> ", then the
// status line and headers after "< ".
//
//	> GET /notes.txt HTTP/1.1
//	> Host: localhost:8000
//	> User-Agent: curl/8.14.1
//	>
//	< HTTP/1.1 200 OK
//	< Content-Type: text/plain; charset=utf-8
//	<
//
// The answer's headers are the ones the handlers behind set, after every
// wrapper between (compression included); net/http adds Date and, where
// the handlers set no Content-Length, the framing (Transfer-Encoding or a
// Content-Length of a short body) as it sends them. Bodies are never
// printed. The values of Authorization, Proxy-Authorization, Cookie and
// Set-Cookie are redacted, and control characters are escaped, so that no
// client can forge lines. Each exchange is written in one piece, when the
// answer's headers go out, so exchanges never interleave.
package httpdump

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/simplehttp/simplehttp/internal/termsafe"
)

// redacted are the headers whose values are never printed.
var redacted = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// Handler prints the exchanges of the handler it wraps. Create it with
// [New]; it is safe for concurrent use.
type Handler struct {
	next http.Handler
	mu   sync.Mutex
	out  io.Writer
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler that serves with next and prints to out.
func New(next http.Handler, out io.Writer) *Handler {
	return &Handler{next: next, out: out}
}

// ServeHTTP serves r with the next handler and prints the exchange.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	dw := &dumpWriter{ResponseWriter: w, h: h, r: r}
	defer dw.dump(http.StatusOK) // a handler that wrote nothing answered 200
	h.next.ServeHTTP(dw, r)
}

// print writes one exchange in one piece.
func (h *Handler) print(b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.out.Write(b) //nolint:errcheck // nowhere to report it
}

// dumpWriter prints the exchange when the status goes out. It keeps
// Unwrap, for http.ResponseController, and ReadFrom, so that files still
// go out with sendfile.
type dumpWriter struct {
	http.ResponseWriter
	h      *Handler
	r      *http.Request
	dumped bool
}

var (
	_ io.ReaderFrom = (*dumpWriter)(nil)
	_ http.Flusher  = (*dumpWriter)(nil)
)

// WriteHeader prints the exchange, then passes the status on.
func (dw *dumpWriter) WriteHeader(code int) {
	if code >= 200 {
		dw.dump(code)
	}
	dw.ResponseWriter.WriteHeader(code)
}

// Write prints the exchange (status 200) if no status went out yet.
func (dw *dumpWriter) Write(p []byte) (int, error) {
	dw.dump(http.StatusOK)
	return dw.ResponseWriter.Write(p)
}

// ReadFrom prints the exchange, then sends src through the inner
// writer's ReadFrom when it has one.
func (dw *dumpWriter) ReadFrom(src io.Reader) (int64, error) {
	dw.dump(http.StatusOK)
	if rf, ok := dw.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(dw.ResponseWriter, src)
}

// Flush sends what is buffered.
func (dw *dumpWriter) Flush() { _ = http.NewResponseController(dw.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection.
func (dw *dumpWriter) Unwrap() http.ResponseWriter { return dw.ResponseWriter }

// dump prints the exchange once, with status code.
func (dw *dumpWriter) dump(code int) {
	if dw.dumped {
		return
	}
	dw.dumped = true
	var b bytes.Buffer
	r := dw.r
	fmt.Fprintf(&b, "> %s %s %s\n", termsafe.Text(r.Method), termsafe.Text(r.RequestURI), termsafe.Text(r.Proto))
	fmt.Fprintf(&b, "> Host: %s\n", termsafe.Text(r.Host))
	writeHeader(&b, "> ", r.Header)
	b.WriteString(">\n")
	fmt.Fprintf(&b, "< %s %d %s\n", termsafe.Text(r.Proto), code, http.StatusText(code))
	writeHeader(&b, "< ", dw.Header())
	b.WriteString("<\n")
	dw.h.print(b.Bytes())
}

// writeHeader writes hdr's fields, sorted by name, one line per value.
func writeHeader(b *bytes.Buffer, prefix string, hdr http.Header) {
	for _, k := range slices.Sorted(maps.Keys(hdr)) {
		for _, v := range hdr[k] {
			if redacted[http.CanonicalHeaderKey(k)] {
				v = redact(v)
			}
			fmt.Fprintf(b, "%s%s: %s\n", prefix, termsafe.Text(k), termsafe.Text(v))
		}
	}
}

// redact hides a credential's value, keeping an Authorization scheme
// ("Basic [redacted]"), which tells what kind of credential came.
func redact(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok && !strings.ContainsAny(scheme, "=;") {
		return scheme + " [redacted]"
	}
	return "[redacted]"
}
