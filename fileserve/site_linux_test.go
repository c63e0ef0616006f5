package fileserve_test

import (
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
