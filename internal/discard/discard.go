// Package discard is for benchmarks and allocation tests of handlers: a
// ResponseWriter that keeps an answer's status and headers and drops its
// body, allocating nothing once made (and taking write deadlines, as
// net/http's own writers do), and a benchmark of the status of
// answers to a few targets. With the request built once too, the
// allocations counted are the handler's own.
package discard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Writer is an http.ResponseWriter that keeps the status and headers of
// an answer and drops its body. Its ReadFrom reads what it is given, as
// sendfile would.
type Writer struct {
	header http.Header
	Code   int // the status sent; 0 before any
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer { return &Writer{header: http.Header{}} }

// Reset makes w empty again, without allocating.
func (w *Writer) Reset() {
	clear(w.header)
	w.Code = 0
}

// Header returns the answer's header map.
func (w *Writer) Header() http.Header { return w.header }

// WriteHeader keeps the first status sent.
func (w *Writer) WriteHeader(code int) {
	if w.Code == 0 {
		w.Code = code
	}
}

// Write drops p, sending status 200 first if none was.
func (w *Writer) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}

// SetWriteDeadline accepts any deadline, as net/http's writers do: a
// handler that sets one (netlimit.StreamDeadlines, under HTTP/2) then
// takes the path it takes in a server, not that of a writer without
// deadlines (whose http.ErrNotSupported costs allocations of its own).
func (w *Writer) SetWriteDeadline(time.Time) error { return nil }

// ReadFrom reads r to its end and drops what it read.
func (w *Writer) ReadFrom(r io.Reader) (int64, error) {
	w.WriteHeader(http.StatusOK)
	return io.Copy(io.Discard, r)
}

// Case is a request for Target, with the headers Header (none when nil),
// that must be answered Code, benchmarked as Name. With HTTP2, the
// request is an HTTP/2 one, and each is served on a goroutine of its
// own, as net/http's HTTP/2 server runs each stream's handler (so the
// cost of growing a new goroutine's stack counts).
type Case struct {
	Name, Target string
	Header       http.Header
	HTTP2        bool
	Code         int
}

// Bench runs a sub-benchmark of b for each case: GET requests to h,
// counting allocations, and failing on an answer of another status.
func Bench(b *testing.B, h http.Handler, cases ...Case) {
	for _, tc := range cases {
		b.Run(tc.Name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, tc.Target, nil)
			for name, values := range tc.Header {
				r.Header[name] = values
			}
			if tc.HTTP2 {
				r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/2.0", 2, 0
			}
			w := NewWriter()
			done := make(chan struct{})
			b.ReportAllocs()
			for b.Loop() {
				w.Reset()
				if tc.HTTP2 {
					go func() { h.ServeHTTP(w, r); done <- struct{}{} }()
					<-done
				} else {
					h.ServeHTTP(w, r)
				}
				if w.Code != tc.Code {
					b.Fatalf("GET %s: status %d, want %d", tc.Target, w.Code, tc.Code)
				}
			}
		})
	}
}
