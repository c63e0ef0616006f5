package fileserve_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/discard"
)

// TestHotNotFoundPage: a site's 404 page is held in the hot cache once
// sent, and every change to it is seen by the next 404, which answers as
// the general path does (as TestHotFileNeverStale checks for files).
func TestHotNotFoundPage(t *testing.T) {
	for _, tc := range append(fileChanges("404.html"), []fileChange{
		{"turned into a link inside", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("404.html")))
			symlink(t, hr.dir, "pages/lost.html", "404.html")
		}},
		{"turned into a FIFO", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("404.html")))
			must(t, syscall.Mkfifo(hr.path("404.html"), 0o644))
		}},
	}...) {
		t.Run(tc.name, func(t *testing.T) {
			hr := newHotRoot(t, map[string]string{
				"404.html": "<h1>Lost</h1>", ".env": "SECRET=1", "pages/lost.html": "<p>inside</p>",
			}, &fileserve.Options{NotFoundPage: "404.html"})
			before := hr.same(t, "GET", "/missing")
			if before != "<h1>Lost</h1>" || !hr.hot.HoldsHot("404.html") {
				t.Fatalf("GET /missing answered %q and took the page in: %v", before, hr.hot.HoldsHot("404.html"))
			}
			if again := hr.same(t, "GET", "/no/such/thing"); again != before {
				t.Fatalf("a hit answered %q, want %q", again, before)
			}
			hr.same(t, "HEAD", "/missing")
			time.Sleep(20 * time.Millisecond)
			tc.change(t, hr)
			if after := hr.same(t, "GET", "/missing"); after == before {
				t.Errorf("after the change GET /missing still answered %q", after)
			}
			hr.same(t, "HEAD", "/missing")
		})
	}
}

// TestNotFoundAllocs bounds the allocations of the commonest 404, a
// missing name on a site with NotFoundPage and CacheControl set but no
// 404.html, as the command line serves: the error page is made once,
// the 404.html check is one fstatat. (What is left: the C strings of the
// two fstatats, the asked name's and 404.html's; the Cache-Control set
// before the name is looked up; and the page's header values, which are
// this answer's own, see TestHeadersNotShared.)
func TestNotFoundAllocs(t *testing.T) {
	root, _ := tempRoot(t, map[string]string{"a.txt": "a"})
	h := fileserve.NewRoot(root, &fileserve.Options{NotFoundPage: "404.html", CacheControl: "no-cache"})
	needDirect(t, h)
	r := httptest.NewRequest(http.MethodGet, "/no-such-dir/no-such-file.txt", nil)
	w := discard.NewWriter()
	n := testing.AllocsPerRun(200, func() {
		w.Reset()
		h.ServeHTTP(w, r)
	})
	if w.Code != http.StatusNotFound || w.Header().Get("Content-Security-Policy") == "" || w.Header().Get("Cache-Control") != "" {
		t.Fatalf("status %d, header %v; want the built-in 404 page", w.Code, w.Header())
	}
	if n > maxNotFoundAllocs {
		t.Errorf("a 404 makes %v allocations, want at most %d", n, maxNotFoundAllocs)
	}
}

// maxNotFoundAllocs is what a 404 allocates once its page is made ahead
// (16 before that).
const maxNotFoundAllocs = 4
