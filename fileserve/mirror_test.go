package fileserve_test

import (
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/simplehttp/simplehttp/fileserve"
)

// linkRE finds the links of a generated page: every href and src.
var linkRE = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// TestListingLinksWithoutQueryAreTheTree checks what mirroring clients
// rely on: on a listing page, every link without a query names a file or
// folder of the served tree, and every other link (the page's own style
// and script, its sort, filter and page links) carries a query. wget
// --reject-regex '\?', lftp and rclone skip links with a query, so they
// mirror the tree and nothing else; a query-less link to the assets made
// lftp's mirror take .simplehttp/ for a folder, fail to list it and exit 1.
// Every link answers 200.
func TestListingLinksWithoutQueryAreTheTree(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{
		"hello.txt", "docs/a b & c.txt", "docs/100% #1?.txt", "docs/deep/ü.txt", "docs/deep/x.bin",
	} {
		fsys[name] = &fstest.MapFile{Data: []byte(name), ModTime: modTime}
	}
	fsys["empty"] = &fstest.MapFile{Mode: fs.ModeDir | 0o755, ModTime: modTime}
	tree := map[string]bool{"/": true}
	for name, f := range fsys {
		p := "/" + name
		if f.Mode.IsDir() {
			p += "/"
		}
		tree[p] = true
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			tree["/"+d+"/"] = true
		}
	}
	h := fileserve.New(fsys, nil)

	for _, page := range []string{
		"/", "/docs/", "/docs/deep/", "/empty/", "/docs/?limit=1&offset=1", "/docs/?q=b&sort=size&dirs=first",
	} {
		resp := serve(t, h, http.MethodGet, page)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", page, resp.Status)
		}
		base, err := url.Parse("http://host" + page)
		if err != nil {
			t.Fatal(err)
		}
		links := linkRE.FindAllStringSubmatch(body(t, resp), -1)
		if len(links) == 0 {
			t.Fatalf("GET %s: no links", page)
		}
		for _, m := range links {
			u, err := base.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Errorf("GET %s: link %q: %v", page, m[1], err)
				continue
			}
			if u.RawQuery == "" && !tree[u.Path] {
				t.Errorf("GET %s: link %q leads to %s, outside the tree, without a query: mirroring clients would fetch it as part of the tree", page, m[1], u.Path)
			}
			if got := serve(t, h, http.MethodGet, u.RequestURI()); got.StatusCode != http.StatusOK {
				t.Errorf("GET %s: link %q answers %s", page, m[1], got.Status)
			}
		}
	}
	for p := range tree {
		if strings.HasSuffix(p, "/") {
			continue
		}
		if got := serve(t, h, http.MethodGet, (&url.URL{Path: p}).EscapedPath()); got.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", p, got.Status)
		}
	}
}
