package fileserve

import (
	"io"
	"net/http"
	"strconv"

	"github.com/simplehttp/simplehttp/internal/page"
)

// contentWriter is the ResponseWriter that http.ServeContent writes to.
// It turns ServeContent's own error answers (412 and 416, in plain text)
// into simplehttp's error page, and it counts the body bytes sent, so a
// file that shrank while it was being sent is noticed. It keeps ReadFrom,
// so the copy still reaches sendfile, and Unwrap, for
// http.ResponseController.
type contentWriter struct {
	http.ResponseWriter
	r       *http.Request
	code    int   // the status written; 0 before WriteHeader
	written int64 // body bytes passed on
}

// WriteHeader passes code on, or answers with the error page instead when
// code is an error.
func (cw *contentWriter) WriteHeader(code int) {
	if cw.code != 0 {
		return
	}
	cw.code = code
	if code >= http.StatusBadRequest {
		page.Error(cw.ResponseWriter, cw.r, code)
		return
	}
	cw.ResponseWriter.WriteHeader(code)
}

// Write passes p on, or drops it when an error page was sent instead.
func (cw *contentWriter) Write(p []byte) (int, error) {
	if cw.code == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.code >= http.StatusBadRequest {
		return len(p), nil
	}
	n, err := cw.ResponseWriter.Write(p)
	cw.written += int64(n)
	return n, err
}

// ReadFrom copies src to the underlying writer, whose own ReadFrom sends
// an *os.File (or an io.LimitedReader of one) with sendfile.
func (cw *contentWriter) ReadFrom(src io.Reader) (int64, error) {
	if cw.code == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.code >= http.StatusBadRequest {
		return io.Copy(io.Discard, src)
	}
	n, err := io.Copy(cw.ResponseWriter, src)
	cw.written += n
	return n, err
}

// Unwrap returns the underlying ResponseWriter.
func (cw *contentWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// shortBy is how many bytes of the body the answer promised in its
// Content-Length and did not send: a file that shrank while it was being
// read. net/http then closes the connection, so the client sees a short
// body, never a complete-looking wrong one.
func (cw *contentWriter) shortBy() int64 {
	if cw.r.Method == http.MethodHead || (cw.code != http.StatusOK && cw.code != http.StatusPartialContent) {
		return 0
	}
	want, err := strconv.ParseInt(cw.Header().Get("Content-Length"), 10, 64)
	if err != nil {
		return 0
	}
	return max(want-cw.written, 0)
}
