package dav

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/page"
)

// messageOf is the explanation of err the client gets: a refusal's own,
// else a plain one for its status, never the error's text.
func messageOf(err error) string {
	var ref *answer.Refusal
	if errors.As(err, &ref) {
		return ref.Msg
	}
	switch answer.StatusOf(err) {
	case http.StatusInsufficientStorage:
		return "the disk is full"
	case http.StatusConflict:
		return "the name is taken"
	case http.StatusNotFound:
		return "no such file or folder"
	case http.StatusForbidden:
		return "the server may not read or change that"
	case http.StatusBadGateway:
		return "refused to move across file systems"
	}
	return "the change was not made"
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
	code := answer.StatusOf(err)
	msg := messageOf(err)
	if code >= 500 && code != http.StatusInsufficientStorage && code != http.StatusBadGateway {
		h.log.Error("dav: request failed", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	var ref *answer.Refusal
	switch {
	case answer.StyleOf(r) == answer.JSON:
		answer.WriteJSON(w, code, report{Status: code, Error: msg, Done: done})
	case answer.StyleOf(r) == answer.Browser && len(done) == 0:
		page.Error(w, r, code)
	case errors.As(err, &ref) && ref.Condition != "":
		writeXMLError(w, code, ref.Condition)
	default:
		answer.WriteText(w, code, doneLines(done)+fmt.Sprintf("%d %s: %s\n", code, http.StatusText(code), msg))
	}
}

// succeed answers a change that was made: code (201 or 204) to WebDAV
// clients, a JSON report to scripts, a redirect back to the listing to a
// browser's form.
func succeed(w http.ResponseWriter, r *http.Request, code int, back string, done []string) {
	switch answer.StyleOf(r) {
	case answer.JSON:
		answer.WriteJSON(w, code, report{Status: code, Done: done})
	case answer.Browser:
		w.Header().Set("Location", back)
		page.Error(w, r, http.StatusSeeOther) // a short page naming the status
	default:
		if code == http.StatusNoContent {
			w.WriteHeader(code)
			return
		}
		answer.WriteText(w, code, doneLines(done))
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
	answer.WriteBody(w, code, "application/xml; charset=utf-8", []byte(body))
}

// writeMemberFailure answers a request about a tree with a 207
// Multi-Status naming the entry inside it that failed, its status and
// the explanation (RFC 4918 §9.6.1).
func writeMemberFailure(w http.ResponseWriter, ref *answer.Refusal) {
	m := multistatus{w: w}
	m.status((&url.URL{Path: ref.Member}).EscapedPath(), ref.Code, ref.Msg)
	m.close() //nolint:errcheck // a failed write means the client left
}
