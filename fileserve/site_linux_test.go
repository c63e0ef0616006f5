package fileserve_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
)

// TestHotNotFoundPage: a site's 404 page is held in the hot cache once
// sent, and every change to it is seen by the next 404, which answers as
// the general path does (as TestHotFileNeverStale checks for files).
func TestHotNotFoundPage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, hr *hotRoot)
	}{
		{"rewritten in place, same size and mtime", func(t *testing.T, hr *hotRoot) {
			p := hr.path("404.html")
			info, err := os.Stat(p)
			must(t, err)
			must(t, os.WriteFile(p, []byte("<h1>GONE</h1>"), 0o644))
			must(t, os.Chtimes(p, info.ModTime(), info.ModTime()))
		}},
		{"replaced by rename", func(t *testing.T, hr *hotRoot) {
			must(t, os.WriteFile(hr.path("new.tmp"), []byte("<p>renamed</p>"), 0o644))
			must(t, os.Rename(hr.path("new.tmp"), hr.path("404.html")))
		}},
		{"truncated", func(t *testing.T, hr *hotRoot) { must(t, os.Truncate(hr.path("404.html"), 3)) }},
		{"deleted", func(t *testing.T, hr *hotRoot) { must(t, os.Remove(hr.path("404.html"))) }},
		{"turned into a link to a dotfile", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("404.html")))
			symlink(t, hr.dir, ".env", "404.html")
		}},
		{"turned into a link out of the root", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("404.html")))
			symlink(t, hr.dir, "../secret.txt", "404.html")
		}},
		{"turned into a link inside", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("404.html")))
			symlink(t, hr.dir, "pages/lost.html", "404.html")
		}},
		{"turned into a folder", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("404.html")))
			must(t, os.Mkdir(hr.path("404.html"), 0o755))
		}},
		{"turned into a FIFO", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("404.html")))
			must(t, syscall.Mkfifo(hr.path("404.html"), 0o644))
		}},
	} {
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
// 404.html, as the command line serves: the error page and its headers
// are made once, the 404.html check is one fstatat. (What is left: the
// C strings of the two fstatats, the asked name's and 404.html's.)
func TestNotFoundAllocs(t *testing.T) {
	root, _ := tempRoot(t, map[string]string{"a.txt": "a"})
	h := fileserve.NewRoot(root, &fileserve.Options{NotFoundPage: "404.html", CacheControl: "no-cache"})
	if !hasDirect(h) {
		t.Skip("skipping: this kernel has no openat2 (Linux before 5.6): the 404.html check goes through os.Root")
	}
	r := httptest.NewRequest(http.MethodGet, "/no-such-dir/no-such-file.txt", nil)
	w := &statusWriter{header: http.Header{}}
	n := testing.AllocsPerRun(200, func() {
		w.reset()
		h.ServeHTTP(w, r)
	})
	if w.code != http.StatusNotFound || w.header.Get("Content-Security-Policy") == "" || w.header.Get("Cache-Control") != "" {
		t.Fatalf("status %d, header %v; want the built-in 404 page", w.code, w.header)
	}
	if n > maxNotFoundAllocs {
		t.Errorf("a 404 makes %v allocations, want at most %d", n, maxNotFoundAllocs)
	}
}

// maxNotFoundAllocs is what a 404 allocated once its page and headers
// were made ahead (16 before).
const maxNotFoundAllocs = 2
