// Package answer writes the short answers of the handlers that change
// files (package upload's uploads, package dav's WebDAV methods and
// forms), so that a terminal, a script and a browser get alike answers
// from each: a line of text, a JSON report, or a page.
package answer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/simplehttp/simplehttp/internal/page"
)

// Refusal is an answer other than success, with a message for the
// client. The message never holds a file-system path or an error's text:
// only names the client sent and what the server decided.
type Refusal struct {
	Code int
	Msg  string
	// Condition, when set, is the WebDAV precondition the request failed
	// (RFC 4918 §16, "propfind-finite-depth"), for the body of the answer.
	Condition string
	// Member, when set, is the URL path of the entry inside the tree the
	// request changes that failed (RFC 4918 §9.6.1).
	Member string
}

// Error returns the message for the client.
func (e *Refusal) Error() string { return e.Msg }

// Refuse returns the Refusal code with a message made as fmt.Sprintf does.
func Refuse(code int, format string, args ...any) error {
	return &Refusal{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// StatusOf maps err to the status of the answer: a Refusal's own; then
// the errors of writing (a body over a limit, a full disk, a name that
// exists, a move to another file system, a read-only one, a body cut
// off); then the file server's mapping of the rest, so that a name that
// does not exist or leads out of the root is a 404, as it is to a GET.
func StatusOf(err error) int {
	var ref *Refusal
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ref):
		return ref.Code
	case errors.As(err, &tooBig), errors.Is(err, syscall.EFBIG):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return http.StatusInsufficientStorage
	case errors.Is(err, fs.ErrExist), errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.ENOTEMPTY):
		return http.StatusConflict
	case errors.Is(err, syscall.EXDEV):
		return http.StatusBadGateway
	case errors.Is(err, syscall.EROFS):
		return http.StatusForbidden
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest
	}
	return page.Status(err)
}

// Style is the kind of answer a client gets.
type Style int

const (
	Text    Style = iota // curl, wget, WebDAV clients: a status and a few lines of text
	JSON                 // scripts, and the listing's scripts
	Browser              // a browser's own form post: a redirect, or an error page
)

// StyleOf tells from the Accept header which answer the client wants.
func StyleOf(r *http.Request) Style {
	accept := strings.Join(r.Header.Values("Accept"), ",")
	switch {
	case strings.Contains(accept, "application/json"):
		return JSON
	case strings.Contains(accept, "text/html"):
		return Browser
	}
	return Text
}

// WriteJSON sends v as a JSON answer with status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"status":500}`) // the handlers' reports always marshal
	}
	WriteBody(w, code, "application/json", append(b, '\n'))
}

// WriteText sends text as a plain-text answer with status code.
func WriteText(w http.ResponseWriter, code int, text string) {
	WriteBody(w, code, "text/plain; charset=utf-8", []byte(text))
}

// WriteBody sends body with its type and length, and the headers that
// keep a browser from reading it as anything else.
func WriteBody(w http.ResponseWriter, code int, contentType string, body []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(code)
	w.Write(body) //nolint:errcheck // a failed write means the client left
}
