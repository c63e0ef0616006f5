//go:build linux

package fileserve

import (
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/internal/copybuf"
	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/hotcache"
	"github.com/simplehttp/simplehttp/internal/localfs"
	"golang.org/x/sys/unix"
)

// This file keeps hot files compressed. A request that accepts a coding,
// for a file whose type compresses, reaches the file server through
// encode.Handler, whose ResponseWriter offers a coding.Precoder: the
// coding a kept body is best sent in (the fewest bytes among those the
// client accepts equally: brotli for a browser), and the compressing,
// harder than a streamed answer's since it is paid once. The file is then
// compressed once per version and coding, kept with the file in the hot
// cache (a variant of its entry, counted with it, never trusted longer
// than the file), and sent as it was kept, with one write. Whether a
// coding pays is decided once too: a variant no smaller than the file
// is kept as a mark, and the file goes out as it is.
//
// A precompressed sibling (app.js.br) still stands in for the file: a
// variant is made only when the file has none, and the file's folder is
// looked at again once siblingRecheck has passed since it was last seen
// without one, which a sibling made since would have changed (its
// mtime). So a sibling made while the file is held is sent within that
// time, and a file held costs one system call per answer, compressed or
// not.

// maxCoded is the largest file kept compressed: a file larger than
// maxInMemory is held compressed only, its own bytes going out with
// sendfile.
const maxCoded = copybuf.Size

// siblingRecheck is how long a file held compressed is trusted to have
// no precompressed sibling before its folder is looked at again.
const siblingRecheck = time.Second

// codedAnswer is the answer of a file, whose own answer is a, compressed
// with c into n bytes, with sibs what was seen of its folder.
func codedAnswer(a wholeAnswer, c coding.Coding, n int, sibs *siblingCheck) wholeAnswer {
	a.contentLength = strconv.Itoa(n)
	a.contentEncoding = c.String()
	if a.etag != "" {
		a.etag = coding.CodedTag(a.etag, c)
	}
	a.sibs = sibs
	return a
}

// newVariant is the variant of a file of size bytes whose answer is a,
// coded with c into coded: a mark without body when that is no smaller.
func newVariant(a wholeAnswer, c coding.Coding, coded []byte, size int, sibs *siblingCheck) *hotcache.Variant[wholeAnswer] {
	v := &hotcache.Variant[wholeAnswer]{Answer: codedAnswer(a, c, len(coded), sibs)}
	if len(coded) < size {
		v.Body = coded
	}
	return v
}

// offer is what encode's Precoder in front offers an answer to r of a
// file of type ctype and size bytes: the coding, and whether the client
// refuses the file as it is. ok is false when there is no Precoder or it
// would not compress the answer.
func (h *Handler) offer(w http.ResponseWriter, r *http.Request, ctype string, size int64) (p coding.Precoder, c coding.Coding, mustCode, ok bool) {
	if !h.precompressed || len(r.Header["Accept-Encoding"]) == 0 || size < minSiblingSize || size > maxCoded {
		return nil, 0, false, false
	}
	if p, ok = coding.PrecoderOf(w); !ok {
		return nil, 0, false, false
	}
	c, mustCode, ok = p.Offer(w.Header(), ctype, int(size))
	return p, c, mustCode, ok
}

// serveHotCoded answers r, which accepts a coding, from e, the valid hot
// entry of name (whose type compresses and which is large enough to have
// a sibling), with e's variant in the coding encode offers, made now
// from e's content if it has none. It reports false, having sent
// nothing, to leave r to the general path: no Precoder, a sibling that
// may stand in, a variant to make from a file e does not hold,
// If-Modified-Since, or a client that refuses identity for a file that
// does not shrink.
func (h *Handler) serveHotCoded(w http.ResponseWriter, r *http.Request, name string, e *hotEntry) bool {
	p, c, mustCode, ok := h.offer(w, r, e.Answer.contentType, e.Version.Size)
	if !ok {
		return false
	}
	v := e.Variant(int(c))
	switch {
	case v == nil && !e.Whole:
		return false
	case v == nil || !h.stillNoSibling(name, v.Answer.sibs):
		if v = h.recode(name, e, p, c, v); v == nil {
			return false
		}
	}
	a := &v.Answer
	if v.Body == nil { // coding does not pay: the file as it is
		if mustCode || !e.Whole {
			return false
		}
		a = &e.Answer
	}
	inm := r.Header["If-None-Match"] // encode turned a coded tag into the file's
	switch {
	case len(inm) > 0 && inm[0] != "":
		if etag.NoneMatch(inm[0], e.Answer.etag) {
			e.Answer.sendNotModified(w, h.precompressed)
			return true
		}
	case hasAny(r.Header, "If-Modified-Since"):
		return false
	}
	p.PassAsIs()
	if v.Body == nil {
		a.send(w, r, h.precompressed, e.Body)
	} else {
		a.send(w, r, h.precompressed, v.Body)
	}
	return true
}

// stillNoSibling reports whether the file name is still known to have no
// precompressed sibling, by sibs: seen lately, or its folder still the
// version it was then (and that version can tell).
func (h *Handler) stillNoSibling(name string, sibs *siblingCheck) bool {
	now := h.now().UnixNano()
	if now-sibs.at.Load() < int64(siblingRecheck) {
		return true
	}
	folder, ok := h.folderVersion(name)
	if !ok || folder != sibs.folder || folder == (direct.Version{}) {
		return false
	}
	sibs.at.Store(now)
	return true
}

// recode makes e's variant in coding c, in place of old (nil: none yet),
// once the file is seen to have no sibling in its folder: compressed from
// e's content, or old again, with what was seen of the folder now. It
// returns the variant, held or not, or nil when a sibling is there.
func (h *Handler) recode(name string, e *hotEntry, p coding.Precoder, c coding.Coding, old *hotcache.Variant[wholeAnswer]) *hotcache.Variant[wholeAnswer] {
	sibs, ok := h.siblingsAbsent(name)
	if !ok {
		return nil
	}
	var v *hotcache.Variant[wholeAnswer]
	if old != nil {
		again := *old
		again.Answer.sibs = sibs
		v = &again
	} else {
		v = newVariant(e.Answer, c, p.Code(nil, e.Body, c), int(e.Version.Size), sibs)
	}
	h.hot.SetVariant(name, e, int(c), old, v)
	return v
}

// sendColdCoded answers r, which accepts a coding, with the file name,
// open as fd and of stat st since opened, compressed in the coding
// encode offers, when the hot cache takes the file: it reads it (up to
// maxCoded), compresses it, holds both (the file's content only when it
// is small enough to send from memory) and sends the file compressed, or
// as it is when that does not pay. It reports false, having sent
// nothing and read the file with pread (its offset is still 0), to leave
// r to the general path: no Precoder, a precondition, a sibling that may
// stand in, a file that changed or does not compress.
func (h *Handler) sendColdCoded(w http.ResponseWriter, r *http.Request, name string, fd int, st direct.Stat, opened time.Time) bool {
	if !asksWhole(r) || hasAny(r.Header, "If-None-Match", "If-Modified-Since") || st.Size < minSiblingSize ||
		st.Size > maxCoded || !h.hot.Takes(fd, st.Version, opened) {
		return false
	}
	ctype, known := typeByExtension(path.Ext(name)) // a type to sniff is left to the general path
	if !known {
		return false
	}
	p, c, mustCode, ok := h.offer(w, r, ctype, st.Size)
	if !ok {
		return false
	}
	sibs, ok := h.siblingsAbsent(name)
	if !ok {
		return false
	}
	buf := copybuf.Get()
	defer copybuf.Put(buf)
	n, err := direct.ReadAt(fd, buf[:st.Size])
	if err != nil || n != int(st.Size) {
		return false
	}
	body := buf[:n]
	a := newWholeAnswer(ctype, st.ModTime, n)
	v := newVariant(a, c, p.Code(nil, body, c), n, sibs)
	h.keepVariant(name, st.Version, body, a, int(c), v)
	if v.Body == nil && mustCode {
		return false
	}
	p.PassAsIs()
	if v.Body == nil {
		a.send(w, r, h.precompressed, body)
	} else {
		v.Answer.send(w, r, h.precompressed, v.Body)
	}
	return true
}

// keepVariant holds v as the variant i of the file name at version
// version, whose content is body and answer a: with the entry the file
// has (held for its other codings), or a new one, which holds the
// content only when it is small enough to send from memory.
func (h *Handler) keepVariant(name string, version direct.Version, body []byte, a wholeAnswer, i int, v *hotcache.Variant[wholeAnswer]) {
	e := h.hot.Get(name)
	if e == nil || e.Version != version {
		if len(body) > maxInMemory {
			body = nil // kept compressed only
		}
		if e = h.hot.Put(name, version, body, a); e == nil {
			return
		}
	}
	h.hot.SetVariant(name, e, i, e.Variant(i), v)
}

// siblingsAbsent reports whether the file name has no precompressed
// sibling of any coding (not even one unfit to send: the general path
// judges those), and returns what was seen of its folder, by whose
// version a sibling made later is seen. The version is the zero Version
// when the folder changed too lately for its mtime to tell a later
// change, as a file's ctime does for the hot cache ([localfs.Settled]).
func (h *Handler) siblingsAbsent(name string) (*siblingCheck, bool) {
	now := h.now()
	folder, ok := h.folderVersion(name)
	if !ok {
		return nil, false
	}
	var st unix.Stat_t
	for _, ext := range siblingExts[coding.Zstd:] {
		if err := h.direct.Lstat(name+ext, &st); !direct.Missing(err) {
			return nil, false
		}
	}
	sibs := &siblingCheck{folder: folder}
	if !localfs.Settled(time.Unix(0, folder.Ctime), now) {
		sibs.folder = direct.Version{}
	}
	sibs.at.Store(now.UnixNano())
	return sibs, true
}

// folderVersion is the version of the folder of the file name, and
// whether it could be seen.
func (h *Handler) folderVersion(name string) (direct.Version, bool) {
	var st unix.Stat_t
	if err := h.direct.Lstat(path.Dir(name), &st); err != nil {
		return direct.Version{}, false
	}
	return direct.VersionOf(&st), true
}
