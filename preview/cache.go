package preview

import (
	"container/list"
	"sync"
)

// entry is a thumbnail as it is sent: its type and bytes. A nil data is
// an image that could not be made (too large, malformed), answered with
// its type's icon until the file changes.
type entry struct {
	contentType string
	data        []byte
}

// entryOverhead is what an entry costs besides its data: the key, the
// list element and the map slot, about.
const entryOverhead = 256

// memoryCache keeps the most recently used entries up to a number of
// bytes. Keys name a file's version (its name and identity), so an entry
// is never stale: a changed file has another key, and its old entry ages
// out.
type memoryCache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	order *list.List // of *cached, most recently used first
	byKey map[string]*list.Element
}

type cached struct {
	key string
	e   *entry
}

func newMemoryCache(max int64) *memoryCache {
	return &memoryCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the entry of key, or nil.
func (c *memoryCache) get(key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached).e
}

// put keeps e under key, dropping the least recently used entries past
// the bound. An entry larger than the whole bound is not kept.
func (c *memoryCache) put(key string, e *entry) {
	size := cost(key, e)
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.used -= cost(key, el.Value.(*cached).e)
		c.order.Remove(el)
	}
	c.byKey[key] = c.order.PushFront(&cached{key, e})
	c.used += size
	for c.used > c.max {
		last := c.order.Back()
		old := last.Value.(*cached)
		c.order.Remove(last)
		delete(c.byKey, old.key)
		c.used -= cost(old.key, old.e)
	}
}

func cost(key string, e *entry) int64 {
	return int64(len(key)+len(e.data)+len(e.contentType)) + entryOverhead
}
