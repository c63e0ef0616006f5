package fileserve

import (
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/page"
)

// This file answers from memory: a small file asked for whole, read and
// sent with one write, and the answers (200 and 304) the hot cache makes
// from a file it holds.

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
// memory, made once: the hot cache keeps one per file. Each answer gets
// its own copy of the values (page.SetValues), so that nothing a wrapper
// does to one answer's header values reaches another.
type wholeAnswer struct {
	contentType, contentLength string

	// etag and lastModified are the validators, both "" for a file whose
	// time is not meaningful (etag.Meaningful).
	etag, lastModified string

	// compressible: the type compresses, so with Options.Precompressed
	// the answer varies on Accept-Encoding, as sendPrecompressed's do.
	compressible bool

	// mayHaveSibling: it compresses and the file is large enough for a
	// precompressed sibling to be sent in its place to a client that
	// accepts one.
	mayHaveSibling bool

	// contentEncoding is the coding of an answer of the file compressed
	// (a variant of its hot entry; see codedAnswer), "" for the file as
	// it is. Such an answer has no Accept-Ranges: ranges are of the file.
	contentEncoding string

	// sibs is, for an answer compressed, what was last seen of the
	// file's folder, which held no precompressed sibling of the file.
	sibs *siblingCheck
}

// siblingCheck is what was last seen of a file's folder: no sibling of
// the file in it, the folder at version folder (the zero Version while
// its mtime could not yet tell a later change: see siblingsAbsent), as
// of at, in Unix nanoseconds. The answers made from one variant share
// it. (Only Linux's hot cache keeps files compressed.)
type siblingCheck struct {
	folder direct.Version
	at     atomic.Int64
}

// wholeKeys are the headers of a whole answer, in the order send gives
// their values; the last two are the validators. codedKeys are those of
// an answer compressed.
var (
	wholeKeys = []string{"Content-Type", "Content-Length", "Accept-Ranges", "X-Content-Type-Options", "Etag", "Last-Modified"}
	codedKeys = []string{"Content-Type", "Content-Length", "Content-Encoding", "X-Content-Type-Options", "Etag", "Last-Modified"}
)

// notModifiedKeys are the headers of a 304 from memory, in the order
// sendNotModified gives their values; the last is the validator.
var notModifiedKeys = []string{"X-Content-Type-Options", "Etag"}

// newWholeAnswer makes the headers of a file of type ctype, modified at
// modTime, size bytes long.
func newWholeAnswer(ctype string, modTime time.Time, size int) wholeAnswer {
	a := wholeAnswer{contentType: ctype, contentLength: strconv.Itoa(size), compressible: coding.Compressible(ctype)}
	a.mayHaveSibling = a.compressible && size >= minSiblingSize
	if etag.Meaningful(modTime) {
		a.etag = etag.Of(modTime, int64(size))
		a.lastModified = modTime.UTC().Format(http.TimeFormat)
	}
	return a
}

// send answers 200 with body and a's headers (precompressed: Options.
// Precompressed).
func (a *wholeAnswer) send(w http.ResponseWriter, r *http.Request, precompressed bool, body []byte) {
	hdr := w.Header()
	keys, third := wholeKeys, "bytes"
	if a.contentEncoding != "" {
		keys, third = codedKeys, a.contentEncoding
	}
	if a.etag == "" {
		page.SetValues(hdr, keys[:4], a.contentType, a.contentLength, third, "nosniff")
	} else {
		page.SetValues(hdr, keys, a.contentType, a.contentLength, third, "nosniff", a.etag, a.lastModified)
	}
	a.addVary(hdr, precompressed)
	page.WriteBody(w, r, http.StatusOK, body)
}

// sendNotModified answers 304 to a request whose If-None-Match names the
// file, with the headers http.ServeContent's 304 keeps: the validator,
// and neither the type nor the length of a body it does not send.
func (a *wholeAnswer) sendNotModified(w http.ResponseWriter, precompressed bool) {
	hdr := w.Header()
	if a.etag == "" {
		page.SetValues(hdr, notModifiedKeys[:1], "nosniff")
	} else {
		page.SetValues(hdr, notModifiedKeys, "nosniff", a.etag)
	}
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
