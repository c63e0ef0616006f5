package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/simplehttp/simplehttp/internal/termsafe"

	"github.com/simplehttp/simplehttp/upload"
)

// maxTarget is the longest request target served; a longer one answers
// 414. (Beyond http.Server.MaxHeaderBytes net/http itself answers 431.)
const maxTarget = 8 << 10

// frontDoor is the outermost handler: it refuses over-long targets, bounds
// the reading of request bodies (uploads' by their progress, others' as a
// whole), turns a handler's panic into
// a 500 and one log line, and writes the access log.
type frontDoor struct {
	next        http.Handler
	log         io.Writer // access log; nil when quiet
	errs        io.Writer // panics, always
	mu          sync.Mutex
	now         func() time.Time
	bodyTimeout time.Duration
	// uploads, with --upload, reads the bodies of writing requests, each
	// read within uploadIdleTimeout of the last.
	uploads           *upload.Handler
	uploadIdleTimeout time.Duration
}

// ServeHTTP passes the request on to the file server, or answers 414 for
// a target over maxTarget, and logs it.
func (d *frontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w}
	defer d.finish(rec, r)
	if r.ContentLength != 0 { // a body, of known length or not (-1); under HTTP/2 Body is never NoBody
		rc := http.NewResponseController(w)
		if d.uploads != nil && writing(r.Method) {
			r = withIdleBody(r, rc, d.uploadIdleTimeout)
		} else {
			// No handler reads this body, but net/http drains up to 256
			// KiB of it to keep the connection: do not let a trickle hold it.
			_ = rc.SetReadDeadline(time.Now().Add(d.bodyTimeout))
		}
	}
	if len(r.RequestURI) > maxTarget {
		http.Error(rec, "414 URI Too Long", http.StatusRequestURITooLong)
		return
	}
	d.next.ServeHTTP(rec, r)
}

// finish recovers from a handler's panic and writes the access log line.
// It must be deferred: recover works only there.
func (d *frontDoor) finish(rec *recorder, r *http.Request) {
	abort := false
	if p := recover(); p != nil {
		abort = d.recovered(p, rec, r)
	}
	if d.log != nil {
		d.writeLine(rec, r)
	}
	if abort {
		panic(http.ErrAbortHandler) // net/http drops the connection quietly
	}
}

// recovered handles the panic value p of a handler. It answers 500 when
// nothing was sent yet; otherwise, or when the handler itself asked for
// it with http.ErrAbortHandler, it reports that the connection must be cut:
// only that tells the client its answer is incomplete.
func (d *frontDoor) recovered(p any, rec *recorder, r *http.Request) (abort bool) {
	if p == http.ErrAbortHandler {
		return true
	}
	d.printf(d.errs, "simplehttp: panic serving %s: %s\n", termsafe.String(r.Method+" "+r.RequestURI), termsafe.String(fmt.Sprint(p)))
	if rec.started() {
		return true
	}
	clear(rec.Header()) // the handler's validators and length are void now
	http.Error(rec, "500 Internal Server Error", http.StatusInternalServerError)
	return false
}

// writeLine writes the access log line of a request, as Python's
// http.server writes it: host - - [date] "request line" status size. It
// is built in a pooled buffer, with nothing to format at run time.
func (d *frontDoor) writeLine(rec *recorder, r *http.Request) {
	buf := lineBufs.Get().(*[]byte)
	line := d.appendLine((*buf)[:0], rec, r)
	d.mu.Lock()
	d.log.Write(line) //nolint:errcheck // nowhere to report a failed log write
	d.mu.Unlock()
	if cap(line) <= maxPooledLine {
		*buf = line
		lineBufs.Put(buf)
	}
}

// lineBufs recycles the buffers of access log lines; one longer than
// maxPooledLine (a target of kilobytes) is left to the collector.
var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

const maxPooledLine = 1 << 10

// appendLine appends the access log line of a request to dst.
func (d *frontDoor) appendLine(dst []byte, rec *recorder, r *http.Request) []byte {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	dst = termsafe.AppendString(dst, host)
	dst = append(dst, " - - ["...)
	dst = d.now().AppendFormat(dst, "02/Jan/2006 15:04:05")
	dst = append(dst, "] \""...)
	// Escaped part by part as it would be whole: a space sits between
	// them, so no rune is split.
	dst = termsafe.AppendString(dst, r.Method)
	dst = append(dst, ' ')
	dst = termsafe.AppendString(dst, r.RequestURI)
	dst = append(dst, ' ')
	dst = termsafe.AppendString(dst, r.Proto)
	dst = append(dst, "\" "...)
	dst = append(strconv.AppendInt(dst, int64(rec.code()), 10), ' ')
	if rec.bytes > 0 {
		dst = strconv.AppendInt(dst, rec.bytes, 10)
	} else {
		dst = append(dst, '-')
	}
	return append(dst, '\n')
}

// printf writes one line at a time, so concurrent requests never
// interleave.
func (d *frontDoor) printf(w io.Writer, format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(w, format, args...)
}

// recorder remembers the status and the body size of an answer. It keeps
// Unwrap, for http.ResponseController, and ReadFrom, so that io.Copy in
// http.ServeContent still reaches the connection's sendfile.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

var (
	_ io.ReaderFrom = (*recorder)(nil)
	_ http.Flusher  = (*recorder)(nil)
)

// WriteHeader records the final status and sends it.
func (r *recorder) WriteHeader(code int) {
	if r.status < 200 { // 1xx answers come before the final one
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write counts and sends a part of the body.
func (r *recorder) Write(p []byte) (int, error) {
	r.wrote()
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// ReadFrom hands src to the inner writer's ReadFrom when it has one.
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	r.wrote()
	var n int64
	var err error
	if rf, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		// Only Write: io.Copy must not loop back into this ReadFrom.
		n, err = io.Copy(struct{ io.Writer }{r.ResponseWriter}, src)
	}
	r.bytes += n
	return n, err
}

// Flush sends what is buffered, for handlers that assert http.Flusher.
func (r *recorder) Flush() {
	r.wrote()
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the inner writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wrote notes that the answer has begun: 200 unless a status was set.
func (r *recorder) wrote() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
}

// started reports whether the final status line may be on its way.
func (r *recorder) started() bool { return r.status >= 200 || r.bytes > 0 }

// code is the status the client got.
func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK // net/http sends 200 for a handler that wrote nothing
	}
	return r.status
}
