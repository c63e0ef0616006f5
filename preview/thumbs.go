package preview

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"time"

	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/listing"
	"github.com/simplehttp/simplehttp/thumb"
)

// thumbGeneration is part of every thumbnail's entity tag. Change it when
// thumbnails are made differently, so that clients that keep them for good
// fetch the new ones.
const thumbGeneration = "t1"

// Cache-Control values of thumbnails and icons. A link that names the
// file's current version (?thumb=VERSION, as listings write it) may be
// kept for good: when the file changes, the listing links to another
// version. Any other must be revalidated (its ETag makes that a 304). An
// icon given for want of a worker is never kept. None says "public": a
// shared cache must not keep what a password guarded.
const (
	keepForGood = "max-age=31536000, immutable"
	revalidate  = "no-cache"
	keepNot     = "no-store"
)

// serveThumb answers ?thumb=asked on f: its thumbnail, or its type's
// icon when it is not an image that can be made smaller.
func (h *Handler) serveThumb(w http.ResponseWriter, r *http.Request, f *file, asked string) {
	caching, tag := revalidate, ""
	if mod := f.info.ModTime(); etag.Meaningful(mod) {
		// A time such as a reproducible build's (1970) vouches for no
		// version: such a file's thumbnail has no tag, and is never
		// kept for good.
		version := etag.Version(mod, f.info.Size())
		tag = `"` + version + "-" + thumbGeneration + `"`
		if asked == version {
			caching = keepForGood
		}
	}
	if !thumb.Supported(f.name) {
		sendIcon(w, r, listing.CategoryOf(f.name).Icon(), caching)
		return
	}
	e := h.thumbnail(r.Context(), f)
	switch {
	case e == nil: // no worker free, or the client left
		sendIcon(w, r, listing.CategoryImage.Icon(), keepNot)
	case e.data == nil: // an image that cannot be made smaller
		sendIcon(w, r, listing.CategoryImage.Icon(), caching)
	default:
		send(w, r, e.contentType, tag, caching, f.info.ModTime(), e.data)
	}
}

// thumbnail is the entry of f's thumbnail: from memory, from the disk
// cache, or made now by a worker (once, however many ask at once). It is
// nil when no worker could be had: the queue was full, or ctx ended.
func (h *Handler) thumbnail(ctx context.Context, f *file) *entry {
	key := f.name + "\x00" + identity(f.info)
	if e := h.memory.get(key); e != nil {
		return e
	}
	return h.making.do(ctx, key, func() *entry {
		if e := h.disk.get(key); e != nil {
			h.memory.put(key, e)
			return e
		}
		if !h.workers.acquire(ctx) {
			return nil
		}
		defer h.workers.release()
		e := h.make(ctx, f)
		if e != nil {
			h.memory.put(key, e)
			h.disk.put(key, e)
		}
		return e
	})
}

// make makes f's thumbnail. It is nil when ctx ended first; an entry
// without data when the file is not an image that can be made smaller
// (too large, malformed, of another format than its name says).
func (h *Handler) make(ctx context.Context, f *file) (e *entry) {
	defer func() {
		// Images are hostile: a decoder's panic must cost one thumbnail,
		// not the connection.
		if p := recover(); p != nil {
			h.log.Error("preview: thumbnail decoder panicked", "name", f.name, "panic", p)
			e = &entry{}
		}
	}()
	ra, ok := f.File.(io.ReaderAt)
	if !ok {
		h.log.Error("preview: file does not implement io.ReaderAt", "name", f.name)
		return &entry{}
	}
	t, err := thumb.Make(ctx, ra, f.info.Size(), thumb.DefaultSize, h.limits)
	switch {
	case ctx.Err() != nil:
		return nil
	case err != nil:
		return &entry{}
	}
	if t.Decoded >= collectAfter {
		// The decoded photo is garbage now. Left to the garbage
		// collector's pace (GOGC), the heap would grow to several times
		// what the workers hold before it is collected.
		runtime.GC()
	}
	return &entry{contentType: t.ContentType, data: t.Data}
}

// collectAfter is the size of a decoded image after which the garbage
// collector runs at once: about an 8-megapixel photo's. Measured with 8
// clients asking for the thumbnails of 24-megapixel photos (make
// bench-gallery), it halves the peak memory for a collection that takes
// a few milliseconds of the half second a thumbnail takes.
const collectAfter = 24 << 20

// sendIcon answers with the icon named name.
func sendIcon(w http.ResponseWriter, r *http.Request, name, caching string) {
	_, tag := icons()
	if caching == keepNot {
		tag = ""
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	send(w, r, "image/svg+xml", tag, caching, time.Time{}, icon(name))
}

// send answers with data, through http.ServeContent (conditional
// requests, ranges, HEAD).
func send(w http.ResponseWriter, r *http.Request, contentType, tag, caching string, modTime time.Time, data []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("Cache-Control", caching)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if tag != "" {
		hdr.Set("ETag", tag)
	}
	http.ServeContent(w, r, "", modTime, bytes.NewReader(data))
}
