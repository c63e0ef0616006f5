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
