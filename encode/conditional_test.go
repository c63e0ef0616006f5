package encode_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestConditional checks If-None-Match and If-Match against every
// representation: each has its own ETag, and each is confirmed by its own.
func TestConditional(t *testing.T) {
	h := newSite()
	plain := serve(t, h, http.MethodGet, "/app.js").Header.Get("ETag")
	coded := func(c string) string { return strings.TrimSuffix(plain, `"`) + "+" + c + `"` }
	tests := []struct {
		name        string
		header      []string
		code        int
		etag        string // of the answer
		contentCode string
	}{
		{"br held, br asked", []string{"Accept-Encoding", "br", "If-None-Match", coded("br")}, 304, coded("br"), ""},
		{"gzip held, gzip asked", []string{"Accept-Encoding", "gzip", "If-None-Match", coded("gzip")}, 304, coded("gzip"), ""},
		{"zstd held among others", []string{"Accept-Encoding", "zstd", "If-None-Match", `"x", ` + coded("zstd") + `, W/"y,z"`}, 304, coded("zstd"), ""},
		{"weak comparison", []string{"Accept-Encoding", "zstd", "If-None-Match", "W/" + coded("zstd")}, 304, coded("zstd"), ""},
		{"identity held, br asked", []string{"Accept-Encoding", "br", "If-None-Match", plain}, 304, plain, ""},
		{"br held, identity asked", []string{"If-None-Match", coded("br")}, 200, plain, ""},
		{"gzip held, br asked", []string{"Accept-Encoding", "br", "If-None-Match", coded("gzip")}, 200, coded("br"), "br"},
		{"stale tag", []string{"Accept-Encoding", "br", "If-None-Match", `"old+br"`}, 200, coded("br"), "br"},
		// With "*" the representation held is unknown: the handler's tag.
		{"star", []string{"Accept-Encoding", "br", "If-None-Match", "*"}, 304, plain, ""},
		{"If-Match with the coded tag", []string{"Accept-Encoding", "gzip", "If-Match", coded("gzip")}, 200, coded("gzip"), "gzip"},
		{"If-Match with the plain tag", []string{"Accept-Encoding", "gzip", "If-Match", plain}, 200, coded("gzip"), "gzip"},
		{"If-Match with another coding's tag", []string{"Accept-Encoding", "gzip", "If-Match", coded("br")}, 412, "", ""},
		{"If-Match fails", []string{"Accept-Encoding", "gzip", "If-Match", `"old+gzip"`}, 412, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(t, h, http.MethodGet, "/app.js", tc.header...)
			raw := body(t, resp)
			if resp.StatusCode != tc.code || resp.Header.Get("ETag") != tc.etag || resp.Header.Get("Content-Encoding") != tc.contentCode {
				t.Errorf("%d, ETag %q, Content-Encoding %q; want %d, %q, %q", resp.StatusCode, resp.Header.Get("ETag"),
					resp.Header.Get("Content-Encoding"), tc.code, tc.etag, tc.contentCode)
			}
			if resp.StatusCode == http.StatusOK && string(decode(t, tc.contentCode, raw)) != script {
				t.Error("wrong body")
			}
			if !varies(resp) {
				t.Errorf("Vary %q", resp.Header.Values("Vary"))
			}
		})
	}
}

// TestConditionalHeaderUntouched checks that the client's request keeps
// its headers: only the copy the next handler sees has the tags it issued.
func TestConditionalHeaderUntouched(t *testing.T) {
	h := newSite()
	r, _ := http.NewRequest(http.MethodGet, "/app.js", nil)
	r.Header.Set("Accept-Encoding", "br")
	r.Header.Set("If-None-Match", `"abc+br"`)
	h.ServeHTTP(discard{http.Header{}}, r)
	if got := r.Header.Get("If-None-Match"); got != `"abc+br"` {
		t.Errorf("the request's If-None-Match became %q", got)
	}
}

// discard is a ResponseWriter that keeps nothing but its header.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}

// TestHeadersNotShared: a wrapper that overwrites an answer's header
// values in place, once the answer is made, leaves the next answers as
// they were: the Content-Encoding and Vary this Handler sets belong to
// one answer each.
func TestHeadersNotShared(t *testing.T) {
	h := newSite()
	scribble := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		for _, values := range w.Header() {
			for i := range values {
				values[i] = "scribbled"
			}
		}
	})
	for _, accept := range []string{"br", "gzip", "zstd"} {
		before := serve(t, h, http.MethodGet, "/app.js", "Accept-Encoding", accept)
		serve(t, scribble, http.MethodGet, "/app.js", "Accept-Encoding", accept)
		after := serve(t, h, http.MethodGet, "/app.js", "Accept-Encoding", accept)
		for _, k := range []string{"Content-Encoding", "Vary"} {
			if got, want := after.Header.Values(k), before.Header.Values(k); strings.Join(got, ",") != strings.Join(want, ",") || len(want) == 0 {
				t.Errorf("Accept-Encoding %s: %s %q after a wrapper scribbled over an answer, want %q", accept, k, got, want)
			}
		}
	}
}
