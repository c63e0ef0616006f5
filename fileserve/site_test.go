package fileserve_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/testfifo"
)

// TestCacheControl: files, listings, index pages and redirects carry
// Options.CacheControl; error pages and the listing's assets do not.
func TestCacheControl(t *testing.T) {
	h := fileserve.New(testFS(), &fileserve.Options{CacheControl: "no-cache"})
	for _, tc := range []struct {
		target string
		code   int
		want   string
	}{
		{"/hello.txt", 200, "no-cache"},
		{"/", 200, "no-cache"},
		{"/?format=json", 200, "no-cache"},
		{"/sub", 301, "no-cache"},
		{"/missing.txt", 404, ""},
		{"/.env", 404, ""},
	} {
		resp := serve(t, h, "GET", tc.target)
		if resp.StatusCode != tc.code || resp.Header.Get("Cache-Control") != tc.want {
			t.Errorf("GET %s: %d, Cache-Control %q; want %d, %q", tc.target, resp.StatusCode, resp.Header.Get("Cache-Control"), tc.code, tc.want)
		}
	}
	// A 304 repeats it, as RFC 9110 §15.4.5 asks.
	etag := serve(t, h, "GET", "/hello.txt").Header.Get("ETag")
	if resp := serve(t, h, "GET", "/hello.txt", "If-None-Match", etag); resp.StatusCode != 304 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("304: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	asset := assetURL(t, h)
	if cc := serve(t, h, "GET", asset).Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("GET %s: Cache-Control %q, want the assets' immutable caching", asset, cc)
	}
	if cc := serve(t, fileserve.New(testFS(), nil), "GET", "/hello.txt").Header.Get("Cache-Control"); cc != "" {
		t.Errorf("without the option: Cache-Control %q, want none", cc)
	}
}

// assetURL is the address of the listing's style sheet, as the root
// listing links to it.
func assetURL(t *testing.T, h http.Handler) string {
	t.Helper()
	page := body(t, serve(t, h, "GET", "/"))
	i := strings.Index(page, `href="`) + len(`href="`)
	j := strings.Index(page[i:], `"`)
	if i < len(`href="`) || j < 0 {
		t.Fatalf("no link in the listing:\n%s", page)
	}
	return "/" + strings.TrimPrefix(page[i:i+j], "./")
}

// TestSPA: with SPA, a missing name gets the root's index.html and 200;
// files and listings that exist still win, hidden names and writes do
// not fall back, and a site without index.html answers 404.
func TestSPA(t *testing.T) {
	root, _ := tempRoot(t, map[string]string{
		"index.html":   "<p>app</p>",
		"app.js":       "js",
		"docs/a.txt":   "a",
		".env":         "SECRET",
		"nested/x.txt": "x",
	})
	h := fileserve.NewRoot(root, &fileserve.Options{SPA: true})
	for _, tc := range []struct {
		method, target string
		code           int
		body           string
	}{
		{"GET", "/app.js", 200, "js"},
		{"GET", "/settings/profile", 200, "<p>app</p>"},
		{"GET", "/missing.js", 200, "<p>app</p>"},
		{"HEAD", "/route", 200, ""},
		{"GET", "/docs/", 200, "a.txt"},
		{"GET", "/docs/a.txt/deeper", 200, "<p>app</p>"},
		{"GET", "/.env", 404, "404"},
		{"POST", "/route", 405, "405"},
	} {
		resp := serve(t, h, tc.method, tc.target)
		if got := body(t, resp); resp.StatusCode != tc.code || !strings.Contains(got, tc.body) {
			t.Errorf("%s %s: %d %q; want %d with %q", tc.method, tc.target, resp.StatusCode, got, tc.code, tc.body)
		}
	}
	bare, _ := tempRoot(t, map[string]string{"a.txt": "a"})
	if resp := serve(t, fileserve.NewRoot(bare, &fileserve.Options{SPA: true}), "GET", "/route"); resp.StatusCode != 404 {
		t.Errorf("SPA without index.html: %d, want 404", resp.StatusCode)
	}
}

// TestNotFoundPage: a 404.html at the root is the 404 page, with status
// 404; hidden or linked out of the root, it is not used.
func TestNotFoundPage(t *testing.T) {
	root, _ := tempRoot(t, map[string]string{"404.html": "<h1>Lost?</h1>", "a.txt": "a"})
	h := fileserve.NewRoot(root, &fileserve.Options{NotFoundPage: "404.html", CacheControl: "no-cache"})
	for _, tc := range []struct{ method, target, body string }{
		{"GET", "/missing", "<h1>Lost?</h1>"},
		{"GET", "/.git/config", "<h1>Lost?</h1>"},
		{"HEAD", "/missing", ""},
	} {
		resp := serve(t, h, tc.method, tc.target)
		if got := body(t, resp); resp.StatusCode != 404 || got != tc.body ||
			resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || resp.Header.Get("Cache-Control") != "no-store" ||
			resp.Header.Get("Content-Length") != "14" {
			t.Errorf("%s %s: %d %q %v", tc.method, tc.target, resp.StatusCode, got, resp.Header)
		}
	}
	if resp := serve(t, h, "GET", "/a.txt"); resp.StatusCode != 200 {
		t.Errorf("GET /a.txt: %d", resp.StatusCode)
	}

	// A 404.html that links out of the root is not sent.
	out, outDir := tempRoot(t, map[string]string{"a.txt": "a"})
	symlink(t, outDir, "../secret.txt", "404.html")
	resp := serve(t, fileserve.NewRoot(out, &fileserve.Options{NotFoundPage: "404.html"}), "GET", "/missing")
	if got := body(t, resp); resp.StatusCode != 404 || strings.Contains(got, "TOP-SECRET") {
		t.Errorf("404.html linked out of the root: %d %q", resp.StatusCode, got)
	}

	// A hidden page is not sent either, but with Dotfiles.
	hidden, _ := tempRoot(t, map[string]string{".lost.html": "HIDDEN"})
	for dotfiles, want := range map[bool]bool{false: false, true: true} {
		resp := serve(t, fileserve.NewRoot(hidden, &fileserve.Options{NotFoundPage: ".lost.html", Dotfiles: dotfiles}), "GET", "/missing")
		if got := body(t, resp); resp.StatusCode != 404 || (got == "HIDDEN") != want {
			t.Errorf("hidden 404 page, Dotfiles %v: %d %q", dotfiles, resp.StatusCode, got)
		}
	}
}

// TestNotFoundPageChanges: the 404 page is looked for on every 404, so
// each change to it between two requests shows in the second: it
// appears, changes, is replaced, goes away, becomes a link out of the
// root, to a dotfile or to a page inside, a directory or a FIFO. Both
// ways of looking (the direct root's lstat, and fsys alone) are tried.
func TestNotFoundPageChanges(t *testing.T) {
	for _, tc := range []struct {
		name string
		new  func(*os.Root) *fileserve.Handler
	}{
		{"NewRoot", func(root *os.Root) *fileserve.Handler {
			return fileserve.NewRoot(root, &fileserve.Options{NotFoundPage: "404.html"})
		}},
		{"New", func(root *os.Root) *fileserve.Handler {
			return fileserve.New(root.FS(), &fileserve.Options{NotFoundPage: "404.html"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, dir := tempRoot(t, map[string]string{
				".lost.html":      "HIDDEN",
				"pages/lost.html": "<p>inside</p>",
			})
			h := tc.new(root)
			page := filepath.Join(dir, "404.html")
			builtIn := func(step string) {
				t.Helper()
				resp := serve(t, h, "GET", "/missing")
				if got := body(t, resp); resp.StatusCode != 404 || !strings.Contains(got, "<h1>404 Not Found</h1>") ||
					resp.Header.Get("Content-Security-Policy") == "" {
					t.Errorf("%s: %d %q %v, want the built-in 404 page", step, resp.StatusCode, got, resp.Header)
				}
			}
			own := func(step, want string) {
				t.Helper()
				resp := serve(t, h, "GET", "/missing")
				if got := body(t, resp); resp.StatusCode != 404 || got != want ||
					resp.Header.Get("Content-Length") != strconv.Itoa(len(want)) {
					t.Errorf("%s: %d %q %v, want 404 %q", step, resp.StatusCode, got, resp.Header, want)
				}
			}
			remove := func() {
				t.Helper()
				if err := os.Remove(page); err != nil {
					t.Fatal(err)
				}
			}
			write := func(name, data string) {
				t.Helper()
				if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}

			builtIn("no 404.html")
			write(page, "<h1>one</h1>")
			own("created", "<h1>one</h1>")
			write(page, "<h1>two, longer</h1>")
			own("rewritten", "<h1>two, longer</h1>")
			write(page+".tmp", "<h1>3</h1>")
			if err := os.Rename(page+".tmp", page); err != nil {
				t.Fatal(err)
			}
			own("renamed over", "<h1>3</h1>")
			remove()
			builtIn("deleted")

			symlink(t, dir, "../secret.txt", "404.html")
			builtIn("link out of the root")
			remove()
			symlink(t, dir, ".lost.html", "404.html")
			builtIn("link to a dotfile")
			remove()
			symlink(t, dir, "pages/lost.html", "404.html")
			own("link inside the root", "<p>inside</p>")
			remove()
			symlink(t, dir, "no-such.html", "404.html")
			builtIn("dangling link")
			remove()

			if err := os.Mkdir(page, 0o755); err != nil {
				t.Fatal(err)
			}
			builtIn("directory")
			if err := os.Remove(page); err != nil {
				t.Fatal(err)
			}
			testfifo.Make(t, page)
			builtIn("FIFO") // answered at once: a FIFO is never opened
		})
	}
}
