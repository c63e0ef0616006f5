package dav

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/simplehttp/simplehttp/fileserve"
)

// refusal is an answer other than success, with a message for the
// client. The message never holds a file-system path or an error's text:
// only names the client sent and what the server decided.
type refusal struct {
	code int
	msg  string
	// condition, when set, is the RFC 4918 precondition the request
	// failed, for the body of a WebDAV client's answer
	// ("propfind-finite-depth").
	condition string
}

func (e *refusal) Error() string { return e.msg }

// refuse returns the refusal code with a message made as fmt.Sprintf does.
func refuse(code int, format string, args ...any) error {
	return &refusal{code: code, msg: fmt.Sprintf(format, args...)}
}

// statusOf maps err to the status of the answer: a refusal's own, then
// the errors of writing, then the file server's mapping of the rest (a
// name that does not exist or leads out of the root is a 404).
func statusOf(err error) int {
	var ref *refusal
	switch {
	case errors.As(err, &ref):
		return ref.code
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return http.StatusInsufficientStorage
	case errors.Is(err, fs.ErrExist), errors.Is(err, syscall.ENOTEMPTY), errors.Is(err, syscall.EISDIR):
		return http.StatusConflict
	case errors.Is(err, syscall.EXDEV):
		return http.StatusBadGateway
	case errors.Is(err, syscall.EROFS):
		return http.StatusForbidden
	}
	return fileserve.Status(err)
}

// messageOf is the explanation of err the client gets: a refusal's own,
// else a plain one for its status, never the error's text.
func messageOf(err error) string {
	var ref *refusal
	if errors.As(err, &ref) {
		return ref.msg
	}
	switch statusOf(err) {
	case http.StatusInsufficientStorage:
		return "the disk is full"
	case http.StatusConflict:
		return "the name is taken"
	case http.StatusNotFound:
		return "no such file or folder"
	case http.StatusForbidden:
		return "the server may not change that"
	case http.StatusBadGateway:
		return "refused to move across file systems"
	}
	return "the change was not made"
}

// style is the kind of answer a client gets.
type style int

const (
	styleText    style = iota // WebDAV clients, curl: a status, a line of text on failure
	styleJSON                 // scripts, and the listing's script
	styleBrowser              // a browser's own form post: a redirect, or an error page
)

// styleOf tells from the Accept header which answer the client wants.
func styleOf(r *http.Request) style {
	accept := strings.Join(r.Header.Values("Accept"), ",")
	switch {
	case strings.Contains(accept, "application/json"):
		return styleJSON
	case strings.Contains(accept, "text/html"):
		return styleBrowser
	}
	return styleText
}

// report is the JSON answer to a change.
type report struct {
	Status int    `json:"status"`
	Error  string `json:"error,omitempty"`
	// Done lists what changed, as paths from the top of the served
	// folder: "deleted /a.txt", "moved /a.txt to /b/a.txt".
	Done []string `json:"done"`
}

// fail answers with err's status and explanation; a 5xx's cause is
// logged.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.failAfter(w, r, nil, err)
}

// failAfter answers with err's status and explanation, after saying what
// the request changed before it failed.
func (h *Handler) failAfter(w http.ResponseWriter, r *http.Request, done []string, err error) {
	code := statusOf(err)
	msg := messageOf(err)
	if code >= 500 && code != http.StatusInsufficientStorage && code != http.StatusBadGateway {
		h.log.Error("dav: request failed", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	var ref *refusal
	switch {
	case styleOf(r) == styleJSON:
		writeJSON(w, code, report{Status: code, Error: msg, Done: done})
	case styleOf(r) == styleBrowser && len(done) == 0:
		fileserve.Error(w, r, code)
	case errors.As(err, &ref) && ref.condition != "":
		writeXMLError(w, code, ref.condition)
	default:
		writeText(w, code, doneLines(done)+fmt.Sprintf("%d %s: %s\n", code, http.StatusText(code), msg))
	}
}

// succeed answers a change that was made: code (201 or 204) to WebDAV
// clients, a JSON report to scripts, a redirect back to the listing to a
// browser's form.
func succeed(w http.ResponseWriter, r *http.Request, code int, back string, done []string) {
	switch styleOf(r) {
	case styleJSON:
		writeJSON(w, code, report{Status: code, Done: done})
	case styleBrowser:
		w.Header().Set("Location", back)
		fileserve.Error(w, r, http.StatusSeeOther) // a short page naming the status
	default:
		if code == http.StatusNoContent {
			w.WriteHeader(code)
			return
		}
		writeText(w, code, doneLines(done))
	}
}

// doneLines are the text answer's lines for what was done.
func doneLines(done []string) string {
	if len(done) == 0 {
		return ""
	}
	return strings.Join(done, "\n") + "\n"
}

// writeXMLError sends a WebDAV error body naming the precondition that
// failed (RFC 4918 §16).
func writeXMLError(w http.ResponseWriter, code int, condition string) {
	body := `<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<D:error xmlns:D="DAV:"><D:` + condition + `/></D:error>` + "\n"
	writeBody(w, code, "application/xml; charset=utf-8", []byte(body))
}

// writeJSON sends v as a JSON answer with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"status":500}`) // a report always marshals
	}
	writeBody(w, code, "application/json", append(b, '\n'))
}

// writeText sends text as a plain-text answer with status code.
func writeText(w http.ResponseWriter, code int, text string) {
	writeBody(w, code, "text/plain; charset=utf-8", []byte(text))
}

// writeBody sends body with its type and length, and the headers that
// keep a browser from reading it as anything else.
func writeBody(w http.ResponseWriter, code int, contentType string, body []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(code)
	w.Write(body) //nolint:errcheck // a failed write means the client left
}
