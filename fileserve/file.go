package fileserve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/simplehttp/simplehttp/internal/coding"
	etagof "github.com/simplehttp/simplehttp/internal/etag"
)

// serveFile sends the regular file name (the file branch of Python's
// send_head, and its copyfile).
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	f, info, err := h.openFile(name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer f.Close()
	h.sendFile(w, r, name, f, info)
}

// errHidden is openFile's refusal of a file hidden behind a symbolic
// link: to the client, a file that does not exist.
var errHidden = fmt.Errorf("fileserve: hidden file: %w", fs.ErrNotExist)

// openFile opens name, which a Stat found to be a regular file (a FIFO
// must never be opened: that blocks until a writer comes), and checks that
// it still is one and that it is not hidden behind a symbolic link.
func (h *Handler) openFile(name string) (fs.File, fs.FileInfo, error) {
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	switch {
	case err != nil:
	case !info.Mode().IsRegular():
		err = statusError(http.StatusNotFound) // replaced since the Stat
	case h.openedHidden(f, name):
		err = errHidden
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// sendFile sends the open regular file f, named name. A small file asked
// for whole is read and sent with one write (sendWhole). Else
// http.ServeContent does Range, conditional requests, HEAD and
// Content-Length, and its io.Copy reaches the kernel's sendfile when f
// is an *os.File.
func (h *Handler) sendFile(w http.ResponseWriter, r *http.Request, name string, f fs.File, info fs.FileInfo) {
	content, ok := f.(io.ReadSeeker)
	if !ok {
		h.fail(w, r, errors.New("fileserve: file does not implement io.Seeker"))
		return
	}
	if info.Size() <= maxInMemory && h.wantsWhole(r, w.Header(), true) {
		sent, err := h.sendRead(w, r, name, content, info)
		if err != nil {
			h.fail(w, r, err)
		}
		if sent || err != nil {
			return
		}
	}
	ctype, err := contentType(name, content)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.sendPrecompressed(w, r, name, info, ctype) {
		return
	}
	setFileHeaders(w.Header(), ctype, info)
	cw := &contentWriter{ResponseWriter: w, r: r}
	http.ServeContent(cw, withNormalizedRange(r, info.Size()), "", info.ModTime(), withKnownSize(content, info.Size()))
	if short := cw.shortBy(); short > 0 && shrank(f, info.Size()) {
		h.log.Warn("fileserve: file shrank while being sent; the client got a short body",
			"path", r.URL.Path, "sent", cw.written, "missing", short)
	}
}

// setFileHeaders sets the headers that every answer with the content of
// a file carries, besides those http.ServeContent sets: its type, its
// validator, and that the type is not to be second-guessed.
func setFileHeaders(hdr http.Header, ctype string, info fs.FileInfo) {
	hdr.Set("Content-Type", ctype)
	hdr.Set("ETag", etag(info.ModTime(), info.Size()))
	hdr.Set("X-Content-Type-Options", "nosniff")
}

// maxInMemory is the largest file sent from memory, with one write of
// headers and body together; a larger one goes out with sendfile.
const maxInMemory = 16 << 10

// bodyBufs recycles the buffers small files are read into.
var bodyBufs = sync.Pool{New: func() any { return new([maxInMemory]byte) }}

// getBodyBuf returns a buffer of maxInMemory bytes; putBodyBuf takes it
// back once the answer is written.
func getBodyBuf() *[maxInMemory]byte    { return bodyBufs.Get().(*[maxInMemory]byte) }
func putBodyBuf(buf *[maxInMemory]byte) { bodyBufs.Put(buf) }

// wantsWhole reports whether r asks for the whole file with no Range and
// no precondition, so that the answer is 200 with every byte and
// http.ServeContent would have nothing to decide, and whether the
// answer may be the file's own bytes (identityAllowed).
func (h *Handler) wantsWhole(r *http.Request, hdr http.Header, mayHaveSibling bool) bool {
	return !hasAny(r.Header, "If-None-Match", "If-Modified-Since") && asksWhole(r) &&
		h.identityAllowed(r, hdr, mayHaveSibling)
}

// asksWhole reports whether r has no Range and none of the preconditions
// evaluated before If-None-Match (If-Match, If-Unmodified-Since).
func asksWhole(r *http.Request) bool {
	return !hasAny(r.Header, "Range", "If-Match", "If-Unmodified-Since")
}

// hasAny reports whether hdr holds a non-empty value of one of keys
// (canonical names), as http.ServeContent reads them: the first value.
func hasAny(hdr http.Header, keys ...string) bool {
	for _, k := range keys {
		if v := hdr[k]; len(v) > 0 && v[0] != "" {
			return true
		}
	}
	return false
}

// identityAllowed reports whether hdr leaves the Content-Length to the
// file (a wrapper that set Content-Encoding changes the bytes), and
// whether no precompressed sibling may be wanted instead of the file
// (only of a file that mayHaveSibling: of a type that compresses, and
// large enough to be looked for).
func (h *Handler) identityAllowed(r *http.Request, hdr http.Header, mayHaveSibling bool) bool {
	if mayHaveSibling && h.precompressed && len(r.Header["Accept-Encoding"]) > 0 {
		return false
	}
	return len(hdr["Content-Encoding"]) == 0
}

// sendRead reads the whole of the small file content, which holds
// info.Size() bytes, and sends it with sendWhole. It reports false,
// having sent nothing, when the file is not as long as info says (it
// changed: the general sending then notices and logs) or cannot be read;
// content is then back at its start, or the error says why it is not.
func (h *Handler) sendRead(w http.ResponseWriter, r *http.Request, name string, content io.ReadSeeker, info fs.FileInfo) (sent bool, err error) {
	buf := getBodyBuf()
	defer putBodyBuf(buf)
	body := buf[:info.Size()]
	if _, err := io.ReadFull(content, body); err != nil {
		_, err = content.Seek(0, io.SeekStart)
		return false, err
	}
	h.sendWhole(w, r, contentTypeOf(name, body), info, body)
	return true, nil
}

// sendWhole answers 200 with body, the whole content of a file described
// by info, as http.ServeContent answers a request with no Range and no
// precondition (the same headers), but from memory: net/http then sends
// headers and body with one write, where ServeContent's sendfile makes
// it two writes and two packets.
func (h *Handler) sendWhole(w http.ResponseWriter, r *http.Request, ctype string, info fs.FileInfo, body []byte) {
	a := newWholeAnswer(ctype, info.ModTime(), len(body))
	a.send(w, r, h.precompressed, body)
}

// wholeAnswer holds the headers of a file's content sent whole from
// memory, each value a one-element slice assigned to the answer's header
// map as it is: net/http only reads them, and an append copies (their
// capacity is 1), so the hot cache shares them between answers.
type wholeAnswer struct {
	contentType, etag, lastModified, contentLength []string

	// compressible: the type compresses, so with Options.Precompressed
	// the answer varies on Accept-Encoding, as sendPrecompressed's do.
	compressible bool
}

// newWholeAnswer makes the headers of a file of type ctype, modified at
// modTime, size bytes long.
func newWholeAnswer(ctype string, modTime time.Time, size int) wholeAnswer {
	a := wholeAnswer{
		contentType:   []string{ctype},
		etag:          []string{etag(modTime, int64(size))},
		contentLength: []string{strconv.Itoa(size)},
		compressible:  coding.Compressible(ctype),
	}
	if !modTime.IsZero() && !modTime.Equal(time.Unix(0, 0)) {
		a.lastModified = []string{modTime.UTC().Format(http.TimeFormat)}
	}
	return a
}

// send answers 200 with body and a's headers (precompressed: Options.
// Precompressed).
func (a *wholeAnswer) send(w http.ResponseWriter, r *http.Request, precompressed bool, body []byte) {
	hdr := w.Header()
	hdr["Content-Type"] = a.contentType
	hdr["Etag"] = a.etag
	hdr["X-Content-Type-Options"] = nosniffValue
	if a.lastModified != nil {
		hdr["Last-Modified"] = a.lastModified
	}
	hdr["Accept-Ranges"] = acceptRangesValue
	hdr["Content-Length"] = a.contentLength
	a.addVary(hdr, precompressed)
	writeBody(w, r, http.StatusOK, body)
}

// sendNotModified answers 304 to a request whose If-None-Match names the
// file, with the headers http.ServeContent's 304 keeps: the validator,
// and neither the type nor the length of a body it does not send.
func (a *wholeAnswer) sendNotModified(w http.ResponseWriter, precompressed bool) {
	hdr := w.Header()
	hdr["Etag"] = a.etag
	hdr["X-Content-Type-Options"] = nosniffValue
	a.addVary(hdr, precompressed)
	w.WriteHeader(http.StatusNotModified)
}

// addVary says Vary: Accept-Encoding when a precompressed sibling could
// have been sent instead.
func (a *wholeAnswer) addVary(hdr http.Header, precompressed bool) {
	if precompressed && a.compressible {
		coding.AddVary(hdr)
	}
}

// acceptRangesValue is the Accept-Ranges of every whole answer, shared as
// htmlTypeValue is.
var acceptRangesValue = []string{"bytes"}

// shrank reports whether the open file f is now shorter than size. A body
// cut short by a client that left is no fault of the file's.
func shrank(f fs.File, size int64) bool {
	info, err := f.Stat()
	return err == nil && info.Size() < size
}

// etag is the file's strong validator (package etag's, which WebDAV's
// PROPFIND shares).
func etag(modTime time.Time, size int64) string { return etagof.Of(modTime, size) }

// withNormalizedRange returns r with its Range header rewritten by
// normalizeRange, or r itself when it has none.
func withNormalizedRange(r *http.Request, size int64) *http.Request {
	header := r.Header.Get("Range")
	if header == "" {
		return r
	}
	rewritten, keep := normalizeRange(header, size)
	r = r.Clone(r.Context())
	if keep {
		r.Header.Set("Range", rewritten)
	} else {
		r.Header.Del("Range")
	}
	return r
}

// withKnownSize returns content, which must be at offset 0, so that
// http.ServeContent learns its size without the two lseek calls it makes
// for that (to the end and back): two of the dozen system calls a small
// file costs. An *os.File stays one underneath, so sendfile still gets it.
func withKnownSize(content io.ReadSeeker, size int64) io.ReadSeeker {
	if f, ok := content.(*os.File); ok {
		return &sizedFile{File: f, size: size, atStart: true}
	}
	return content
}

// sizedFile is an open file whose size is known. It answers a seek to
// the end without moving the file's offset, and the seek back to the start
// that follows without a system call while the offset is still 0; every
// other seek and every read go to the file.
type sizedFile struct {
	*os.File
	size    int64
	atStart bool // the file's real offset is 0
}

// Seek sets the offset for the next Read.
func (f *sizedFile) Seek(offset int64, whence int) (int64, error) {
	switch {
	case offset == 0 && whence == io.SeekEnd:
		return f.size, nil // ServeContent seeks back before it reads
	case offset == 0 && whence == io.SeekStart && f.atStart:
		return 0, nil
	}
	f.atStart = false
	return f.File.Seek(offset, whence)
}

// Read reads from the file, moving its offset.
func (f *sizedFile) Read(p []byte) (int, error) {
	f.atStart = false
	return f.File.Read(p)
}
