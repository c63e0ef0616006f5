package fileserve_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// oddNames need escaping in a URL, in HTML, or both.
var oddNames = []string{
	"q?x", "h#x", "p%x", "s p", `b\x`, "c:x", "ü", "日本", "a\nb", "t\tx", `qu"x`, "lt<x>",
	"amp&x", "semi;x", "plus+x", "eq=x", "'sq'", "%2F", "%2e%2e", "-dash", "~tilde", "javascript:x",
}

// TestOddNamesOnDisk follows, on a real directory, every link its listing
// gives for names that need escaping: files are served, and folders
// redirect to themselves with a slash.
func TestOddNamesOnDisk(t *testing.T) {
	files := map[string]string{}
	for _, name := range oddNames {
		files[name] = "file " + name
		files[name+" dir/f.txt"] = "in " + name
	}
	root, _ := tempRoot(t, files)
	h := fileserve.NewRoot(root, nil)
	page := body(t, serve(t, h, http.MethodGet, "/"))
	links := map[string]string{} // decoded path → link as written
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		link := html.UnescapeString(m[1])
		if u, err := url.Parse(link); err == nil && u.Scheme == "" && u.Host == "" {
			links[u.Path] = link
		}
	}
	base, _ := url.Parse("http://example.com/")
	for _, name := range oddNames {
		link, ok := links["./"+name]
		if !ok {
			t.Errorf("no link to %q in the listing", name)
			continue
		}
		ref, _ := url.Parse(link)
		resp := serve(t, h, http.MethodGet, base.ResolveReference(ref).RequestURI())
		if b := body(t, resp); resp.StatusCode != 200 || b != "file "+name {
			t.Errorf("%q via %q: %d %q", name, link, resp.StatusCode, b)
		}
		// The folder, asked for without its slash, redirects to itself.
		dir := base.ResolveReference(&url.URL{Path: "/" + name + " dir"})
		resp = serve(t, h, http.MethodGet, dir.RequestURI())
		body(t, resp)
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusMovedPermanently || err != nil {
			t.Errorf("%q dir: %d %q", name, resp.StatusCode, resp.Header.Get("Location"))
			continue
		}
		next := dir.ResolveReference(loc)
		if next.Host != "example.com" || next.Path != "/"+name+" dir/" {
			t.Errorf("%q dir: Location %q leads to %s", name, resp.Header.Get("Location"), next)
		}
		if b := body(t, serve(t, h, http.MethodGet, next.RequestURI()+"f.txt")); !strings.HasPrefix(b, "in ") {
			t.Errorf("%q dir: f.txt: %q", name, b)
		}
	}
}
