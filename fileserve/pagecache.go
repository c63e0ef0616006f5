package fileserve

import (
	"slices"
	"sync"

	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/listing"
)

// pageCache keeps the listing pages lately made and sent whole, coded,
// each with the fingerprint of the listing it was made from. A listing
// asked for again is still read anew, every entry stat'ed, as it is for
// every answer: only if it has the same fingerprint is the page sent as
// it was kept, without rendering and compressing it again. Its memory is
// bounded; room is made by forgetting pages at random.
type pageCache struct {
	mu       sync.Mutex
	pages    map[pageKey]*keptPage
	bytes    int
	maxBytes int
}

// pageKey names a page: a listing's URL path, its query, its format and
// the coding of the page.
type pageKey struct {
	path   string
	query  listing.Query
	format listing.Format
	coding coding.Coding
}

// keptPage is a page kept, with what it was made from.
type keptPage struct {
	sum  uint64 // the listing's fingerprint
	at   int64  // the second its relative times count from; 0 for none
	body []byte
}

// pageOverhead is what a kept page costs besides its body and the
// strings of its key.
const pageOverhead = 128

// pageCacheBytes bounds the pages a Handler keeps: a 10,000-entry
// listing, coded, takes about 22 KB.
const pageCacheBytes = 2 << 20

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{pages: map[pageKey]*keptPage{}, maxBytes: maxBytes}
}

// cost is what the page body of k costs.
func (k pageKey) cost(body []byte) int {
	return pageOverhead + len(k.path) + len(k.query.Filter) + len(body)
}

// get returns the page of k made from a listing with the fingerprint sum,
// whose relative times count from the second at, or nil.
func (c *pageCache) get(k pageKey, sum uint64, at int64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.pages[k]; p != nil && p.sum == sum && p.at == at {
		return p.body
	}
	return nil
}

// put keeps a copy of body as the page of k, made from a listing with the
// fingerprint sum, its relative times counting from the second at.
func (c *pageCache) put(k pageKey, sum uint64, at int64, body []byte) {
	cost := k.cost(body)
	if cost > c.maxBytes {
		return
	}
	p := &keptPage{sum: sum, at: at, body: slices.Clone(body)}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forget(k)
	for k := range c.pages { // in random order
		if c.bytes+cost <= c.maxBytes {
			break
		}
		c.forget(k)
	}
	c.pages[k] = p
	c.bytes += cost
}

// forget drops the page of k, if there is one.
func (c *pageCache) forget(k pageKey) {
	if p := c.pages[k]; p != nil {
		c.bytes -= k.cost(p.body)
		delete(c.pages, k)
	}
}
