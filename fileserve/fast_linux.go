//go:build linux

package fileserve

import (
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/hotcache"
	"golang.org/x/sys/unix"
)

// This file is Linux's fast path for a name under an os.Root (NewRoot):
// an fstatat, then the hot cache's answer, or the file opened with one
// openat2 (package direct) and, when small, read and sent from memory.

// hotEntry is an entry of the hot cache: a file's version, its content
// and the headers of its whole answer.
type hotEntry = hotcache.Entry[wholeAnswer]

// serveDirect answers for name through h.direct when it can: a regular
// file reached without a symbolic link (see sendDirect), or a name that
// does not exist (one fstatat). It reports false, having sent nothing,
// for anything else (a directory, a link or a path through one, a special
// file, an error other than "not there"), which the general path then
// answers.
func (h *Handler) serveDirect(w http.ResponseWriter, r *http.Request, name string) bool {
	// A file asked for as a folder is left to the general path's 404.
	answered, err := h.sendDirect(w, r, name, !strings.HasSuffix(r.URL.Path, "/"))
	if !answered && direct.Missing(err) {
		h.notFound(w, r, err)
		return true
	}
	return answered
}

// serveDirectIndex is serveIndex's direct path: it sends the index file
// p as sendDirect does. It reports whether it answered, and whether p
// surely is no index because it does not exist.
func (h *Handler) serveDirectIndex(w http.ResponseWriter, r *http.Request, p string) (answered, absent bool) {
	answered, err := h.sendDirect(w, r, p, true)
	return answered, !answered && direct.Missing(err)
}

// sendDirect sends name when it is a regular file reached without a
// symbolic link and asFile (the URL may name a file): from the hot cache
// (one fstatat, one more per folder on the way), or opened with openat2
// (see sendOpened). It reports whether it answered; when it did not, err
// is the fstatat's.
func (h *Handler) sendDirect(w http.ResponseWriter, r *http.Request, name string, asFile bool) (answered bool, err error) {
	var raw unix.Stat_t
	err = h.direct.Lstat(name, &raw)
	if asFile && h.serveHot(w, r, name, &raw, err) {
		return true, nil
	}
	if err != nil || raw.Mode&unix.S_IFMT != unix.S_IFREG || !asFile {
		return false, err
	}
	return h.sendOpened(w, r, name), nil
}

// sendOpened sends the regular file name, which the hot cache did not
// answer for, opened with openat2 (fstatat, openat2, fstat, pread and
// close, where os.Root and the /proc check take a dozen system calls for
// a file three folders down): a small one read and sent from memory, and
// taken into the hot cache, one that compresses sent compressed (see
// sendColdCoded), any other with sendfile. It reports false, having sent
// nothing, for a link on the way or a file replaced since the fstatat.
// It is sendDirect's own function so that a hit, sendDirect's common
// case, runs on a small stack frame: under HTTP/2 every request starts
// a goroutine whose stack grows, by copying, when the frames outgrow it.
func (h *Handler) sendOpened(w http.ResponseWriter, r *http.Request, name string) bool {
	opened := h.now()
	fd, st, err := h.direct.Open(name)
	if err != nil {
		return false // a link on the way (ELOOP), or an error to report as usual
	}
	if !st.Mode.IsRegular() { // replaced since the fstatat
		unix.Close(fd)
		return false
	}
	info := st.Info(name)
	if st.Size <= maxInMemory && h.wantsWhole(r, w.Header(), true) {
		buf := getBodyBuf()
		defer putBodyBuf(buf)
		if body, ctype, ok := h.readWhole(name, fd, st, opened, buf); ok {
			unix.Close(fd)
			h.sendWhole(w, r, ctype, info, body)
			return true
		}
		// It shrank, or failed: the general sending notices and logs.
	}
	if h.sendColdCoded(w, r, name, fd, st, opened) {
		unix.Close(fd)
		return true
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	h.sendFile(w, r, name, f, info)
	return true
}

// readWhole reads the whole of the small file name, open as fd and of
// stat st, into buf, types it, and holds it in the hot cache when the
// cache takes it (opened is when it was opened). ok is false when the
// file is not as long as st says (it changed) or cannot be read.
func (h *Handler) readWhole(name string, fd int, st direct.Stat, opened time.Time, buf *[maxInMemory]byte) (body []byte, ctype string, ok bool) {
	n, err := direct.ReadAt(fd, buf[:st.Size])
	if err != nil || n != int(st.Size) {
		return nil, "", false
	}
	body = buf[:n]
	ctype = contentTypeOf(name, body)
	if h.hot.Takes(fd, st.Version, opened) {
		h.hot.Put(name, st.Version, body, newWholeAnswer(ctype, st.ModTime, n))
	}
	return body, ctype, true
}

// validHot returns the hot entry of name if there is one and it is still
// the file st describes (name's fstatat, which failed with err), with no
// link in place of a folder on the way; an entry out of date is
// forgotten.
func (h *Handler) validHot(name string, st *unix.Stat_t, err error) *hotEntry {
	e := h.hot.Get(name)
	if e == nil {
		return nil
	}
	if err != nil || direct.VersionOf(st) != e.Version || !h.direct.FoldersPlain(name) {
		h.hot.Drop(name, e)
		return nil
	}
	return e
}

// serveHot answers r from the hot entry of name, if it has one that is
// still the file st describes (name's fstatat, which failed with err),
// when r asks for the whole file: 200, or 304 when its If-None-Match
// names the file (a browser's revalidation). It reports whether it
// answered; an entry found out of date is forgotten.
func (h *Handler) serveHot(w http.ResponseWriter, r *http.Request, name string, st *unix.Stat_t, err error) bool {
	e := h.validHot(name, st, err)
	if e == nil {
		return false
	}
	a := &e.Answer
	switch {
	case !asksWhole(r) || len(w.Header()["Content-Encoding"]) > 0:
		return false
	case a.mayHaveSibling && h.precompressed && len(r.Header["Accept-Encoding"]) > 0:
		return h.serveHotCoded(w, r, name, e)
	case !e.Whole:
		return false
	}
	inm := r.Header["If-None-Match"]
	switch {
	case len(inm) > 0 && inm[0] != "":
		if etag.NoneMatch(inm[0], a.etag) {
			a.sendNotModified(w, h.precompressed)
			return true
		}
	case hasAny(r.Header, "If-Modified-Since"):
		return false
	}
	a.send(w, r, h.precompressed, e.Body)
	return true
}
