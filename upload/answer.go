package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/simplehttp/simplehttp/internal/page"
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

// style is the kind of answer a client gets.
type style int

const (
	styleText    style = iota // curl, wget and the like: a few lines of text
	styleJSON                 // scripts, and the listing's upload script
	styleBrowser              // a browser's own form post: a redirect
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
	switch styleOf(r) {
	case styleBrowser:
		w.Header().Set("Location", folderRef(r))
		page.Error(w, r, http.StatusSeeOther) // a short page naming the status
	case styleJSON:
		writeJSON(w, code, report{Status: code, Done: done})
	default:
		writeText(w, code, doneLines(r, done))
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
	code := statusOf(err)
	msg := messageOf(err)
	if code >= 500 {
		h.log.Error("upload: request failed", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	switch styleOf(r) {
	case styleBrowser:
		page.Error(w, r, code)
	case styleJSON:
		writeJSON(w, code, report{Status: code, Error: msg, Done: done})
	default:
		writeText(w, code, doneLines(r, done)+fmt.Sprintf("%d %s: %s\n", code, http.StatusText(code), msg))
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
	var ref *refusal
	if errors.As(err, &ref) {
		return ref.msg
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
