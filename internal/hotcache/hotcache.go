// Package hotcache holds the content of small files lately sent whole,
// so that the file server can answer the next request for one with a
// single fstatat (one more per folder on the way) and one write, where
// opening and reading it costs five system calls.
//
// An Entry is one version of one file: its [direct.Version] when it was
// read, its content, and what answering with it needs (A: the file
// server's headers, made once). An entry is trusted only while the file
// is still that version, which the caller checks on every hit, so it is
// never served stale; and a file is taken in only when its version can
// vouch for its content ([Cache.Takes]): its file system is one package
// localfs trusts, whose kernel moves a file's ctime with every change
// (not NFS, CIFS or FUSE, whose stat may answer from a cache), and its
// ctime is settled ([localfs.Settled]), since a ctime is only as fine as
// the file system's clock and two writes within one tick share one.
//
// An entry may also hold Variants: other representations of its content,
// made from it once and kept with it (fileserve keeps the file
// compressed, one variant per coding), which die with the entry when the
// file changes. An entry may hold a file for its variants alone, without
// its content (a file too large to send from memory, small enough to
// keep compressed).
//
// The memory held is bounded: each entry counts its name, its content
// and Overhead, and each of its variants its own content and
// VariantOverhead; room is made by forgetting entries at random.
package hotcache

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/localfs"
)

// Entry is one version of one file, held in memory with the answer made
// from it. Nothing in it but its variants changes once it is in a Cache.
type Entry[A any] struct {
	Version direct.Version // the file's when it was read
	Body    []byte         // its whole content, the Cache's own copy, if Whole
	Whole   bool           // Body is the file's content: false for a file held for its variants alone
	Answer  A

	variants [Variants]atomic.Pointer[Variant[A]]
	cost     int // what the entry and its variants count against the bound; the Cache's lock guards it
}

// Variants is how many variants an entry may hold, numbered 0 to
// Variants-1.
const Variants = 4

// Variant is another representation of an entry's content, made from it
// once, with the answer made from it. One without Body records that the
// representation was made and is not worth sending (a compressed file no
// smaller than the file).
type Variant[A any] struct {
	Body   []byte
	Answer A
}

// Variant returns the entry's variant i, or nil.
func (e *Entry[A]) Variant(i int) *Variant[A] { return e.variants[i].Load() }

// Overhead is what an entry costs besides its name and content (the
// entry, its answer, the map's slot), so that empty files count too.
const Overhead = 512

// VariantOverhead is what a variant costs besides its content.
const VariantOverhead = 128

// A Cache holds entries by the names of their files under the served
// root, within a bound on their cost. It is safe for concurrent use.
type Cache[A any] struct {
	mu    sync.RWMutex
	files map[string]*Entry[A]
	bytes int // the cost of every entry held, at most max
	max   int
}

// New returns an empty Cache that holds at most maxBytes of entries; one
// of 0 holds nothing.
func New[A any](maxBytes int) *Cache[A] {
	return &Cache[A]{files: make(map[string]*Entry[A]), max: maxBytes}
}

// Get returns the entry of name, or nil. The caller checks that the file
// is still the entry's version before answering with it.
func (c *Cache[A]) Get(name string) *Entry[A] {
	c.mu.RLock()
	e := c.files[name]
	c.mu.RUnlock()
	return e
}

// Drop forgets the entry of name if it is still old (found out of date).
func (c *Cache[A]) Drop(name string, old *Entry[A]) {
	c.mu.Lock()
	if c.files[name] == old {
		delete(c.files, name)
		c.bytes -= old.cost
	}
	c.mu.Unlock()
}

// Takes reports whether the file open as fd, whose version v was taken
// after opened, may be held: its ctime settled before opened, so that no
// later write can leave it the same, and its file system trusted. The
// check of the file system costs one fstatfs, made only for a settled
// file.
func (c *Cache[A]) Takes(fd int, v direct.Version, opened time.Time) bool {
	return c.max > 0 && localfs.Settled(time.Unix(0, v.Ctime), opened) && localfs.Trusted(fd)
}

// Put holds a copy of body, the whole content of the file name at
// version v, with answer, in place of any entry name had, and returns
// the entry, or nil when it is not held: one that would cost more than
// the whole bound. A nil body holds the file for its variants alone (an
// empty file's content is empty, not nil). To make room it forgets
// entries at random (a map's order).
func (c *Cache[A]) Put(name string, v direct.Version, body []byte, answer A) *Entry[A] {
	e := &Entry[A]{Version: v, Whole: body != nil, Answer: answer}
	if e.Whole {
		e.Body = append(make([]byte, 0, len(body)), body...)
	}
	e.cost = len(name) + len(e.Body) + Overhead
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.files[name]; old != nil {
		delete(c.files, name)
		c.bytes -= old.cost
	}
	if !c.makeRoom(e.cost, nil) {
		return nil
	}
	c.files[name] = e
	c.bytes += e.cost
	return e
}

// SetVariant holds v as the variant i of e, the entry of name, in place
// of old (nil: it has none yet), if e is still name's entry and old its
// variant i; room is made as Put makes it, never by forgetting e. It
// reports whether v is held.
func (c *Cache[A]) SetVariant(name string, e *Entry[A], i int, old, v *Variant[A]) bool {
	n := len(v.Body) + VariantOverhead
	if old != nil {
		n -= len(old.Body) + VariantOverhead
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files[name] != e || e.variants[i].Load() != old || !c.makeRoom(n, e) {
		return false
	}
	e.variants[i].Store(v)
	e.cost += n
	c.bytes += n
	return true
}

// makeRoom forgets entries other than keep, at random, until n more
// bytes fit within the bound; it reports whether they do. The caller
// holds the lock.
func (c *Cache[A]) makeRoom(n int, keep *Entry[A]) bool {
	if n > c.max {
		return false
	}
	for k, old := range c.files {
		if c.bytes+n <= c.max {
			break
		}
		if old != keep {
			delete(c.files, k)
			c.bytes -= old.cost
		}
	}
	return c.bytes+n <= c.max
}

// Len is how many entries c holds.
func (c *Cache[A]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.files)
}

// Bytes is what the entries c holds cost, at most the bound given New.
func (c *Cache[A]) Bytes() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.bytes
}
