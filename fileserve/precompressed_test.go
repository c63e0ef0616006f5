package fileserve_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/testfifo"
)

// padded is s made longer than the size below which siblings are not
// looked for.
func padded(s string) string { return s + strings.Repeat("/* padding */\n", 80) }

// siblingTree is a served directory with files and their precompressed
// siblings. A sibling's content names it ("app.js.br"), so a test sees
// which file was sent; the siblings are not real compressed data, which
// the handler never reads.
func siblingTree(t *testing.T) (root *os.Root, dir string) {
	t.Helper()
	files := map[string]string{
		"app.js": padded("console.log('app')\n"), "app.js.zst": "app.js.zst", "app.js.br": "app.js.br", "app.js.gz": "app.js.gz",
		"only-gz.css": padded("body{}\n"), "only-gz.css.gz": "only-gz.css.gz",
		"stale.js": padded("let fresh = true\n"), "stale.js.zst": "stale.js.zst", "stale.js.gz": "stale.js.gz",
		"same-time.json": padded("{}\n"), "same-time.json.br": "same-time.json.br",
		"photo.png": "\x89PNG\r\n\x1a\n", "photo.png.gz": "photo.png.gz",
		"docs/index.html": padded("<h1>docs</h1>\n"), "docs/index.html.br": "docs/index.html.br",
		"archive.tar.gz": "\x1f\x8b\x08 an archive",
		"outside.js":     padded("outside\n"), "hidden-sibling.js": padded("hidden\n"), ".secret.br": ".secret.br",
		"fifo.js": padded("fifo\n"), "dir-sibling.js": padded("dir\n"), "dir-sibling.js.br/": "",
		"linked.js.br": "linked.js.br", ".hidden.js": "hidden original\n",
		"seconds.js": padded("seconds\n"), "seconds.js.br": "seconds.js.br",
		"second-older.js": padded("second-older\n"), "second-older.js.br": "second-older.js.br",
		"ms-older.js": padded("ms-older\n"), "ms-older.js.br": "ms-older.js.br",
		"tiny.js": "tiny\n", "tiny.js.br": "tiny.js.br",
	}
	root, dir = tempRoot(t, files)
	old, now := time.Now().Add(-time.Hour), time.Now()
	touch := func(name string, at time.Time) {
		if err := os.Chtimes(filepath.Join(dir, name), at, at); err != nil {
			t.Fatal(err)
		}
	}
	for name := range files {
		touch(strings.TrimSuffix(name, "/"), now)
	}
	touch("stale.js.zst", old) // older than stale.js: never sent
	touch("same-time.json", now)
	touch("same-time.json.br", now)
	// brotli -k copies the file's time to the second: fresh.
	fraction := time.Date(2025, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	touch("seconds.js", fraction)
	touch("seconds.js.br", fraction.Truncate(time.Second))
	// A second older is stale; so is a millisecond older, with a fraction.
	touch("second-older.js", fraction)
	touch("second-older.js.br", fraction.Truncate(time.Second).Add(-time.Second))
	touch("ms-older.js", fraction)
	touch("ms-older.js.br", fraction.Add(-time.Millisecond))
	symlink(t, dir, "../secret.txt", "outside.js.br")     // out of the root
	symlink(t, dir, ".secret.br", "hidden-sibling.js.br") // to a dotfile
	symlink(t, dir, ".hidden.js", "linked.js")            // the original is hidden
	testfifo.Make(t, filepath.Join(dir, "fifo.js.br"))
	return root, dir
}

func TestPrecompressed(t *testing.T) {
	root, _ := siblingTree(t)
	h := fileserve.NewRoot(root, &fileserve.Options{Precompressed: true})
	tests := []struct {
		name, target, accept string
		code                 int
		body, coding, ctype  string
	}{
		{"br", "/app.js", "br", 200, "app.js.br", "br", "text/javascript; charset=utf-8"},
		{"zstd preferred among equals", "/app.js", "gzip, deflate, br, zstd", 200, "app.js.zst", "zstd", "text/javascript; charset=utf-8"},
		{"br before gzip", "/app.js", "gzip, br", 200, "app.js.br", "br", "text/javascript; charset=utf-8"},
		{"q-values first", "/app.js", "zstd;q=0.5, br;q=0.6, gzip", 200, "app.js.gz", "gzip", "text/javascript; charset=utf-8"},
		{"a refusal", "/app.js", "gzip;q=0", 200, padded("console.log('app')\n"), "", "text/javascript; charset=utf-8"},
		{"identity preferred", "/app.js", "identity, gzip;q=0.1", 200, padded("console.log('app')\n"), "", "text/javascript; charset=utf-8"},
		{"no Accept-Encoding", "/app.js", "", 200, padded("console.log('app')\n"), "", "text/javascript; charset=utf-8"},
		{"the best sibling there is", "/only-gz.css", "zstd, br, gzip", 200, "only-gz.css.gz", "gzip", "text/css; charset=utf-8"},
		{"no sibling for the coding", "/only-gz.css", "br", 200, padded("body{}\n"), "", "text/css; charset=utf-8"},
		{"a stale sibling is skipped", "/stale.js", "zstd, gzip", 200, "stale.js.gz", "gzip", "text/javascript; charset=utf-8"},
		{"only a stale sibling", "/stale.js", "zstd", 200, padded("let fresh = true\n"), "", "text/javascript; charset=utf-8"},
		{"as old as the file", "/same-time.json", "br", 200, "same-time.json.br", "br", "application/json"},
		{"its time copied to the second", "/seconds.js", "br", 200, "seconds.js.br", "br", "text/javascript; charset=utf-8"},
		{"a second older", "/second-older.js", "br", 200, padded("second-older\n"), "", "text/javascript; charset=utf-8"},
		{"a millisecond older", "/ms-older.js", "br", 200, padded("ms-older\n"), "", "text/javascript; charset=utf-8"},
		{"not for a file under 1 KiB", "/tiny.js", "br", 200, "tiny\n", "", "text/javascript; charset=utf-8"},
		{"not for images", "/photo.png", "gzip", 200, "\x89PNG\r\n\x1a\n", "", "image/png"},
		{"an index file", "/docs/", "br", 200, "docs/index.html.br", "br", "text/html; charset=utf-8"},
		{"a .gz by its own name", "/archive.tar.gz", "gzip", 200, "\x1f\x8b\x08 an archive", "", "application/gzip"},
		{"a sibling by its own name", "/app.js.br", "br", 200, "app.js.br", "", "application/x-brotli"},
		{"a link out of the root", "/outside.js", "br", 200, padded("outside\n"), "", "text/javascript; charset=utf-8"},
		{"a link to a dotfile", "/hidden-sibling.js", "br", 200, padded("hidden\n"), "", "text/javascript; charset=utf-8"},
		{"a FIFO", "/fifo.js", "br", 200, padded("fifo\n"), "", "text/javascript; charset=utf-8"},
		{"a directory", "/dir-sibling.js", "br", 200, padded("dir\n"), "", "text/javascript; charset=utf-8"},
		{"the file is a link to a dotfile", "/linked.js", "br", 404, "", "", "text/html; charset=utf-8"},
		{"no file, only a sibling", "/nofile.js", "br", 404, "", "", "text/html; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan *http.Response, 1)
			go func() { done <- serve(t, h, http.MethodGet, tc.target, "Accept-Encoding", tc.accept) }()
			var resp *http.Response
			select {
			case resp = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("no answer in 10 s: a FIFO was opened?")
			}
			got := body(t, resp)
			if resp.StatusCode != tc.code || resp.Header.Get("Content-Encoding") != tc.coding || resp.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("%d, Content-Encoding %q, Content-Type %q; want %d, %q, %q", resp.StatusCode,
					resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"), tc.code, tc.coding, tc.ctype)
			}
			if tc.code == 200 && got != tc.body {
				t.Errorf("body %q, want %q", got, tc.body)
			}
			varies := strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding")
			if wantVary := tc.code == 200 && !strings.HasPrefix(tc.ctype, "image/") && !strings.Contains(tc.ctype, "application/gzip") &&
				!strings.Contains(tc.ctype, "brotli"); varies != wantVary {
				t.Errorf("Vary %q, want Accept-Encoding: %v", resp.Header.Values("Vary"), wantVary)
			}
		})
	}
}

// TestPrecompressedOff checks that siblings are ignored by default.
func TestPrecompressedOff(t *testing.T) {
	root, _ := siblingTree(t)
	resp := serve(t, fileserve.NewRoot(root, nil), http.MethodGet, "/app.js", "Accept-Encoding", "br, gzip, zstd")
	if got := body(t, resp); got != padded("console.log('app')\n") || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Vary") != "" {
		t.Errorf("body %q, Content-Encoding %q, Vary %q", got, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
}

// TestPrecompressedValidators checks that a sibling has its own ETag,
// that ranges are of its bytes, and that conditional requests and HEAD
// work on it.
func TestPrecompressedValidators(t *testing.T) {
	root, dir := siblingTree(t)
	h := fileserve.NewRoot(root, &fileserve.Options{Precompressed: true})
	plain := serve(t, h, http.MethodGet, "/app.js")
	br := serve(t, h, http.MethodGet, "/app.js", "Accept-Encoding", "br")
	gz := serve(t, h, http.MethodGet, "/app.js", "Accept-Encoding", "gzip")
	plainTag, brTag, gzTag := plain.Header.Get("ETag"), br.Header.Get("ETag"), gz.Header.Get("ETag")
	if plainTag == "" || brTag == plainTag || gzTag == plainTag || brTag == gzTag || !strings.HasSuffix(brTag, `-br"`) {
		t.Fatalf("ETags: plain %s, br %s, gzip %s: want three different ones", plainTag, brTag, gzTag)
	}
	info, err := os.Stat(filepath.Join(dir, "app.js.br"))
	if err != nil {
		t.Fatal(err)
	}
	if lm := br.Header.Get("Last-Modified"); lm != info.ModTime().UTC().Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q, want the sibling's", lm)
	}

	tests := []struct {
		name   string
		header []string
		code   int
		body   string
		etag   string
	}{
		{"a range of the sibling", []string{"Accept-Encoding", "br", "Range", "bytes=0-5"}, 206, "app.js", brTag},
		{"a suffix range", []string{"Accept-Encoding", "br", "Range", "bytes=-2"}, 206, "br", brTag},
		{"several ranges: the whole sibling", []string{"Accept-Encoding", "br", "Range", "bytes=0-1,4-5"}, 200, "app.js.br", brTag},
		{"If-Range with the sibling's tag", []string{"Accept-Encoding", "br", "Range", "bytes=0-2", "If-Range", brTag}, 206, "app", brTag},
		{"If-Range with the file's tag", []string{"Accept-Encoding", "br", "Range", "bytes=0-2", "If-Range", plainTag}, 200, "app.js.br", brTag},
		{"the sibling held", []string{"Accept-Encoding", "br", "If-None-Match", brTag}, 304, "", brTag},
		{"the file held, the sibling asked for", []string{"Accept-Encoding", "br", "If-None-Match", plainTag}, 200, "app.js.br", brTag},
		{"the sibling held, the file asked for", []string{"If-None-Match", brTag}, 200, padded("console.log('app')\n"), plainTag},
		{"another sibling held", []string{"Accept-Encoding", "br", "If-None-Match", gzTag}, 200, "app.js.br", brTag},
		{"If-Match the sibling", []string{"Accept-Encoding", "br", "If-Match", brTag}, 200, "app.js.br", brTag},
		{"If-Match the file", []string{"Accept-Encoding", "br", "If-Match", plainTag}, 412, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(t, h, http.MethodGet, "/app.js", tc.header...)
			got := body(t, resp)
			if resp.StatusCode != tc.code || resp.Header.Get("ETag") != tc.etag || (tc.code != 412 && got != tc.body) {
				t.Errorf("%d, ETag %s, body %q; want %d, %s, %q", resp.StatusCode, resp.Header.Get("ETag"), got, tc.code, tc.etag, tc.body)
			}
			if tc.code == 206 || tc.code == 200 && tc.body == "app.js.br" {
				if resp.Header.Get("Content-Encoding") != "br" || resp.Header.Get("Content-Length") != strconv.Itoa(len(tc.body)) {
					t.Errorf("Content-Encoding %q, Content-Length %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Length"))
				}
			}
		})
	}

	head := serve(t, h, http.MethodHead, "/app.js", "Accept-Encoding", "br")
	if got := body(t, head); got != "" || head.Header.Get("Content-Length") != "9" || head.Header.Get("Content-Encoding") != "br" || head.Header.Get("ETag") != brTag {
		t.Errorf("HEAD: body %q, Content-Length %s, Content-Encoding %q, ETag %s", got,
			head.Header.Get("Content-Length"), head.Header.Get("Content-Encoding"), head.Header.Get("ETag"))
	}
}

// TestPrecompressedEdits checks that a sibling stops standing in for its
// file as soon as the file is edited, and does again once it is rebuilt.
func TestPrecompressedEdits(t *testing.T) {
	root, dir := siblingTree(t)
	h := fileserve.NewRoot(root, &fileserve.Options{Precompressed: true})
	get := func() string { return body(t, serve(t, h, http.MethodGet, "/app.js", "Accept-Encoding", "br")) }
	if got := get(); got != "app.js.br" {
		t.Fatalf("before the edit: %q", got)
	}
	later := time.Now().Add(time.Minute)
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte(padded("console.log('edited')\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(dir, "app.js"), later, later); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != padded("console.log('edited')\n") {
		t.Errorf("after the edit: %q, want the edited file", got)
	}
	if err := os.Chtimes(filepath.Join(dir, "app.js.br"), later, later); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "app.js.br" {
		t.Errorf("after the sibling was rebuilt: %q", got)
	}
	if err := os.Remove(filepath.Join(dir, "app.js.br")); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != padded("console.log('edited')\n") {
		t.Errorf("after the sibling was removed: %q", got)
	}
}
