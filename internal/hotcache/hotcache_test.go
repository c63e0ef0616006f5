package hotcache

import (
	"fmt"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/direct"
)

// TestPutGetDrop: Put holds its own copy of the content, replaces what
// the name had, and Drop forgets an entry only while it is the one held.
func TestPutGetDrop(t *testing.T) {
	c := New[string](1 << 20)
	body := []byte("hello")
	c.Put("a.txt", direct.Version{Ino: 1}, body, "one")
	body[0] = 'J'
	e := c.Get("a.txt")
	if e == nil || string(e.Body) != "hello" || e.Answer != "one" || e.Version.Ino != 1 {
		t.Fatalf("Get = %+v, want the copy put", e)
	}
	c.Put("a.txt", direct.Version{Ino: 2}, []byte("hi"), "two")
	c.Drop("a.txt", e) // out of date, but no longer the one held
	if got := c.Get("a.txt"); got == nil || got.Answer != "two" {
		t.Fatalf("Drop of an old entry forgot the new one: %+v", got)
	}
	c.Drop("a.txt", c.Get("a.txt"))
	if c.Get("a.txt") != nil || c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("after Drop: %d entries, %d bytes", c.Len(), c.Bytes())
	}
}

// TestBounded: however many files are put, the entries cost at most the
// bound, and fill most of it; empty files count too; an entry larger
// than the bound, or any entry in a Cache of 0 bytes, is not held.
func TestBounded(t *testing.T) {
	const max = 64 << 10
	for _, size := range []int{4 << 10, 0} {
		c := New[struct{}](max)
		n := max/(size+Overhead) + 20
		for i := range n {
			c.Put(fmt.Sprintf("f%05d", i), direct.Version{}, make([]byte, size), struct{}{})
			if c.Bytes() > max {
				t.Fatalf("files of %d bytes: %d bytes held, more than %d", size, c.Bytes(), max)
			}
		}
		if c.Bytes() < max/2 || c.Len() > max/(size+Overhead) {
			t.Errorf("files of %d bytes: %d entries, %d bytes held", size, c.Len(), c.Bytes())
		}
	}
	c := New[struct{}](max)
	c.Put("big", direct.Version{}, make([]byte, max), struct{}{})
	if c.Len() != 0 {
		t.Error("an entry larger than the bound was held")
	}
	if New[struct{}](0).Takes(0, direct.Version{}, time.Now()) {
		t.Error("a Cache of 0 bytes takes files")
	}
}

// TestVariants: a variant is held with its entry and counted with it,
// replaced only in place of the one the caller saw, never held for an
// entry no longer in the Cache, and forgotten with the entry.
func TestVariants(t *testing.T) {
	c := New[string](1 << 20)
	e := c.Put("a.js", direct.Version{Ino: 1}, []byte("content"), "plain")
	base := c.Bytes()
	v := &Variant[string]{Body: []byte("coded"), Answer: "zstd"}
	if !c.SetVariant("a.js", e, 1, nil, v) || e.Variant(1) != v || e.Variant(2) != nil {
		t.Fatalf("SetVariant: variant 1 is %+v", e.Variant(1))
	}
	if got := c.Bytes(); got != base+len("coded")+VariantOverhead {
		t.Errorf("with a variant: %d bytes, want %d", got, base+len("coded")+VariantOverhead)
	}
	if c.SetVariant("a.js", e, 1, nil, &Variant[string]{}) {
		t.Error("SetVariant replaced a variant it was not shown")
	}
	notWorth := &Variant[string]{Answer: "br"} // made, and no smaller
	if !c.SetVariant("a.js", e, 1, v, notWorth) || e.Variant(1) != notWorth || c.Bytes() != base+VariantOverhead {
		t.Errorf("replacing the variant: %+v, %d bytes", e.Variant(1), c.Bytes())
	}
	newer := c.Put("a.js", direct.Version{Ino: 2}, []byte("content 2"), "plain")
	if c.SetVariant("a.js", e, 2, nil, v) || e.Variant(2) != nil {
		t.Error("a variant was held for an entry no longer in the Cache")
	}
	c.SetVariant("a.js", newer, 0, nil, v)
	c.Drop("a.js", newer)
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("after Drop: %d entries, %d bytes", c.Len(), c.Bytes())
	}
}

// TestWhole: a nil body holds a file for its variants alone; an empty
// file's body is empty, and held.
func TestWhole(t *testing.T) {
	c := New[struct{}](1 << 20)
	if e := c.Put("big.js", direct.Version{}, nil, struct{}{}); e == nil || e.Whole || e.Body != nil {
		t.Errorf("held for its variants: %+v", e)
	}
	if e := c.Put("empty.txt", direct.Version{}, []byte{}, struct{}{}); e == nil || !e.Whole || len(e.Body) != 0 {
		t.Errorf("an empty file: %+v", e)
	}
}

// TestVariantsBounded: variants count against the bound, room for one
// is made by forgetting other entries, never its own, and a variant that
// cannot fit is not held.
func TestVariantsBounded(t *testing.T) {
	const max = 64 << 10
	c := New[struct{}](max)
	var entries []*Entry[struct{}]
	for i := range 8 {
		entries = append(entries, c.Put(fmt.Sprintf("f%d", i), direct.Version{}, make([]byte, 4<<10), struct{}{}))
	}
	keep := entries[7]
	if !c.SetVariant("f7", keep, 0, nil, &Variant[struct{}]{Body: make([]byte, 40<<10)}) {
		t.Fatal("a variant that fits once others are forgotten was not held")
	}
	if c.Bytes() > max || c.Get("f7") != keep {
		t.Errorf("%d bytes held (bound %d); f7 held: %v", c.Bytes(), max, c.Get("f7") == keep)
	}
	if c.SetVariant("f7", keep, 1, nil, &Variant[struct{}]{Body: make([]byte, max)}) || keep.Variant(1) != nil {
		t.Error("a variant larger than the bound was held")
	}
}
