package hashsum

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestCacheBound keeps the most recently used digests only.
func TestCacheBound(t *testing.T) {
	c := newCache(2)
	a, b, d := identity{size: 1}, identity{size: 2}, identity{size: 3}
	c.put(a, [sha256.Size]byte{1})
	c.put(b, [sha256.Size]byte{2})
	c.get(a) // a is now more recent than b
	c.put(d, [sha256.Size]byte{3})
	if _, ok := c.get(b); ok {
		t.Error("the least recently used digest was kept past the bound")
	}
	if sum, ok := c.get(a); !ok || sum[0] != 1 {
		t.Error("a recently used digest was dropped")
	}
	if c.order.Len() != 2 || len(c.byKey) != 2 {
		t.Errorf("the cache holds %d, %d", c.order.Len(), len(c.byKey))
	}
}

// TestWaitsItsTurn: with every turn taken, a request waits, and ends
// when its client goes away, without hashing.
func TestWaitsItsTurn(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o644)
	root, _ := os.OpenRoot(dir)
	defer root.Close()
	h := New(root, nil, &Options{MaxHashing: 1})
	h.turns <- struct{}{} // another hash runs
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.digest(ctx, "/a"); !errors.Is(err, context.Canceled) {
		t.Errorf("a request waiting its turn whose client left: %v", err)
	}
	<-h.turns
	if _, err := h.digest(context.Background(), "/a"); err != nil {
		t.Errorf("with a turn free: %v", err)
	}
}
