package fileserve_test

import (
	"testing"
	"time"

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
	now := time.Now() // one clock for both: listings show relative times
	direct.SetClock(now)
	general.SetClock(now)
	for _, method := range []string{"GET", "HEAD"} {
		for _, target := range []string{"/a.txt", "/page.html", "/noext", "/deep/er/x.css", "/empty.txt", "/link.txt", "/missing", "/a.txt/x", "/idx/", "/lidx/", "/hidx/", "/deep/"} {
			sameAnswers(t, general, direct, method, target)
		}
	}
}
