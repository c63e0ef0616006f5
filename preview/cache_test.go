package preview

import (
	"context"
	"image/color"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoryCacheBound(t *testing.T) {
	one := &entry{contentType: "image/jpeg", data: make([]byte, 1000)}
	c := newMemoryCache(3 * cost("a", one))
	c.put("a", one)
	c.put("b", one)
	c.put("c", one)
	c.get("a") // a is now the most recently used; b the least
	c.put("d", one)
	for key, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if got := c.get(key) != nil; got != want {
			t.Errorf("%s kept: %v, want %v", key, got, want)
		}
	}
	if c.used > c.max {
		t.Errorf("used %d of %d", c.used, c.max)
	}
	c.put("huge", &entry{data: make([]byte, 10000)})
	if c.get("huge") != nil || c.get("a") == nil {
		t.Error("an entry larger than the bound displaced the others")
	}
	none := newMemoryCache(-1)
	none.put("a", one)
	if none.get("a") != nil {
		t.Error("a cache of no bytes kept an entry")
	}
}

func TestPoolQueue(t *testing.T) {
	p := newPool(1, 1)
	ctx := context.Background()
	if !p.acquire(ctx) {
		t.Fatal("the first acquire failed")
	}
	waited := make(chan bool)
	go func() { waited <- p.acquire(ctx) }()
	// Wait until the second is in the queue, then a third finds it full.
	for p.waiting.Load() == 0 {
		runtime.Gosched()
	}
	if p.acquire(ctx) {
		t.Fatal("acquired past a full queue")
	}
	p.release()
	if !<-waited {
		t.Fatal("the waiter did not get the slot released")
	}
	p.release()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	p.acquire(ctx)
	if p.acquire(canceled) {
		t.Error("acquired with a canceled context while busy")
	}
}

func TestFlightsMakeOnce(t *testing.T) {
	var fl flights
	var made atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]*entry, 8)
	fn := func() *entry {
		made.Add(1)
		close(started)
		<-release
		return &entry{contentType: "image/png"}
	}
	wg.Add(1)
	go func() { defer wg.Done(); results[0] = fl.do(context.Background(), "k", fn) }()
	<-started
	for i := 1; i < len(results); i++ {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = fl.do(context.Background(), "k", fn) }()
	}
	for fl.joined.Load() < int64(len(results)-1) {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := made.Load(); n != 1 {
		t.Errorf("made %d times", n)
	}
	for i, e := range results {
		if e == nil || e.contentType != "image/png" {
			t.Errorf("caller %d got %v", i, e)
		}
	}
}

func TestDiskCache(t *testing.T) {
	cacheDir := t.TempDir()
	s := newSite(t, &Options{DiskCache: cacheDir})
	s.write(t, "photo.jpg", photo(t, 64, 48, color.RGBA{250, 0, 0, 255}))
	if w := s.get(t, "GET", "/photo.jpg?thumb", nil); w.Header().Get("Content-Type") != "image/jpeg" {
		t.Fatalf("no thumbnail: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	kept, _ := filepath.Glob(filepath.Join(cacheDir, "*"+diskSuffix))
	if len(kept) != 1 {
		t.Fatalf("%d files in the disk cache, want 1", len(kept))
	}
	// A new handler (a new process) finds it there: prove it by changing
	// what is kept.
	if err := os.WriteFile(kept[0], []byte("image/png\nkept on disk"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.h = New(s.root.FS(), s.h.next, &Options{DiskCache: cacheDir})
	w := s.get(t, "GET", "/photo.jpg?thumb", nil)
	if w.Header().Get("Content-Type") != "image/png" || w.Body.String() != "kept on disk" {
		t.Errorf("not from the disk cache: %s %q", w.Header().Get("Content-Type"), w.Body.String())
	}
	entries, _ := os.ReadDir(cacheDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}

func TestDiskCacheTrims(t *testing.T) {
	dir := t.TempDir()
	c := newDiskCache(dir, 1000, slog.Default())
	for i := range 10 {
		key := strings.Repeat("k", i+1)
		c.put(key, &entry{contentType: "image/jpeg", data: make([]byte, 200)})
		// Each entry used a second after the one before, all long ago:
		// the one just put is always the newest.
		when := time.Unix(1e9+int64(i), 0)
		os.Chtimes(c.path(key), when, when) //nolint:errcheck // trimmed already
	}
	var total int64
	for _, e := range c.entries() {
		total += e.size
	}
	if total > 1000 || c.used != total {
		t.Errorf("%d bytes on disk (counted %d), bound 1000", total, c.used)
	}
	if c.get(strings.Repeat("k", 10)) == nil {
		t.Error("the newest entry was trimmed")
	}
}

func TestViewRemembered(t *testing.T) {
	var seen *http.Request
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r })
	h := New(os.DirFS(t.TempDir()), next, nil)
	serve := func(target string, hdr http.Header) *http.Response {
		t.Helper()
		r, _ := http.NewRequest("GET", "http://x"+target, nil)
		for k, v := range hdr {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	resp := serve("/photos/?view=grid&sort=size", nil)
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != viewCookie || cookies[0].Value != "grid" || cookies[0].Path != "/" {
		t.Fatalf("cookies %v, want %s=grid for /", cookies, viewCookie)
	}
	if seen.URL.RawQuery != "view=grid&sort=size" {
		t.Errorf("query passed on %q", seen.URL.RawQuery)
	}
	resp = serve("/photos/sub/", http.Header{"Cookie": {viewCookie + "=grid"}, "If-Modified-Since": {"Sat, 01 Jan 2000 00:00:00 GMT"}})
	if seen.URL.Query().Get("view") != "grid" || seen.Header.Get("If-Modified-Since") != "" {
		t.Errorf("with the cookie: query %q, If-Modified-Since %q", seen.URL.RawQuery, seen.Header.Get("If-Modified-Since"))
	}
	if resp.Header.Get("Vary") != "Cookie" {
		t.Errorf("Vary %q, want Cookie", resp.Header.Get("Vary"))
	}
	serve("/photos/", http.Header{"Cookie": {viewCookie + "=<script>"}})
	if seen.URL.RawQuery != "" {
		t.Errorf("a cookie of no view changed the query: %q", seen.URL.RawQuery)
	}
	resp = serve("/photos/", nil)
	if seen.URL.RawQuery != "" || resp.Header.Get("Vary") != "" || len(resp.Cookies()) != 0 {
		t.Errorf("without a cookie: query %q, Vary %q, cookies %v", seen.URL.RawQuery, resp.Header.Get("Vary"), resp.Cookies())
	}
}
