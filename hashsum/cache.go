package hashsum

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// cache remembers digests by file identity, up to a number of them, the
// least recently used dropped first.
type cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cached, the most recently used first
	byKey map[identity]*list.Element
}

type cached struct {
	key identity
	sum [sha256.Size]byte
}

func newCache(max int) *cache {
	return &cache{max: max, order: list.New(), byKey: map[identity]*list.Element{}}
}

// get returns the digest remembered for key.
func (c *cache) get(key identity) ([sha256.Size]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return [sha256.Size]byte{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).sum, true
}

// put remembers sum for key, dropping the least recently used digest
// when the cache is full.
func (c *cache) put(key identity, sum [sha256.Size]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&cached{key: key, sum: sum})
	if c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cached).key)
	}
}
