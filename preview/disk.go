package preview

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// diskCache keeps thumbnails as files in a directory of their own, up to
// a number of bytes: when a new one takes it past them, the least
// recently used are removed down to nine tenths. Each file holds its
// Content-Type, a newline, and the thumbnail, and is named by a hash of
// its key (a file's name and identity), so a changed file never finds an
// old thumbnail. Files are written to a temporary name and renamed, so a
// reader never sees half of one. All its methods do nothing on a nil
// diskCache.
type diskCache struct {
	dir string
	max int64
	log *slog.Logger

	mu   sync.Mutex
	used int64 // bytes of the entries, as last counted and since added
	ok   bool  // the directory exists
}

// diskSuffix ends every entry's name, so a trim removes nothing else.
const diskSuffix = ".thumb"

func newDiskCache(dir string, max int64, log *slog.Logger) *diskCache {
	c := &diskCache{dir: dir, max: max, log: log}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Warn("preview: thumbnails will not be kept on disk", "dir", dir, "err", err)
		return c
	}
	c.ok = true
	c.used = c.count()
	return c
}

// path is where the entry of key is kept.
func (c *diskCache) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.dir, hex.EncodeToString(sum[:16])+diskSuffix)
}

// get reads the entry of key, or returns nil.
func (c *diskCache) get(key string) *entry {
	if c == nil || !c.ok {
		return nil
	}
	p := c.path(key)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	ctype, data, found := bytes.Cut(b, []byte("\n"))
	if !found || !strings.HasPrefix(string(ctype), "image/") || len(data) == 0 {
		return nil
	}
	now := time.Now()
	os.Chtimes(p, now, now) //nolint:errcheck // the time only orders trims
	return &entry{contentType: string(ctype), data: data}
}

// put keeps e, a thumbnail, under key.
func (c *diskCache) put(key string, e *entry) {
	if c == nil || !c.ok || e.data == nil {
		return
	}
	f, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return
	}
	_, err = f.Write(append([]byte(e.contentType+"\n"), e.data...))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path(key))
	}
	if err != nil {
		os.Remove(f.Name())
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used += int64(len(e.contentType) + 1 + len(e.data))
	if c.used > c.max {
		c.trim()
	}
}

// count is the bytes of the entries in the directory.
func (c *diskCache) count() int64 {
	var n int64
	for _, e := range c.entries() {
		n += e.size
	}
	return n
}

// diskEntry is an entry's file as a trim sees it.
type diskEntry struct {
	name string
	size int64
	used time.Time
}

// entries lists the entries' files.
func (c *diskCache) entries() []diskEntry {
	des, _ := os.ReadDir(c.dir)
	var es []diskEntry
	for _, de := range des {
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() || !strings.HasSuffix(de.Name(), diskSuffix) {
			continue
		}
		es = append(es, diskEntry{de.Name(), info.Size(), info.ModTime()})
	}
	return es
}

// trim removes the least recently used entries until they take at most
// nine tenths of the bound. c.mu is held.
func (c *diskCache) trim() {
	es := c.entries()
	slices.SortFunc(es, func(a, b diskEntry) int { return cmp.Compare(a.used.UnixNano(), b.used.UnixNano()) })
	c.used = 0
	for _, e := range es {
		c.used += e.size
	}
	for _, e := range es {
		if c.used <= c.max/10*9 {
			break
		}
		if os.Remove(filepath.Join(c.dir, e.name)) == nil {
			c.used -= e.size
		}
	}
}
