package fileserve_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
)

// chromeAccept is the Accept-Encoding of Chrome and Firefox.
const chromeAccept = "gzip, deflate, br, zstd"

// keptListings serves a folder of three files behind encode, as
// simplehttp mounts it, with its clock stopped at now. renders counts
// the files each grid listing renders a thumbnail for: a page sent as it
// was kept renders none.
func keptListings(t *testing.T, now time.Time) (h http.Handler, dir string, renders *atomic.Int64, fs *fileserve.Handler) {
	t.Helper()
	root, dir := tempRoot(t, map[string]string{"a.txt": "alpha", "b.txt": "bravo bravo", "sub/c.txt": "c"})
	renders = new(atomic.Int64)
	fs = fileserve.NewRoot(root, &fileserve.Options{Thumbnails: func(string) bool { renders.Add(1); return true }})
	fs.SetClock(now)
	return encode.New(fs, nil), dir, renders, fs
}

// coded asks h for target as a browser does and returns the answer's
// coding and its content, decoded, after checking its length.
func coded(t *testing.T, h http.Handler, method, target string, header ...string) (coding, content string) {
	t.Helper()
	resp := serve(t, h, method, target, append([]string{"Accept-Encoding", chromeAccept}, header...)...)
	raw := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d", method, target, resp.StatusCode)
	}
	coding = resp.Header.Get("Content-Encoding")
	if n, err := strconv.Atoi(resp.Header.Get("Content-Length")); err != nil || (method == http.MethodGet && n != len(raw)) {
		t.Fatalf("%s %s: Content-Length %q for %d bytes", method, target, resp.Header.Get("Content-Length"), len(raw))
	}
	if coding == "" || method == http.MethodHead {
		return coding, raw
	}
	return coding, decodeString(t, coding, raw)
}

// TestListingPageKept: a listing asked for again, unchanged, is sent as
// it was coded and kept the first time, not rendered again; it is the
// page a fresh rendering makes, and HEAD gets its headers.
func TestListingPageKept(t *testing.T) {
	h, _, renders, _ := keptListings(t, time.Now())
	want := body(t, serve(t, h, http.MethodGet, "/?view=grid")) // rendered, as it is
	renders.Store(0)
	coding, first := coded(t, h, http.MethodGet, "/?view=grid")
	if coding != "zstd" || first != want {
		t.Fatalf("coded %q: the page differs from the one sent as it is", coding)
	}
	if renders.Load() == 0 {
		t.Fatal("the first coded page was not rendered")
	}
	renders.Store(0)
	if coding, again := coded(t, h, http.MethodGet, "/?view=grid"); coding != "zstd" || again != want {
		t.Errorf("again: coded %q, the page differs", coding)
	}
	if coding, _ := coded(t, h, http.MethodHead, "/?view=grid"); coding != "zstd" {
		t.Errorf("HEAD: coded %q", coding)
	}
	if n := renders.Load(); n != 0 {
		t.Errorf("the page kept was rendered again (%d thumbnails asked)", n)
	}
}

// TestListingPageNeverStale: a page kept is sent again only while its
// listing, read anew, is the same: a file that grows or is touched in
// place (which leaves its folder's time as it is), a file added, a clock
// a second on (the relative times), another query, format or coding
// each get a page of their own.
func TestListingPageNeverStale(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	h, dir, renders, fs := keptListings(t, now)
	if err := os.Chtimes(filepath.Join(dir, "a.txt"), now.Add(-5*time.Second), now.Add(-5*time.Second)); err != nil {
		t.Fatal(err)
	}
	page := func() string {
		t.Helper()
		renders.Store(0)
		_, content := coded(t, h, http.MethodGet, "/?view=grid")
		return content
	}
	if p := page(); !strings.Contains(p, "5 seconds ago") {
		t.Fatalf("no relative time in:\n%s", p)
	}
	steps := []struct {
		name   string
		change func()
		want   string
	}{
		{"a file grows", func() { must(t, os.WriteFile(filepath.Join(dir, "b.txt"), []byte(strings.Repeat("b", 1234)), 0o644)) }, `title="1,234 bytes"`},
		{"a file is touched", func() {
			must(t, os.Chtimes(filepath.Join(dir, "b.txt"), time.Unix(1e9, 0), time.Unix(1e9, 0)))
		}, "2001-09-09 01:46"},
		{"a file is added", func() { must(t, os.WriteFile(filepath.Join(dir, "d.txt"), nil, 0o644)) }, "d.txt"},
		{"a second on", func() { fs.SetClock(now.Add(time.Second)) }, "6 seconds ago"},
	}
	for _, step := range steps {
		step.change()
		if p := page(); !strings.Contains(p, step.want) || renders.Load() == 0 {
			t.Errorf("%s: rendered %v, %q in the page: %v", step.name, renders.Load() > 0, step.want, strings.Contains(p, step.want))
		}
	}
	// The same folder, asked for another way, is another page.
	others := []struct {
		target, want string
		header       []string
	}{
		{"/?view=grid&format=json", `"name":"a.txt"`, nil},
		{"/?view=grid", `"name":"a.txt"`, []string{"Accept", "application/json"}},
		{"/?view=grid", "# Directory listing for /", []string{"Accept", "text/plain"}},
		{"/?view=grid&sort=size", `aria-sort="ascending"><a href="?sort=size&amp;order=desc`, nil},
	}
	for _, o := range others {
		_, content := coded(t, h, http.MethodGet, o.target, o.header...)
		if !strings.Contains(content, o.want) {
			t.Errorf("%s %q: no %q in:\n%.300s", o.target, o.header, o.want, content)
		}
	}
	resp := serve(t, h, http.MethodGet, "/?view=grid", "Accept-Encoding", "gzip")
	if c := resp.Header.Get("Content-Encoding"); c != "gzip" || decodeString(t, c, body(t, resp)) != page() {
		t.Errorf("gzip asked: %q", c)
	}
}
