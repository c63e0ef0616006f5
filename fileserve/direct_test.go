package fileserve_test

import (
	"reflect"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// TestDirectSameAnswers: NewRoot's short path for small files (openat2 and
// one write, on Linux) answers exactly as the general path through
// root.FS() and http.ServeContent does: status, headers and body.
func TestDirectSameAnswers(t *testing.T) {
	root, dir := tempRoot(t, map[string]string{
		"a.txt":         "hello\n",
		"page.html":     "<!doctype html><p>hi</p>",
		"noext":         "%PDF-1.4 sniffed",
		"deep/er/x.css": "body{}",
		"empty.txt":     "",
		"idx/index.htm": "<p>index</p>",
		"lidx/":         "",
		"hidx/":         "",
		".env":          "SECRET=1",
	})
	symlink(t, dir, "a.txt", "link.txt")
	symlink(t, dir, "../a.txt", "lidx/index.html") // a link inside: served
	symlink(t, dir, "../.env", "hidx/index.html")  // a link to a dotfile: no index
	direct := fileserve.NewRoot(root, &fileserve.Options{CacheControl: "no-cache"})
	general := fileserve.New(root.FS(), &fileserve.Options{CacheControl: "no-cache"})
	for _, method := range []string{"GET", "HEAD"} {
		for _, target := range []string{"/a.txt", "/page.html", "/noext", "/deep/er/x.css", "/empty.txt", "/link.txt", "/missing", "/a.txt/x", "/idx/", "/lidx/", "/hidx/", "/deep/"} {
			want, got := serve(t, general, method, target), serve(t, direct, method, target)
			wantBody, gotBody := body(t, want), body(t, got)
			want.Header.Del("Date")
			got.Header.Del("Date")
			if got.StatusCode != want.StatusCode || !reflect.DeepEqual(got.Header, want.Header) || gotBody != wantBody {
				t.Errorf("%s %s:\n got %d %v %q\nwant %d %v %q", method, target,
					got.StatusCode, got.Header, gotBody, want.StatusCode, want.Header, wantBody)
			}
		}
	}
}
