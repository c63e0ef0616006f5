package listing

import (
	"sync"
	"time"

	"github.com/simplehttp/simplehttp/internal/localfs"
)

// A NameCache remembers the names in folders listed recently, so that a
// folder listed again while unchanged is not read again: reading the
// names of 10,000 entries is a sixth of their listing's time. Entries are
// still stat'ed on every listing, so sizes and times are always fresh.
//
// A folder's names are trusted while its stamp (device, inode, change and
// modification times, size) is the one seen before they were read: the
// kernel changes a folder's times whenever an entry is added, removed or
// renamed. As in git's "racy" check, a folder changed too shortly before
// it was read ([localfs.Settled]) is not remembered, since a change made
// later in the same tick of the file system's clock would leave its
// stamp as it was. Only folders on Linux's local file systems (those package localfs
// trusts: ext4, xfs, btrfs, tmpfs and the like) are cached: another
// computer's clock and caches decide a network folder's times.
//
// A NameCache is safe for concurrent use. The zero value is not usable;
// make one with [NewNameCache]. A nil *NameCache caches nothing.
type NameCache struct {
	mu    sync.Mutex
	dirs  map[dirID]cachedNames
	bytes int              // the cost of every entry in dirs
	max   int              // the most bytes that dirs may cost
	now   func() time.Time // time.Now; tests move it past localfs.SettleTime
}

// dirID is a folder's identity: its device and inode.
type dirID struct{ dev, ino uint64 }

// dirStamp is what changes when a folder's entries do.
type dirStamp struct {
	ctime, mtime time.Time
	size         int64
}

// cachedNames is a folder's names and the stamp they were read under.
type cachedNames struct {
	stamp dirStamp
	names []string
	cost  int
}

// NewNameCache returns a NameCache that keeps the names of as many
// folders as fit in about maxBytes of memory. A folder that would take
// more than a quarter of that is never kept.
func NewNameCache(maxBytes int) *NameCache {
	return &NameCache{dirs: make(map[dirID]cachedNames), max: maxBytes, now: time.Now}
}

// get returns the names of the folder id, if they were read under stamp.
// The slice is shared: callers must not change it.
func (c *NameCache) get(id dirID, stamp dirStamp) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.dirs[id]
	if !ok || e.stamp != stamp {
		return nil, false
	}
	return e.names, true
}

// put remembers names, read from the folder id starting at readAt, under
// the stamp it had before, unless the folder changed too close to readAt
// to tell a later change from this state, or the names cost too much.
func (c *NameCache) put(id dirID, stamp dirStamp, readAt time.Time, names []string) {
	if c == nil {
		return
	}
	cost := namesCost(names)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.dirs[id]; ok { // out of date, or get would have had it
		c.bytes -= old.cost
		delete(c.dirs, id)
	}
	if !stamp.settledBy(readAt) || cost > c.max/4 {
		return
	}
	for victim, e := range c.dirs { // map order: a random victim each time
		if c.bytes+cost <= c.max {
			break
		}
		c.bytes -= e.cost
		delete(c.dirs, victim)
	}
	c.dirs[id] = cachedNames{stamp: stamp, names: names, cost: cost}
	c.bytes += cost
}

// settledBy reports whether the folder, read at t, had settled: its
// times lie far enough before t to change with any later change.
func (s dirStamp) settledBy(t time.Time) bool {
	return localfs.Settled(s.ctime, t) && localfs.Settled(s.mtime, t)
}

// namesCost is about the memory names take: their bytes and headers.
func namesCost(names []string) int {
	n := 64 + 16*len(names)
	for _, s := range names {
		n += len(s)
	}
	return n
}
