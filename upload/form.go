package upload

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/simplehttp/simplehttp/internal/answer"
)

// Form fields. A part with a filename is a file, whatever its field's
// name (curl -F file=@x, a browser's <input type=file>); the field
// mkdirField names a folder to create.
const mkdirField = "mkdir"

// maxFieldBytes bounds a form field that is not a file: a folder name, or
// a field the handler ignores.
const maxFieldBytes = 4 << 10

// maxURLEncodedBytes bounds an application/x-www-form-urlencoded body,
// which may only ask for a new folder.
const maxURLEncodedBytes = 16 << 10

// post handles a form posted to a folder's URL: multipart/form-data with
// files and new folder names ("curl -F file=@notes.txt http://host/docs/",
// the listing's upload form), or an urlencoded new folder name ("curl -d
// mkdir=photos http://host/docs/"). Parts are handled in order as they
// stream in; the first that fails ends the request, and the ones before it
// stay stored.
func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	dir, err := h.checkPost(r)
	if err != nil {
		h.answerError(w, r, err)
		return
	}
	var done []entry
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		done, err = h.postMultipart(w, r, dir, params["boundary"])
	case "application/x-www-form-urlencoded":
		done, err = h.postURLEncoded(w, r, dir)
	default:
		err = answer.Refuse(http.StatusUnsupportedMediaType, "refused a POST that is not a form (multipart/form-data, or urlencoded for a new folder)")
	}
	if err == nil && len(done) == 0 {
		err = badRequest("a form with no file and no folder name in it")
	}
	if err != nil {
		h.answerPartial(w, r, done, err)
		return
	}
	h.answer(w, r, done)
}

// checkPost checks a POST request and returns the folder its URL names.
func (h *Handler) checkPost(r *http.Request) (string, error) {
	dir, last, err := splitTarget(r.URL.EscapedPath())
	if err != nil {
		return "", err
	}
	if last != "" {
		dir = joinName(dir, last)
	}
	if h.maxSize > 0 && r.ContentLength > h.maxSize {
		return "", h.tooLarge()
	}
	return dir, h.checkFolder(dir)
}

// postMultipart stores the files and makes the folders of a
// multipart/form-data body, streaming each file to disk as it comes:
// nothing but a part's headers is ever held in memory.
func (h *Handler) postMultipart(w http.ResponseWriter, r *http.Request, dir, boundary string) ([]entry, error) {
	if boundary == "" {
		return nil, badRequest("a multipart form without a boundary")
	}
	body := r.Body
	if h.maxSize > 0 {
		body = http.MaxBytesReader(w, body, h.maxSize)
	}
	mr := multipart.NewReader(body, boundary)
	var done []entry
	for {
		// NextRawPart, not NextPart: the bytes are stored as sent, with no
		// quoted-printable decoding.
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return done, nil
		}
		if err != nil {
			return done, formError(err)
		}
		e, err := h.handlePart(dir, part)
		part.Close()
		if err != nil {
			return done, err
		}
		if e != nil {
			done = append(done, *e)
		}
	}
}

// formError is the error of a multipart body that could not be read.
func formError(err error) error {
	if errMaxBytes(err) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	return badRequest("a malformed multipart form")
}

// handlePart handles one part of a multipart form: a file, a new folder,
// or a field it ignores. It returns what it made, or nil.
func (h *Handler) handlePart(dir string, part *multipart.Part) (*entry, error) {
	// The filename is read here, not with part.FileName, which keeps only
	// what follows the last slash: "a/b" must be refused, not stored as "b".
	disposition, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil || disposition != "form-data" {
		return nil, badRequest("a form part without a valid Content-Disposition")
	}
	filename, isFile := params["filename"]
	switch {
	case isFile:
		return h.storePart(dir, filename, part)
	case params["name"] == mkdirField:
		name, err := readField(part)
		if err != nil {
			return nil, err
		}
		return h.makeFolder(dir, name)
	}
	_, err = readField(part) // another field: read past it
	return nil, err
}

// storePart stores the file in one part of a form. A file input left
// empty sends a part with an empty filename and no content: it is
// skipped. Content with an empty name is refused.
func (h *Handler) storePart(dir, filename string, part *multipart.Part) (*entry, error) {
	if filename == "" {
		var b [1]byte
		if n, _ := io.ReadFull(part, b[:]); n == 0 {
			return nil, nil
		}
	}
	if err := h.checkNew(dir, filename); err != nil {
		return nil, err
	}
	res, err := h.store(dir, filename, part, -1)
	if err != nil {
		return nil, err
	}
	e := fileEntry(filename, res)
	return &e, nil
}

// makeFolder creates the folder name in dir.
func (h *Handler) makeFolder(dir, name string) (*entry, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if h.hiddenName(dir, name) {
		return nil, answer.Refuse(http.StatusForbidden, "refused the hidden name %q", name)
	}
	err := h.root.Mkdir(joinName(dir, name), 0o755)
	if errors.Is(err, fs.ErrExist) {
		return nil, answer.Refuse(http.StatusConflict, "%q exists", name)
	}
	if err != nil {
		return nil, err
	}
	h.syncDir(dir)
	return &entry{Name: name, URL: "./" + url.PathEscape(name) + "/", Kind: "dir"}, nil
}

// readField reads a form field that is not a file, up to maxFieldBytes.
func readField(part *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	switch {
	case err != nil:
		return "", formError(err)
	case len(b) > maxFieldBytes:
		return "", badRequest("a form field longer than %d bytes", maxFieldBytes)
	}
	return string(b), nil
}

// postURLEncoded makes the folder an urlencoded form names in its mkdir
// field.
func (h *Handler) postURLEncoded(w http.ResponseWriter, r *http.Request, dir string) ([]entry, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxURLEncodedBytes))
	if err != nil {
		return nil, badRequest("an urlencoded form longer than %d bytes", maxURLEncodedBytes)
	}
	form, err := url.ParseQuery(string(b))
	if err != nil || !form.Has(mkdirField) {
		return nil, badRequest("an urlencoded form without a %s field", mkdirField)
	}
	e, err := h.makeFolder(dir, form.Get(mkdirField))
	if err != nil {
		return nil, err
	}
	return []entry{*e}, nil
}
