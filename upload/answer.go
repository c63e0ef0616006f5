package upload

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/page"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// entry is a file or folder an upload made, as the answer reports it.
type entry struct {
	// Name is the name in its folder.
	Name string `json:"name"`
	// URL is the link to it relative to its folder's listing,
	// percent-encoded, with a "/" after a folder (as in a JSON listing).
	URL string `json:"url"`
	// Kind is "file" or "dir".
	Kind string `json:"kind"`
	// Size is a file's size in bytes.
	Size int64 `json:"size"`
	// Replaced reports whether a file of that name was replaced.
	Replaced bool `json:"replaced,omitempty"`
}

// fileEntry is the entry of the file name that store made.
func fileEntry(name string, res stored) entry {
	return entry{Name: name, URL: "./" + url.PathEscape(name), Kind: "file", Size: res.size, Replaced: res.replaced}
}

// report is the JSON answer to an upload.
type report struct {
	Status int     `json:"status"`
	Error  string  `json:"error,omitempty"`
	Done   []entry `json:"done"`
}

// answer reports what an upload made: 201 Created with its Location (200
// when every file replaced one), or for a browser's form a 303 back to
// the listing, which then shows it.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, done []entry) {
	code := http.StatusOK
	for _, e := range done {
		if !e.Replaced {
			code = http.StatusCreated
		}
	}
	if len(done) == 1 {
		w.Header().Set("Location", folderRef(r)+done[0].URL[len("./"):])
	}
	switch answer.StyleOf(r) {
	case answer.Browser:
		w.Header().Set("Location", folderRef(r))
		page.Error(w, r, http.StatusSeeOther) // a short page naming the status
	case answer.JSON:
		answer.WriteJSON(w, code, report{Status: code, Done: done})
	default:
		answer.WriteText(w, code, doneLines(r, done))
	}
}

// answerError answers with err's status and explanation.
func (h *Handler) answerError(w http.ResponseWriter, r *http.Request, err error) {
	h.answerPartial(w, r, nil, err)
}

// answerPartial answers with err's status and explanation, after listing
// the entries the request made before it failed.
func (h *Handler) answerPartial(w http.ResponseWriter, r *http.Request, done []entry, err error) {
	if errMaxBytes(err) {
		err = h.tooLarge()
	}
	code := answer.StatusOf(err)
	msg := messageOf(err)
	if code >= 500 {
		h.log.Error("upload: request failed", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	switch answer.StyleOf(r) {
	case answer.Browser:
		page.Error(w, r, code)
	case answer.JSON:
		answer.WriteJSON(w, code, report{Status: code, Error: msg, Done: done})
	default:
		answer.WriteText(w, code, doneLines(r, done)+fmt.Sprintf("%d %s: %s\n", code, http.StatusText(code), msg))
	}
}

// folderRef is the folder the request wrote into, as a reference relative
// to the request's URL: "./" for a PUT of /a/b.txt or a POST to /a/, and
// "./a/" for a POST to /a.
func folderRef(r *http.Request) string {
	p := r.URL.EscapedPath()
	if r.Method == http.MethodPut || strings.HasSuffix(p, "/") || p == "" {
		return "./"
	}
	return "./" + p[strings.LastIndexByte(p, '/')+1:] + "/"
}

// folderPath is the URL path of the folder the request wrote into, as the
// client sent it (before any http.StripPrefix), unescaped, for messages.
func folderPath(r *http.Request) string {
	p := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		p = u.Path
	}
	if r.Method == http.MethodPut {
		p = path.Dir(p)
	}
	return strings.TrimSuffix(p, "/") + "/"
}

// doneLines are the text answer's lines for the entries made.
func doneLines(r *http.Request, done []entry) string {
	var b strings.Builder
	dir := strings.TrimSuffix(folderPath(r), "/") + "/"
	for _, e := range done {
		verb := "created"
		if e.Replaced {
			verb = "replaced"
		}
		switch e.Kind {
		case "dir":
			fmt.Fprintf(&b, "%s folder %s%s/\n", verb, dir, e.Name)
		default:
			fmt.Fprintf(&b, "%s %s%s (%s)\n", verb, dir, e.Name, byteCount(e.Size))
		}
	}
	return b.String()
}

// byteCount is "1 byte" or "n bytes".
func byteCount(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// messageOf is the explanation of err the client gets. It is a refusal's
// own message, else a plain one for the status: never the error's text,
// which may hold a file-system path.
func messageOf(err error) string {
	var ref *answer.Refusal
	if errors.As(err, &ref) {
		return ref.Msg
	}
	switch {
	case errors.Is(err, parts.ErrNotFound):
		return "no such upload (it finished, was given up, or expired)"
	case errors.Is(err, parts.ErrExpired):
		return "the upload expired: it received nothing for too long"
	case errors.Is(err, parts.ErrFull):
		return "no room for this upload: the server keeps space for the unfinished ones"
	case errors.Is(err, parts.ErrChecksum):
		return "the chunk's SHA-256 is not the Upload-Checksum sent; it was not kept"
	case errors.Is(err, parts.ErrOffset):
		return "the Upload-Offset is not the upload's"
	case errors.Is(err, parts.ErrTooLong):
		return "more bytes than the upload's length"
	}
	switch code := statusOf(err); code {
	case http.StatusInsufficientStorage:
		return "the disk is full; the upload was not stored"
	case http.StatusConflict:
		return "the name exists, and this server does not replace files"
	case http.StatusNotFound:
		return "no such folder"
	case http.StatusForbidden:
		return "the server may not write there"
	case http.StatusBadRequest:
		return "the upload was cut off before its end"
	default:
		return "the upload was not stored"
	}
}
