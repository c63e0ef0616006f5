package encode_test

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzHeaders sends hostile Accept-Encoding, If-None-Match, If-Match and
// Range headers through the Handler to a file server: it must never
// panic, and every answer must be one of those the file allows, its body
// decoding to the file.
func FuzzHeaders(f *testing.F) {
	for _, seed := range [][4]string{
		{"gzip", "", "", ""},
		{"br;q=0.5, zstd", `"x+zstd", W/"y,z"`, "", ""},
		{"*;q=0, identity;q=0", "*", `"a"`, "bytes=0-10"},
		{"zstd", `"+zstd"`, `""+zstd"`, ""},
		{"gzip;q=1.000, x-gzip;q=0", `W/"+gzip"`, "*", "bytes=-5,7-"},
		{",,;;q=,", `"unterminated`, `W/`, "bytes=x"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	h := newSite()
	tag := serve(f, h, http.MethodGet, "/app.js").Header.Get("ETag")
	f.Fuzz(func(t *testing.T, accept, ifNoneMatch, ifMatch, rng string) {
		var header []string
		for _, kv := range [][2]string{{"Accept-Encoding", accept}, {"If-None-Match", ifNoneMatch}, {"If-Match", ifMatch}, {"Range", rng}} {
			if kv[1] != "" {
				header = append(header, kv[0], kv[1])
			}
		}
		resp := serve(t, h, http.MethodGet, "/app.js", header...)
		got := body(t, resp)
		ce := resp.Header.Get("Content-Encoding")
		etag := resp.Header.Get("ETag")
		if !varies(resp) {
			t.Errorf("no Vary: Accept-Encoding")
		}
		switch resp.StatusCode {
		case http.StatusOK:
			if string(decode(t, ce, got)) != script {
				t.Errorf("200 with Content-Encoding %q: the body does not decode to the file", ce)
			}
			if want := withSuffix(tag, ce); etag != want {
				t.Errorf("200 with Content-Encoding %q and ETag %s, want %s", ce, etag, want)
			}
		case http.StatusPartialContent:
			if ce != "" || !strings.Contains(script, string(got)) {
				t.Errorf("206 with Content-Encoding %q, body %q", ce, shorten(got))
			}
		case http.StatusNotModified:
			if ce != "" || len(got) != 0 || !strings.HasPrefix(etag, strings.TrimSuffix(tag, `"`)) {
				t.Errorf("304 with Content-Encoding %q, ETag %s, %d bytes", ce, etag, len(got))
			}
		case http.StatusPreconditionFailed, http.StatusRequestedRangeNotSatisfiable:
			if ce != "" {
				t.Errorf("%d with Content-Encoding %q", resp.StatusCode, ce)
			}
		default:
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}

// withSuffix is the ETag of the file's representation in coding ce.
func withSuffix(tag, ce string) string {
	if ce == "" {
		return tag
	}
	return strings.TrimSuffix(tag, `"`) + "+" + ce + `"`
}
