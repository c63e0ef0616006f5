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
// The memory held is bounded: each entry counts its name, its content
// and Overhead, and room is made by forgetting entries at random.
package hotcache

import (
	"sync"
	"time"

	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/localfs"
)

// Entry is one version of one file, held in memory with the answer made
// from it. Nothing in it changes once it is in a Cache.
type Entry[A any] struct {
	Version direct.Version // the file's when it was read
	Body    []byte         // its whole content, the Cache's own copy
	Answer  A
}

// Overhead is what an entry costs besides its name and content (the
// entry, its answer, the map's slot), so that empty files count too.
const Overhead = 512

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
		c.bytes -= cost(name, old.Body)
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
// version v, with answer, in place of any entry name had. To make room it
// forgets entries at random (a map's order); an entry that would cost
// more than the whole bound is not held.
func (c *Cache[A]) Put(name string, v direct.Version, body []byte, answer A) {
	n := cost(name, body)
	if n > c.max {
		return
	}
	e := &Entry[A]{Version: v, Body: append([]byte(nil), body...), Answer: answer}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.files[name]; old != nil {
		delete(c.files, name)
		c.bytes -= cost(name, old.Body)
	}
	for k, old := range c.files {
		if c.bytes+n <= c.max {
			break
		}
		delete(c.files, k)
		c.bytes -= cost(k, old.Body)
	}
	c.files[name] = e
	c.bytes += n
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

// cost is what the entry of name with content body counts against the
// bound.
func cost(name string, body []byte) int { return len(name) + len(body) + Overhead }
