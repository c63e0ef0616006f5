package fileserve_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/discard"
	"github.com/simplehttp/simplehttp/internal/localfs"
	"golang.org/x/sys/unix"
)

// hotRoot is a served folder whose Handler holds hot files, beside a
// Handler of the general path (no openat2, no cache) over the same
// folder: whatever the folder becomes, both must answer alike.
type hotRoot struct {
	dir          string
	hot, general *fileserve.Handler
}

// newHotRoot serves files (as tempRoot takes them) with every file
// settled at once, so the first GET of a small file takes it in. Both
// Handlers' clocks stand still at the same moment, so that a listing's
// relative times ("1 hour ago") read the same from both, however long
// the test takes.
func newHotRoot(t *testing.T, files map[string]string, opt *fileserve.Options) *hotRoot {
	t.Helper()
	root, dir := tempRoot(t, files)
	hot := fileserve.NewRoot(root, opt)
	needDirect(t, hot)
	general := fileserve.New(root.FS(), opt)
	settled := time.Now().Add(time.Hour)
	hot.SetClock(settled)
	general.SetClock(settled)
	return &hotRoot{dir: dir, hot: hot, general: general}
}

// needDirect skips the test unless h answers through openat2, which the
// hot cache needs (TestServeDirectTaken checks the same from inside).
func needDirect(t testing.TB, h *fileserve.Handler) {
	t.Helper()
	if !fileserve.HasDirect(h) {
		t.Skip("skipping: this kernel has no openat2 (Linux before 5.6), so there is no direct path and no hot cache")
	}
}

// same asks both Handlers for target and fails unless the answers are
// equal (sameAnswers). It returns the body.
func (hr *hotRoot) same(t *testing.T, method, target string, header ...string) string {
	t.Helper()
	return sameAnswers(t, hr.general, hr.hot, method, target, header...)
}

// path is the file name under the served folder.
func (hr *hotRoot) path(name string) string { return filepath.Join(hr.dir, filepath.FromSlash(name)) }

// fileChange is a way of changing a file that the hot cache may hold.
type fileChange struct {
	name   string
	change func(t *testing.T, hr *hotRoot)
}

// fileChanges are the ways of changing the file name, at the top of the
// served folder, that a held file and a held 404 page must both survive:
// rewritten with the same size and mtime, replaced by rename, truncated,
// deleted, or turned into a link (to a dotfile, out of the root) or a
// folder.
func fileChanges(name string) []fileChange {
	replace := func(t *testing.T, hr *hotRoot) { must(t, os.Remove(hr.path(name))) }
	return []fileChange{
		{"rewritten in place, same size and mtime", func(t *testing.T, hr *hotRoot) {
			p := hr.path(name)
			info, err := os.Stat(p)
			must(t, err)
			old, err := os.ReadFile(p)
			must(t, err)
			must(t, os.WriteFile(p, bytes.ToUpper(old), 0o644))
			must(t, os.Chtimes(p, info.ModTime(), info.ModTime()))
		}},
		{"replaced by rename", func(t *testing.T, hr *hotRoot) {
			must(t, os.WriteFile(hr.path("new.tmp"), []byte("renamed\n"), 0o644))
			must(t, os.Rename(hr.path("new.tmp"), hr.path(name)))
		}},
		{"truncated", func(t *testing.T, hr *hotRoot) { must(t, os.Truncate(hr.path(name), 2)) }},
		{"deleted", replace},
		{"turned into a link to a dotfile", func(t *testing.T, hr *hotRoot) {
			replace(t, hr)
			symlink(t, hr.dir, ".env", name)
		}},
		{"turned into a link out of the root", func(t *testing.T, hr *hotRoot) {
			replace(t, hr)
			symlink(t, hr.dir, "../secret.txt", name)
		}},
		{"turned into a folder", func(t *testing.T, hr *hotRoot) {
			replace(t, hr)
			must(t, os.Mkdir(hr.path(name), 0o755))
		}},
	}
}

// folderLinkedOut moves the folder name out of the root and puts a link
// to it in its place.
func folderLinkedOut(name string) func(t *testing.T, hr *hotRoot) {
	return func(t *testing.T, hr *hotRoot) {
		out := filepath.Join(filepath.Dir(hr.dir), name)
		must(t, os.Rename(hr.path(name), out))
		symlink(t, hr.dir, out, name)
	}
}

// TestHotFileNeverStale: once a file is held, every way of changing it
// or the folders on its way is seen by the next request, which answers
// as the general path does. Each change comes 20 ms after the file was
// written, past a tick of the kernel's clock, so that it gets a ctime of
// its own (within one tick it would not: that is what the settling
// window of the real clock is for, and TestHotFileUnsettled checks).
func TestHotFileNeverStale(t *testing.T) {
	type staleCase struct {
		name   string
		target string
		change func(t *testing.T, hr *hotRoot)
		same   bool // the general path may still answer as before
	}
	cases := []staleCase{
		{"index rewritten", "/site/", func(t *testing.T, hr *hotRoot) {
			must(t, os.WriteFile(hr.path("site/index.html"), []byte("<p>two</p>"), 0o644))
		}, false},
		{"index deleted", "/site/", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("site/index.html")))
		}, false},
		{"index turned into a link to a dotfile", "/site/", func(t *testing.T, hr *hotRoot) {
			must(t, os.Remove(hr.path("site/index.html")))
			symlink(t, hr.dir, "../.env", "site/index.html")
		}, false},
		{"index folder swapped for a link out of the root", "/site/", folderLinkedOut("site"), false},
		{"made unreadable", "/a.txt", func(t *testing.T, hr *hotRoot) {
			must(t, os.Chmod(hr.path("a.txt"), 0o200))
		}, os.Geteuid() == 0}, // root reads it still
		{"its folder swapped for another", "/sub/b.txt", func(t *testing.T, hr *hotRoot) {
			must(t, os.Rename(hr.path("sub"), hr.path("sub.old")))
			must(t, os.Mkdir(hr.path("sub"), 0o755))
			must(t, os.WriteFile(hr.path("sub/b.txt"), []byte("other\n"), 0o644))
		}, false},
		{"its folder swapped for a link out of the root", "/sub/b.txt", folderLinkedOut("sub"), false},
		{"its folder swapped for a link to a dot-folder", "/sub/b.txt", func(t *testing.T, hr *hotRoot) {
			must(t, os.Rename(hr.path("sub"), hr.path(".hidden")))
			symlink(t, hr.dir, ".hidden", "sub")
		}, false},
		{"a folder higher up swapped for a link", "/deep/er/c.txt", folderLinkedOut("deep"), false},
	}
	for _, c := range fileChanges("a.txt") {
		cases = append(cases, staleCase{c.name, "/a.txt", c.change, false})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hr := newHotRoot(t, map[string]string{
				"a.txt": "hello\n", ".env": "SECRET=1\n", "sub/b.txt": "bbbbb\n", "deep/er/c.txt": "ccc\n",
				"site/index.html": "<p>one</p>", "site/x.txt": "x",
			}, nil)
			name := strings.TrimPrefix(tc.target, "/")
			if strings.HasSuffix(name, "/") {
				name += "index.html"
			}
			before := hr.same(t, "GET", tc.target)
			if !hr.hot.HoldsHot(name) {
				t.Fatalf("GET %s did not take the file in: this test would prove nothing", tc.target)
			}
			if again := hr.same(t, "GET", tc.target); again != before {
				t.Fatalf("a hit answered %q, want %q", again, before)
			}
			time.Sleep(20 * time.Millisecond)
			tc.change(t, hr)
			if after := hr.same(t, "GET", tc.target); after == before && !tc.same {
				t.Errorf("after the change GET %s still answered %q", tc.target, after)
			}
			hr.same(t, "HEAD", tc.target)
		})
	}
}

// TestHotFileUntrustedFS: on a file system that package localfs does not
// trust (NFS, CIFS and FUSE here, pretended), whose stat may answer from
// a cache, neither a small file nor the site's 404 page is held; they are
// read for every request and answered as the general path answers. On
// one it trusts they are held. It pretends, so it runs alone.
func TestHotFileUntrustedFS(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  uint32
		held bool
	}{
		{"ext4", unix.EXT4_SUPER_MAGIC, true},
		{"nfs", unix.NFS_SUPER_MAGIC, false},
		{"cifs", unix.CIFS_SUPER_MAGIC, false},
		{"fuse", unix.FUSE_SUPER_MAGIC, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hr := newHotRoot(t, map[string]string{"a.txt": "hello\n", "404.html": "<p>lost</p>"},
				&fileserve.Options{NotFoundPage: "404.html"})
			defer localfs.Pretend(tc.typ)()
			for range 2 {
				hr.same(t, "GET", "/a.txt")
				hr.same(t, "GET", "/missing.txt")
			}
			for _, name := range []string{"a.txt", "404.html"} {
				if got := hr.hot.HoldsHot(name); got != tc.held {
					t.Errorf("%s held: %v, want %v", name, got, tc.held)
				}
			}
		})
	}
}

// TestHotFileAnswers: a hit answers as the general path does, for GET and
// HEAD, at the root and deep down; requests that are not for the whole
// file (ranges, preconditions) are answered by the general path, right.
func TestHotFileAnswers(t *testing.T) {
	hr := newHotRoot(t, map[string]string{
		"a.txt": "hello\n", "page.html": "<!doctype html><p>hi</p>", "noext": "%PDF-1.4 sniffed",
		"deep/er/x.css": "body{}", "empty.txt": "", "deep/index.html": "<p>deep</p>", "index.html": "<p>top</p>",
	}, &fileserve.Options{CacheControl: "no-cache"})
	for _, target := range []string{"/a.txt", "/page.html", "/noext", "/deep/er/x.css", "/empty.txt", "/deep/", "/"} {
		hr.same(t, "GET", target) // takes it in
		name := strings.TrimPrefix(target, "/")
		if strings.HasSuffix(target, "/") {
			name += "index.html"
		} else {
			hr.same(t, "GET", target+"/")
		}
		if !hr.hot.HoldsHot(name) {
			t.Errorf("GET %s did not take %s in", target, name)
		}
		hr.same(t, "GET", target)
		hr.same(t, "HEAD", target)
		hr.same(t, "GET", target, "Range", "bytes=1-2")
		validators := serve(t, hr.general, "GET", target).Header
		etag, lastModified := validators.Get("ETag"), validators.Get("Last-Modified")
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*", `"other"`} {
			hr.same(t, "GET", target, "If-None-Match", inm)
			hr.same(t, "HEAD", target, "If-None-Match", inm)
			hr.same(t, "GET", target, "If-None-Match", inm, "If-Modified-Since", lastModified)
		}
		hr.same(t, "GET", target, "If-Modified-Since", lastModified)
		hr.same(t, "GET", target, "If-Match", `"other"`)
		hr.same(t, "GET", target, "If-Match", etag, "If-None-Match", etag)
	}
}

// TestHotFilePrecompressed: a held file still gives way to its
// precompressed sibling when the client accepts the sibling's coding.
func TestHotFilePrecompressed(t *testing.T) {
	js := strings.Repeat("console.log('hello');\n", 100)
	hr := newHotRoot(t, map[string]string{"app.js": js, "tiny.js": "x()"}, &fileserve.Options{Precompressed: true})
	gz := []byte("the bytes of app.js.gz") // sent as they are
	must(t, os.WriteFile(hr.path("app.js.gz"), gz, 0o644))
	later := time.Now().Add(time.Minute)
	must(t, os.Chtimes(hr.path("app.js.gz"), later, later))
	for _, target := range []string{"/app.js", "/tiny.js"} {
		hr.same(t, "GET", target)
		if !hr.hot.HoldsHot(strings.TrimPrefix(target, "/")) {
			t.Fatalf("GET %s did not take the file in", target)
		}
		hr.same(t, "GET", target, "Accept-Encoding", "gzip")
		etag := serve(t, hr.general, "GET", target).Header.Get("ETag")
		hr.same(t, "GET", target, "If-None-Match", etag)
		hr.same(t, "GET", target, "If-None-Match", etag, "Accept-Encoding", "gzip")
	}
	resp := serve(t, hr.hot, "GET", "/app.js", "Accept-Encoding", "gzip")
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" || body(t, resp) != string(gz) {
		t.Errorf("GET /app.js with Accept-Encoding: gzip: Content-Encoding %q, want the .gz sibling", got)
	}
}

// TestHotFileUnsettled: with the real clock, a file written a moment ago
// is not taken in, since a second write within the same clock tick would
// leave it the same ctime, size and mtime.
func TestHotFileUnsettled(t *testing.T) {
	root, _ := tempRoot(t, map[string]string{"a.txt": "hello\n"})
	h := fileserve.NewRoot(root, nil)
	needDirect(t, h)
	if got := body(t, serve(t, h, "GET", "/a.txt")); got != "hello\n" {
		t.Fatalf("GET /a.txt = %q", got)
	}
	if h.HoldsHot("a.txt") {
		t.Error("a file written a moment ago was taken in")
	}
}

// TestHotFileBounded: the cache holds at most MaxHotBytes, however many
// small files are asked for, empty ones included (each entry costs its
// name and headers besides its content).
func TestHotFileBounded(t *testing.T) {
	for _, size := range []int{16 << 10, 0} {
		files := map[string]string{}
		n := fileserve.MaxHotBytes/(size+fileserve.HotOverhead) + 20
		for i := range n {
			files[fmt.Sprintf("f%05d.txt", i)] = strings.Repeat("x", size)
		}
		hr := newHotRoot(t, files, nil)
		for i := range n {
			serve(t, hr.hot, "GET", fmt.Sprintf("/f%05d.txt", i))
		}
		if got := hr.hot.HotBytes(); got > fileserve.MaxHotBytes || got < fileserve.MaxHotBytes/2 {
			t.Errorf("after %d files of %d bytes the cache holds %d bytes, want at most %d and near it", n, size, got, fileserve.MaxHotBytes)
		}
		if got, most := hr.hot.HotCount(), fileserve.MaxHotBytes/(size+fileserve.HotOverhead); got > most {
			t.Errorf("after %d files of %d bytes the cache holds %d entries, want at most %d", n, size, got, most)
		}
	}
}

// BenchmarkServeHot is BenchmarkServe's small file once it is held, at
// the root and three folders down (one fstatat more per folder).
func BenchmarkServeHot(b *testing.B) {
	small := strings.Repeat("x", 1024)
	root, _ := tempRoot(b, map[string]string{"small.txt": small, "a/b/c/small.txt": small})
	h := fileserve.NewRoot(root, nil)
	needDirect(b, h)
	h.SettleAll()
	for _, target := range []string{"/small.txt", "/a/b/c/small.txt"} {
		b.Run(fmt.Sprintf("depth=%d", strings.Count(target, "/")-1), func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, target, nil)
			w := discard.NewWriter()
			h.ServeHTTP(w, r) // takes it in
			if !h.HoldsHot(strings.TrimPrefix(target, "/")) {
				b.Fatalf("GET %s did not take the file in", target)
			}
			b.ReportAllocs()
			for b.Loop() {
				w.Reset()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d, want 200", w.Code)
				}
			}
		})
	}
}
