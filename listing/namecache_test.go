package listing

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/localfs"
)

// TestNameCacheFollowsChanges lists a real folder through a NameCache
// while entries are added, renamed and removed: every listing shows the
// folder as it is, and an unchanged folder is listed from the cache.
func TestNameCacheFollowsChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	made := time.Now() // the folder's change time is this or later
	for _, n := range []string{"a", "b"} {
		must(t, os.WriteFile(filepath.Join(dir, n), nil, 0o644))
	}
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	d, err := os.Open(dir)
	must(t, err)
	defer d.Close()
	if !onLocalFS(dirFD(d)) {
		t.Skip("the temporary folder is not on a local file system: nothing is cached there")
	}
	cache := NewNameCache(1 << 20)
	list := func() []string {
		t.Helper()
		l, err := Read(context.Background(), root.FS(), ".", "/", Options{Names: cache})
		must(t, err)
		var names []string
		for _, e := range l.Entries {
			names = append(names, e.Name)
		}
		return names
	}
	check := func(step string, want ...string) {
		t.Helper()
		if got := list(); !slices.Equal(got, want) {
			t.Errorf("%s: listed %q, want %q", step, got, want)
		}
	}

	// The cache's clock stands at the folder's making, then past its
	// settling, then runs again: however slow the machine, the folder
	// is first "just made", then settled, then changed a moment ago.
	cache.now = func() time.Time { return made }
	check("just made", "a", "b")
	if len(cache.dirs) != 0 {
		t.Fatal("a folder changed a moment ago was cached")
	}
	cache.now = func() time.Time { return time.Now().Add(localfs.SettleTime + time.Second) }
	check("settled", "a", "b")
	if len(cache.dirs) != 1 {
		t.Fatalf("a settled folder was not cached: %d folders in the cache", len(cache.dirs))
	}
	cache.now = time.Now
	// Prove the next listing comes from the cache: it shows what the
	// cache holds, not what the folder does.
	for id, e := range cache.dirs {
		e.names = []string{"b"}
		cache.dirs[id] = e
	}
	check("cached", "b")

	must(t, os.WriteFile(filepath.Join(dir, "c"), nil, 0o644))
	check("added", "a", "b", "c")
	must(t, os.Rename(filepath.Join(dir, "b"), filepath.Join(dir, "B")))
	check("renamed", "a", "B", "c")
	must(t, os.Remove(filepath.Join(dir, "a")))
	check("removed", "B", "c")
	if len(cache.dirs) != 0 {
		t.Error("the cache kept a folder that changed a moment ago")
	}
}

// TestNameCacheRacy checks that names are kept only when the folder had
// not changed for localfs.SettleTime before they were read.
func TestNameCacheRacy(t *testing.T) {
	changed := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		ctime, mtime time.Time
		readAt       time.Time
		kept         bool
	}{
		{"settled", changed, changed, changed.Add(localfs.SettleTime + time.Nanosecond), true},
		{"same tick", changed, changed, changed, false},
		{"just under", changed, changed, changed.Add(localfs.SettleTime), false},
		{"ctime recent", changed.Add(time.Hour), changed, changed.Add(time.Hour + time.Second), false},
		{"mtime recent", changed, changed.Add(time.Hour), changed.Add(time.Hour + time.Second), false},
		{"clock behind the disk", changed, changed, changed.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		c := NewNameCache(1 << 20)
		stamp := dirStamp{ctime: tt.ctime, mtime: tt.mtime, size: 4096}
		c.put(dirID{1, 2}, stamp, tt.readAt, []string{"x"})
		if _, ok := c.get(dirID{1, 2}, stamp); ok != tt.kept {
			t.Errorf("%s: kept %v, want %v", tt.name, ok, tt.kept)
		}
	}
}

// TestNameCacheStamps checks that names are returned only for the same
// folder under the same stamp.
func TestNameCacheStamps(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	stamp := dirStamp{ctime: old, mtime: old, size: 4096}
	c := NewNameCache(1 << 20)
	c.put(dirID{1, 2}, stamp, time.Now(), []string{"x"})
	later := old.Add(time.Nanosecond)
	for _, tt := range []struct {
		name  string
		id    dirID
		stamp dirStamp
		hit   bool
	}{
		{"same", dirID{1, 2}, stamp, true},
		{"other inode", dirID{1, 3}, stamp, false},
		{"other device", dirID{2, 2}, stamp, false},
		{"ctime", dirID{1, 2}, dirStamp{ctime: later, mtime: old, size: 4096}, false},
		{"mtime", dirID{1, 2}, dirStamp{ctime: old, mtime: later, size: 4096}, false},
		{"size", dirID{1, 2}, dirStamp{ctime: old, mtime: old, size: 8192}, false},
	} {
		if _, ok := c.get(tt.id, tt.stamp); ok != tt.hit {
			t.Errorf("%s: hit %v, want %v", tt.name, ok, tt.hit)
		}
	}
}

// TestNameCacheBudget checks that the cache stays within its bytes, that
// a folder too big for it is not kept, and that a nil cache is inert.
func TestNameCacheBudget(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	stamp := dirStamp{ctime: old, mtime: old}
	names := make([]string, 20)
	for i := range names {
		names[i] = fmt.Sprintf("file-%05d.txt", i)
	}
	c := NewNameCache(8 * namesCost(names))
	for ino := range uint64(100) {
		c.put(dirID{1, ino}, stamp, time.Now(), names)
		if c.bytes > c.max {
			t.Fatalf("after %d folders the cache holds %d bytes, over its %d", ino+1, c.bytes, c.max)
		}
	}
	sum := 0
	for _, e := range c.dirs {
		sum += e.cost
	}
	if sum != c.bytes || len(c.dirs) != 8 {
		t.Errorf("%d folders costing %d, counted as %d; want 8 and the same count", len(c.dirs), sum, c.bytes)
	}
	c.put(dirID{2, 1}, stamp, time.Now(), slices.Repeat(names, 3)) // over a quarter
	if _, ok := c.get(dirID{2, 1}, stamp); ok {
		t.Error("a folder over a quarter of the cache was kept")
	}

	var none *NameCache
	none.put(dirID{1, 1}, stamp, time.Now(), names)
	if _, ok := none.get(dirID{1, 1}, stamp); ok {
		t.Error("a nil cache returned names")
	}
}

// TestNameCacheConcurrent hammers one cache from several goroutines, as
// concurrent listings do: run with -race, it must stay within its bytes
// and only ever hand out the names put under the stamp asked for.
func TestNameCacheConcurrent(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	names := func(ino uint64) []string { return []string{fmt.Sprint(ino), "shared-name"} }
	c := NewNameCache(8 * namesCost(names(100)))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				ino := uint64((g*7 + i) % 20)
				stamp := dirStamp{ctime: old, mtime: old, size: int64(ino)}
				if got, ok := c.get(dirID{1, ino}, stamp); ok && got[0] != fmt.Sprint(ino) {
					t.Errorf("folder %d: got the names of folder %s", ino, got[0])
					return
				}
				c.put(dirID{1, ino}, stamp, time.Now(), names(ino))
			}
		})
	}
	wg.Wait()
	if c.bytes > c.max {
		t.Errorf("the cache holds %d bytes, over its %d", c.bytes, c.max)
	}
}
