package upload

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	tus "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// Resumable uploads speak tus 1.0 (core, creation, creation-with-upload,
// termination, expiration, checksum with sha256) and the IETF draft
// "Resumable Uploads for HTTP" (interop versions 3 to 6), through tusd's
// protocol handler over a data store of our own (tusstore.go). The
// endpoint is the folder the file goes to:
//
//	POST /photos/            Tus-Resumable: 1.0.0, Upload-Length, Upload-Metadata: filename <base64>
//	201 Created              Location: ./<name>?upload=<id>
//	PATCH /photos/<name>?upload=<id>   Upload-Offset, a chunk of the bytes
//	HEAD  /photos/<name>?upload=<id>   the offset to resume from
//	DELETE /photos/<name>?upload=<id>  the upload is given up
//
// or, in the draft, POST /photos/ (Content-Disposition names the file) or
// PUT /photos/<name>, with Upload-Draft-Interop-Version. The Location is
// relative, so it stays right behind a reverse proxy that moves the
// server to another host or path.

// tusVersion is the tus protocol version spoken.
const tusVersion = "1.0.0"

// tusExtensions are the tus extensions supported.
const tusExtensions = "creation,creation-with-upload,termination,expiration,checksum"

// networkTimeout bounds each read of a chunk's body, as the command
// bounds every upload's (tusd pushes the read deadline after each read).
const networkTimeout = 30 * time.Second

// uploadParam is the query parameter that names an upload in its URL.
const uploadParam = "upload"

// exchange is what one resumable request carries between its steps: the
// target its URL names, the checksum of its chunk, and what the answer
// must say that tusd does not (Location, Upload-Expires).
type exchange struct {
	dir, name string             // the folder and the file, under the root
	ref       string             // the folder, relative to the request URL
	sum       *[sha256.Size]byte // the chunk's announced SHA-256, or nil
	location  string             // of a new upload, relative
	expires   time.Time          // of an unfinished upload
}

type exchangeKey struct{}

// exchangeOf returns the exchange of the request ctx belongs to.
func exchangeOf(ctx context.Context) *exchange {
	if ex, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return ex
	}
	return &exchange{}
}

// newTus makes the tus protocol handler of h, over store.
func (h *Handler) newTus(store *parts.Store) error {
	composer := tus.NewStoreComposer()
	ds := tusStore{h: h, parts: store}
	composer.UseCore(ds)
	composer.UseTerminater(ds)
	memorylocker.New().UseIn(composer)
	th, err := tus.NewUnroutedHandler(tus.Config{
		StoreComposer:              composer,
		BasePath:                   "/",
		EnableExperimentalProtocol: true,
		DisableDownload:            true,
		DisableConcatenation:       true,
		Cors:                       &tus.CorsConfig{Disable: true},
		Logger:                     newTusLogger(h.log),
		PreUploadCreateCallback:    h.admit,
		NetworkTimeout:             networkTimeout,
	})
	if err != nil {
		return err
	}
	h.parts = store
	h.tus = th.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		routeTus(th, w, r)
	}))
	return nil
}

// routeTus sends a request, its URL path now "/" or "/<id>", to the
// handler of its method.
func routeTus(th *tus.UnroutedHandler, w http.ResponseWriter, r *http.Request) {
	resource := r.URL.Path != "/"
	switch {
	case !resource && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		th.PostFile(w, r)
	case resource && r.Method == http.MethodHead:
		th.HeadFile(w, r)
	case resource && r.Method == http.MethodPatch:
		th.PatchFile(w, r)
	case resource && r.Method == http.MethodDelete:
		th.DelFile(w, r)
	default:
		w.Header().Set("Allow", AllowedMethods)
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// Resumable reports whether r is a request of the resumable protocols,
// which ServeHTTP hands to tus: a handler in front (WebDAV's, which takes
// PATCH, PUT and DELETE) passes such requests on to the Handler.
func (h *Handler) Resumable(r *http.Request) bool { return h.isResumable(r) }

// isResumable reports whether r is a request of the resumable protocols:
// it carries Tus-Resumable or Upload-Draft-Interop-Version, and it is a
// creation (POST to a folder, or the draft's PUT of a file) or a request
// about one upload (HEAD, PATCH, DELETE, or POST with
// X-HTTP-Method-Override) whose URL names it with ?upload=.
func (h *Handler) isResumable(r *http.Request) bool {
	if h.tus == nil {
		return false
	}
	tusV1 := r.Header.Get("Tus-Resumable") != ""
	draft := r.Header.Get("Upload-Draft-Interop-Version") != ""
	if !tusV1 && !draft {
		return false
	}
	switch r.Method {
	case http.MethodPost:
		return true
	case http.MethodPut:
		return draft && !r.URL.Query().Has(uploadParam)
	case http.MethodHead, http.MethodPatch, http.MethodDelete:
		return r.URL.Query().Has(uploadParam)
	}
	return false
}

// serveResumable checks a resumable request as every upload is checked
// (cross-origin writes, names, the folder), notes its target and
// checksum, and hands it to tusd with the upload's ID as its path.
func (h *Handler) serveResumable(w http.ResponseWriter, r *http.Request) {
	h.running.Add(1)
	defer h.running.Done()
	if err := h.csrf.Check(r); err != nil {
		h.answerTus(w, r, answer.Refuse(http.StatusForbidden, "refused a cross-origin request"))
		return
	}
	ex, id, err := h.exchangeFor(r)
	if err != nil {
		h.answerTus(w, r, err)
		return
	}
	u := *r.URL
	u.Path, u.RawPath = "/"+id, ""
	r2 := r.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex))
	r2.URL = &u
	h.tus.ServeHTTP(&tusWriter{ResponseWriter: w, ex: ex}, r2)
}

// exchangeFor reads the target and checksum of r, and the ID of the
// upload its URL names ("" for a creation).
func (h *Handler) exchangeFor(r *http.Request) (*exchange, string, error) {
	dir, last, err := splitTarget(r.URL.EscapedPath())
	if err != nil {
		return nil, "", err
	}
	id := r.URL.Query().Get(uploadParam)
	ex := &exchange{dir: dir, name: last, ref: folderRef(r)}
	if id == "" && r.Method == http.MethodPost && last != "" {
		// A POST to /a/b creates in the folder /a/b/, as a form does.
		ex.dir, ex.name = joinName(dir, last), ""
	}
	if v := r.Header.Get("Upload-Checksum"); v != "" {
		sum, err := parseChecksum(v)
		if err != nil {
			return nil, "", err
		}
		ex.sum = sum
	}
	return ex, id, nil
}

// parseChecksum reads a tus Upload-Checksum header, "sha256 <base64 of the
// digest>". Another algorithm, or a malformed digest, is refused with 400.
func parseChecksum(v string) (*[sha256.Size]byte, error) {
	alg, encoded, ok := strings.Cut(v, " ")
	if !ok || alg != "sha256" {
		return nil, badRequest("an Upload-Checksum that is not \"sha256 <base64>\" (the one algorithm this server supports)")
	}
	b, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(b) != sha256.Size || base64.StdEncoding.EncodeToString(b) != encoded {
		return nil, badRequest("an Upload-Checksum whose SHA-256 is not 32 bytes in base64")
	}
	return (*[sha256.Size]byte)(b), nil
}

// admit is tusd's check of a new upload, before it is created: every
// rule of uploads applies (the size limit, the name, hidden names, the
// folder, an existing name), so a refused upload is refused before a byte
// of it is sent. It names the file (from the URL of a draft's PUT, else
// from Upload-Metadata's filename or the draft's Content-Disposition) and
// passes the target to the data store.
func (h *Handler) admit(ev tus.HookEvent) (tus.HTTPResponse, tus.FileInfoChanges, error) {
	ex := exchangeOf(ev.Context)
	name := ex.name
	meta := ev.Upload.MetaData
	if _, ok := meta["filename"]; !ok {
		// tusd reads no Upload-Metadata in the draft's creation; clients
		// such as tus-js-client send it all the same.
		meta = tus.ParseMetadataHeader(ev.HTTPRequest.Header.Get("Upload-Metadata"))
	}
	if name == "" {
		name = meta["filename"]
	}
	if name == "" {
		name = meta["name"] // Uppy sends both; older clients this one
	}
	err := h.admitTarget(ex.dir, name, ev.Upload.Size)
	if err != nil {
		return tus.HTTPResponse{}, tus.FileInfoChanges{}, h.tusError(err)
	}
	ex.name = name
	kept := tus.MetaData{"filename": name}
	if t := meta["filetype"]; t != "" && len(t) <= 255 {
		kept["filetype"] = t
	}
	return tus.HTTPResponse{}, tus.FileInfoChanges{MetaData: kept, Storage: map[string]string{"dir": ex.dir, "name": name}}, nil
}

// admitTarget checks a new upload of size bytes as name in dir.
func (h *Handler) admitTarget(dir, name string, size int64) error {
	switch {
	case name == "":
		return badRequest("an upload without a file name (send Upload-Metadata: filename <base64 of the name>)")
	case h.maxSize > 0 && size > h.maxSize:
		return h.tooLarge()
	}
	if err := h.checkFolder(dir); err != nil {
		return err
	}
	return h.checkNew(dir, name)
}

// tusWriter adds to tusd's answer what tusd does not know: the relative
// Location of a new upload and when an unfinished one expires.
type tusWriter struct {
	http.ResponseWriter
	ex *exchange
}

// WriteHeader sets the headers of the exchange, then sends the status.
func (w *tusWriter) WriteHeader(code int) {
	hdr := w.Header()
	if w.ex.location != "" {
		hdr.Set("Location", w.ex.location)
	}
	if !w.ex.expires.IsZero() {
		hdr.Set("Upload-Expires", w.ex.expires.UTC().Format(http.TimeFormat))
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController, which tusd uses for deadlines,
// the inner writer.
func (w *tusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// locationOf is the URL of upload id, relative to the creation request.
func (ex *exchange) locationOf(name, id string) string {
	return ex.ref + url.PathEscape(name) + "?" + uploadParam + "=" + id
}

// answerTus answers a resumable request that never reached tusd.
func (h *Handler) answerTus(w http.ResponseWriter, r *http.Request, err error) {
	w.Header().Set("Tus-Resumable", tusVersion)
	resp := h.tusError(err).HTTPResponse
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	if r.Method == http.MethodHead {
		resp.Body = ""
	}
	answer.WriteBody(w, resp.StatusCode, resp.Header["Content-Type"], []byte(resp.Body))
}

// tusError is err as tusd's error type, with err's status and the
// explanation the client gets from every upload ("409 Conflict: ..."):
// never an error's text, which may hold a file-system path.
func (h *Handler) tusError(err error) tus.Error {
	code := statusOf(err)
	msg := messageOf(err)
	if code >= 500 && code != http.StatusInsufficientStorage {
		h.log.Error("upload: resumable request failed", "status", code, "err", err)
	}
	text := http.StatusText(code)
	if code == statusChecksumMismatch {
		text = "Checksum Mismatch"
	}
	return tus.Error{
		ErrorCode: "ERR_SIMPLEHTTP",
		Message:   msg,
		HTTPResponse: tus.HTTPResponse{
			StatusCode: code,
			Body:       fmt.Sprintf("%d %s: %s\n", code, text, msg),
			Header: tus.HTTPHeader{
				"Content-Type":            "text/plain; charset=utf-8",
				"Content-Security-Policy": "default-src 'none'",
			},
		},
	}
}

// statusChecksumMismatch is tus's status for a chunk whose checksum does
// not match.
const statusChecksumMismatch = 460

// SetResumableOptions adds tus's discovery headers, when resumable
// uploads are on, to the answer to an OPTIONS request that a handler in
// front answers.
func (h *Handler) SetResumableOptions(hdr http.Header) {
	if h.tus != nil {
		h.setTusOptions(hdr)
	}
}

// setTusOptions adds tus's discovery headers to an OPTIONS answer.
func (h *Handler) setTusOptions(hdr http.Header) {
	hdr.Set("Tus-Resumable", tusVersion)
	hdr.Set("Tus-Version", tusVersion)
	hdr.Set("Tus-Extension", tusExtensions)
	hdr.Set("Tus-Checksum-Algorithm", "sha256")
	if h.maxSize > 0 {
		hdr.Set("Tus-Max-Size", strconv.FormatInt(h.maxSize, 10))
	}
}
