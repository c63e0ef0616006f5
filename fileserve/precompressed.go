package fileserve

import (
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/internal/etag"
)

// siblingExts are the extensions of precompressed siblings, by coding:
// app.js.zst, app.js.br and app.js.gz stand in for app.js.
var siblingExts = [...]string{coding.Zstd: ".zst", coding.Brotli: ".br", coding.Gzip: ".gz"}

// minSiblingSize is the size below which a file's siblings are not
// looked for: it goes out in one TCP segment compressed or not, and each
// coding looked for costs a stat (more for a file deep in folders).
const minSiblingSize = 1024

// sendPrecompressed answers in place of the file name, whose FileInfo is
// info and whose Content-Type is ctype, with its precompressed sibling in
// the coding the request prefers among those it accepts whose sibling is
// fit to send (see sendSibling). It reports whether it answered. Only
// types that compress are looked for, and their answers, siblings or not,
// say Vary: Accept-Encoding.
func (h *Handler) sendPrecompressed(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo, ctype string) bool {
	if !h.precompressed || !coding.Compressible(ctype) {
		return false
	}
	coding.AddVary(w.Header())
	accept, ok := r.Header["Accept-Encoding"]
	if !ok || info.Size() < minSiblingSize {
		return false
	}
	for offers := coding.All; ; {
		c, _ := coding.Negotiate(accept, offers)
		if c == coding.Identity {
			return false
		}
		if h.sendSibling(w, r, name, info, ctype, c) {
			return true
		}
		offers = offers.Without(c)
	}
}

// sendSibling sends the sibling of the file name in coding c, with the
// file's Content-Type, if it is fit to stand in for the file: a regular
// file (a FIFO is never opened), not hidden behind a symbolic link, inside
// the root as every file is, and not older than the file (a stale .gz
// left after an edit is the classic surprise of nginx's gzip_static). It
// reports whether it did. Range and conditional requests are of the
// sibling's bytes, which have their own ETag.
func (h *Handler) sendSibling(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo, ctype string, c coding.Coding) bool {
	sibling := name + siblingExts[c]
	if s, err := fs.Stat(h.fsys, sibling); err != nil || !s.Mode().IsRegular() || !fresh(s.ModTime(), info.ModTime()) {
		return false
	}
	f, sinfo, err := h.openFile(sibling)
	if err != nil {
		return false
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if !ok || !fresh(sinfo.ModTime(), info.ModTime()) { // replaced since the Stat
		return false
	}
	hdr := w.Header()
	hdr.Set("Content-Type", ctype)
	if tag := siblingETag(sinfo, c); tag != "" {
		hdr.Set("ETag", tag)
	}
	hdr.Set("X-Content-Type-Options", "nosniff")
	cw := &contentWriter{ResponseWriter: w, r: r}
	http.ServeContent(codedWriter{cw, c}, singleRange(withNormalizedRange(r, sinfo.Size())), "", validatorTime(sinfo),
		withKnownSize(content, sinfo.Size()))
	if short := cw.shortBy(); short > 0 && shrank(f, sinfo.Size()) {
		h.log.Warn("fileserve: file shrank while being sent; the client got a short body",
			"path", r.URL.Path+siblingExts[c], "sent", cw.written, "missing", short)
	}
	return true
}

// fresh reports whether a sibling last modified at sibling is not older
// than its file, last modified at file. A sibling time without a
// fraction of a second was copied from the file by a tool that keeps only
// seconds (brotli -k does; gzip -k and zstd -k keep nanoseconds), so it is
// compared to the second: only an edit within the same second as the
// original write could then go unnoticed.
func fresh(sibling, file time.Time) bool {
	if sibling.Nanosecond() == 0 {
		file = file.Truncate(time.Second)
	}
	return !sibling.Before(file)
}

// codedWriter is the contentWriter of a sibling: it labels a 200 or 206
// answer with the sibling's Content-Encoding once http.ServeContent has
// set its Content-Length, which ServeContent leaves out of an answer that
// names a coding already.
type codedWriter struct {
	*contentWriter
	coding coding.Coding
}

// WriteHeader adds Content-Encoding to a 200 or 206 and passes code on.
func (w codedWriter) WriteHeader(code int) {
	if code == http.StatusOK || code == http.StatusPartialContent {
		w.Header().Set("Content-Encoding", w.coding.String())
	}
	w.contentWriter.WriteHeader(code)
}

// singleRange returns r, or a copy without its Range header when that
// asks for several ranges: a multipart answer's Content-Encoding would
// read as the coding of the multipart body, not of the parts, so it gets
// the whole sibling (RFC 9110 lets a server ignore Range).
func singleRange(r *http.Request) *http.Request {
	if !strings.Contains(r.Header.Get("Range"), ",") {
		return r
	}
	r = r.Clone(r.Context())
	r.Header.Del("Range")
	return r
}

// siblingETag is the ETag of a sibling in coding c: its own, with the
// coding's name, so that it differs from the file's even if both had the
// same time and size ("1a2b-3c-br"); "" when it has none.
func siblingETag(info fs.FileInfo, c coding.Coding) string {
	tag := etag.Of(info.ModTime(), info.Size())
	if tag == "" {
		return ""
	}
	return strings.TrimSuffix(tag, `"`) + "-" + c.String() + `"`
}
