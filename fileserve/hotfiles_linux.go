//go:build linux

package fileserve

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/localfs"
	"golang.org/x/sys/unix"
)

// hotFiles holds the content of small files lately sent whole, with the
// headers of their answer, so that the next request for one costs a
// single fstatat (one more per folder on the way) and one write, where
// opening and reading it costs five system calls.
//
// It holds only files on a file system that package localfs trusts: a
// local one, whose kernel moves a file's ctime with every change. On NFS,
// CIFS, FUSE or any other, a stat may answer from a cache, or with times
// from another computer's clock, so that nothing it says could vouch for
// the content held: files there are read every time.
//
// An entry is then never served stale. Each hit compares the file's identity
// now (device, inode, type, permissions, size, mtime and ctime, by an
// fstatat that does not follow a final link) with the identity it had
// when it was read, and each folder on the way must still be a folder,
// not a link. A file rewritten in place changes its ctime, whatever its
// size and mtime; a file replaced by a rename is another inode; a
// deleted one is not found; a link in its place or in place of a folder
// on the way fails the check. Any change sends the request down the
// general path, which confines and hides as ever.
//
// A ctime is only as fine as the file system's clock, so a file written
// twice within one tick keeps one ctime. A file is therefore taken in
// only once its ctime is settled ([localfs.Settled]) by the moment before
// it was opened. A write after that moment gets a later ctime.
type hotFiles struct {
	mu    sync.RWMutex
	files map[string]*hotFile // by the name under the root
	bytes int                 // the memory held (hotCost of each), at most max
	max   int                 // hotBytes, but for tests
}

const (
	// hotBytes bounds the memory held: 256 files of the largest size
	// sent from memory, or thousands of small pages and scripts.
	hotBytes = 4 << 20

	// hotOverhead is what an entry costs besides its name and content
	// (the entry, its header values, the map's slot), so that empty
	// files count too: 8,192 at the most.
	hotOverhead = 512
)

// hotFile is one file's content and the answer's headers, built once.
// Nothing in it changes once it is in hotFiles.
type hotFile struct {
	id   fileID
	body []byte
	wholeAnswer

	// mayHaveSibling: the type compresses and the file is large enough
	// for a precompressed sibling to be sent in its place to a client
	// that accepts one.
	mayHaveSibling bool
}

// fileID is what tells one version of a file from another.
type fileID struct {
	dev, ino     uint64
	mode         uint32
	size         int64
	mtime, ctime unix.Timespec
}

// idOf is the identity of the file st describes.
func idOf(st *unix.Stat_t) fileID {
	return fileID{dev: st.Dev, ino: st.Ino, mode: st.Mode, size: st.Size, mtime: st.Mtim, ctime: st.Ctim}
}

// newHotFiles returns an empty hotFiles.
func newHotFiles() *hotFiles {
	return &hotFiles{files: make(map[string]*hotFile), max: hotBytes}
}

// get returns the entry of name, or nil.
func (c *hotFiles) get(name string) *hotFile {
	c.mu.RLock()
	f := c.files[name]
	c.mu.RUnlock()
	return f
}

// drop forgets the entry of name if it is still old.
func (c *hotFiles) drop(name string, old *hotFile) {
	c.mu.Lock()
	if c.files[name] == old {
		delete(c.files, name)
		c.bytes -= hotCost(name, old)
	}
	c.mu.Unlock()
}

// hotCost is what the entry f of name counts against hotBytes.
func hotCost(name string, f *hotFile) int { return len(name) + len(f.body) + hotOverhead }

// settled reports whether a file whose ctime is ctime, opened after
// opened, may be held: no write after opened can leave it the same ctime.
func settled(ctime unix.Timespec, opened time.Time) bool {
	return localfs.Settled(time.Unix(ctime.Unix()), opened)
}

// put holds a copy of body, the whole content of the file name whose
// identity is id. To make room it forgets entries at random (a map's
// order).
func (c *hotFiles) put(name string, id fileID, ctype string, body []byte) {
	f := newHotFile(id, ctype, body)
	cost := hotCost(name, f)
	if cost > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.files[name]; old != nil {
		delete(c.files, name)
		c.bytes -= hotCost(name, old)
	}
	for k, old := range c.files {
		if c.bytes+cost <= c.max {
			break
		}
		delete(c.files, k)
		c.bytes -= hotCost(k, old)
	}
	c.files[name] = f
	c.bytes += cost
}

// newHotFile builds the entry of a file: a copy of its content and the
// headers sendWhole would set.
func newHotFile(id fileID, ctype string, body []byte) *hotFile {
	f := &hotFile{
		id:          id,
		body:        append([]byte(nil), body...),
		wholeAnswer: newWholeAnswer(ctype, time.Unix(id.mtime.Unix()), len(body)),
	}
	f.mayHaveSibling = f.compressible && id.size >= minSiblingSize
	return f
}

// validHot returns the hot entry of name if there is one and it is still
// the file st describes (name's fstatat, which failed with err), with no
// link in place of a folder on the way; an entry out of date is
// forgotten.
func (h *Handler) validHot(name string, st *unix.Stat_t, err error) *hotFile {
	f := h.hot.get(name)
	if f == nil {
		return nil
	}
	if err != nil || idOf(st) != f.id || !h.direct.foldersPlain(name) {
		h.hot.drop(name, f)
		return nil
	}
	return f
}

// serveHot answers r from the hot entry of name, if it has one that is
// still the file st describes (name's fstatat, which failed with err),
// when r asks for the whole file: 200, or 304 when its If-None-Match
// names the file (a browser's revalidation). It reports whether it
// answered; an entry found out of date is forgotten.
func (h *Handler) serveHot(w http.ResponseWriter, r *http.Request, name string, st *unix.Stat_t, err error) bool {
	f := h.validHot(name, st, err)
	if f == nil {
		return false
	}
	hdr := w.Header()
	if !asksWhole(r) || !h.identityAllowed(r, hdr, f.mayHaveSibling) {
		return false
	}
	inm := r.Header["If-None-Match"]
	switch {
	case len(inm) > 0 && inm[0] != "":
		if etag.NoneMatch(inm[0], f.etag) {
			f.sendNotModified(w, h.precompressed)
			return true
		}
	case hasAny(r.Header, "If-Modified-Since"):
		return false
	}
	f.send(w, r, h.precompressed, f.body)
	return true
}

// foldersPlain reports whether every folder on the way to name is still
// a folder under the root, not a link (fstatat each, not following it).
func (d *directRoot) foldersPlain(name string) bool {
	var st unix.Stat_t
	for i := strings.IndexByte(name, '/'); i >= 0; {
		if err := d.fstatat(name[:i], &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return false
		}
		j := strings.IndexByte(name[i+1:], '/')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return true
}
