package fileserve_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// scribble wraps next in middleware that, once next has answered,
// overwrites every value of the answer's header map in place, as a
// careless wrapper might (a logger redacting values, a proxy rewriting
// them). What it does must stay within the answer it did it to.
func scribble(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		for _, values := range w.Header() {
			for i := range values {
				values[i] = "scribbled"
			}
		}
	})
}

// TestHeadersNotShared: answers share no header value slices, so a
// wrapper that scribbles over one answer's values leaves every later
// answer as it was: files held in memory (200 and 304), the site's own
// 404 page held in memory, the built-in error page, listings, redirects,
// and the Cache-Control and Vary that options add.
func TestHeadersNotShared(t *testing.T) {
	js := strings.Repeat("console.log(1);\n", 100)
	for _, opt := range []*fileserve.Options{
		nil,
		{CacheControl: "no-cache", Precompressed: true, NotFoundPage: "404.html"},
	} {
		root, _ := tempRoot(t, map[string]string{
			"a.txt": "hello\n", "app.js": js, "404.html": "<p>lost</p>", "dir/b.txt": "b",
		})
		h := fileserve.NewRoot(root, opt)
		h.SettleAll()
		etag := serve(t, h, http.MethodGet, "/a.txt").Header.Get("ETag")
		for _, tc := range []struct {
			target string
			header []string
		}{
			{"/a.txt", nil},
			{"/a.txt", []string{"If-None-Match", etag}},
			{"/app.js", []string{"Accept-Encoding", "gzip"}},
			{"/missing.txt", nil},
			{"/dir/", nil},
			{"/dir", nil},
		} {
			before := serve(t, h, http.MethodGet, tc.target, tc.header...) // takes a file in
			if len(before.Header) == 0 {
				t.Fatalf("GET %s: no headers: the test would prove nothing", tc.target)
			}
			for range 2 {
				serve(t, scribble(h), http.MethodGet, tc.target, tc.header...)
			}
			after := serve(t, h, http.MethodGet, tc.target, tc.header...)
			if !reflect.DeepEqual(after.Header, before.Header) {
				t.Errorf("options %+v, GET %s %q after a wrapper scribbled over answers:\n got %v\nwant %v",
					opt, tc.target, tc.header, after.Header, before.Header)
			}
		}
	}
}
