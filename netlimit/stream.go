package netlimit

import (
	"errors"
	"net/http"
	"time"
)

// StreamDeadlines wraps next so that the writes of each HTTP/2 answer are
// bounded by write, as a Listener's connections bound those of HTTP/1.x
// (which it passes on untouched). Under HTTP/2 a client that stops
// reading need not fill the socket: it just grants no more flow-control
// window, the server waits for it and no socket write ever blocks, so
// only the stream's own write deadline (which resets the stream) can cut
// it off.
func StreamDeadlines(next http.Handler, write WriteLimit) http.Handler {
	return &streamDeadlines{next: next, write: write.orDefault()}
}

// streamDeadlines is StreamDeadlines' handler. (A type of its own, not
// an http.HandlerFunc, so that its frame is the only one it puts on the
// stack growStack grows.)
type streamDeadlines struct {
	next  http.Handler
	write WriteLimit
}

func (d *streamDeadlines) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 2 {
		d.next.ServeHTTP(w, r)
		return
	}
	growStack(0) // net/http runs each stream's handler on a new goroutine
	d.next.ServeHTTP(newStreamWriter(w, d.write), r)
}

// stackReserve is how much stack growStack makes room for: more than a
// file server's answer takes below StreamDeadlines (about 3.3 KiB for a
// small file held in memory, simplehttp's whole handler chain and
// net/http's HTTP/2 writes).
const stackReserve = 4 << 10

// growStack makes room for stackReserve bytes on the calling goroutine's
// stack, at once. A new goroutine's stack starts small (the average that
// the garbage collector last saw in use, 2 or 4 KiB on a server whose
// goroutines mostly wait on connections), and grows by being copied
// whole to one twice as large, each frame adjusted. Under HTTP/2, where
// net/http starts a goroutine per request, growing deep in the handler
// chain, with some 25 frames to adjust, took 11-15% of the server's CPU
// per 1 KiB answer; growing here, with 6, takes 4-5%.
//
//go:noinline
func growStack(i int) byte {
	var pad [stackReserve]byte
	pad[i] = 1
	return pad[i/2]
}

var _ http.Flusher = (*streamWriter)(nil)

// streamWriter is the ResponseWriter of an HTTP/2 stream whose writes,
// each of at most write.chunk bytes, must each be sent within
// write.timeout. The last deadline also bounds the final flush once the
// handler returns. (HTTP/2 has no sendfile, so there is no ReadFrom to
// keep.)
type streamWriter struct {
	http.ResponseWriter
	rc       http.ResponseController // of ResponseWriter
	deadline deadliner               // ResponseWriter's own, or rc
	write    WriteLimit
}

// deadliner sets a write deadline: net/http's HTTP/2 ResponseWriter, or
// an http.ResponseController.
type deadliner interface {
	SetWriteDeadline(time.Time) error
}

// newStreamWriter returns w with write's deadlines, made with one
// allocation: the deadline is set on w itself when it has the method,
// as net/http's has (one call where http.ResponseController makes
// three), and through the ResponseController otherwise.
func newStreamWriter(w http.ResponseWriter, write WriteLimit) *streamWriter {
	s := &streamWriter{ResponseWriter: w, rc: *http.NewResponseController(w), write: write}
	if d, ok := w.(deadliner); ok {
		s.deadline = d
	} else {
		s.deadline = &s.rc
	}
	return s
}

// Write writes p in chunks, each under its own deadline. An answer made
// in memory is one chunk, written here with no closure made for
// inChunks (and on a shallower stack).
func (s *streamWriter) Write(p []byte) (int, error) {
	if len(p) == 0 || len(p) > s.write.Chunk {
		return s.write.inChunks(p, s.setWriteDeadline, s.ResponseWriter.Write)
	}
	if err := s.setWriteDeadline(time.Now().Add(s.write.Timeout)); err != nil {
		return 0, err
	}
	return s.ResponseWriter.Write(p)
}

// setWriteDeadline sets the stream's write deadline, where the
// connection can (a writer that cannot has no deadline to miss).
func (s *streamWriter) setWriteDeadline(t time.Time) error {
	if err := s.deadline.SetWriteDeadline(t); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// Flush sends what is buffered, for handlers that assert http.Flusher.
func (s *streamWriter) Flush() { _ = s.rc.Flush() }

// Unwrap lets http.ResponseController reach the stream.
func (s *streamWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
