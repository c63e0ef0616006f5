package fileserve_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// TestHotFileHTTP2Headers: over HTTP/2 a held file's answers (200, HEAD
// and 304) carry the headers the general path's carry, each once,
// though the hot path keys X-Content-Type-Options in lowercase there
// (as HTTP/2 sends it, which spares net/http lowercasing it): one
// nosniff, not two, even when a wrapper set the header already.
func TestHotFileHTTP2Headers(t *testing.T) {
	hr := newHotRoot(t, map[string]string{"a.txt": "hello\n", "page.html": "<p>hi</p>"}, &fileserve.Options{CacheControl: "no-cache"})
	// A wrapper that sets the header too, in its usual spelling.
	nosniffFirst := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Content-Type-Options", "nosniff")
			h.ServeHTTP(w, r)
		})
	}
	general, hot := h2Server(t, nosniffFirst(hr.general)), h2Server(t, nosniffFirst(hr.hot))
	for _, name := range []string{"a.txt", "page.html"} {
		h2Answer(t, hot, http.MethodGet, "/"+name, "") // takes it in
		if !hr.hot.HoldsHot(name) {
			t.Fatalf("GET /%s did not take it in", name)
		}
		etag := h2Answer(t, general, http.MethodGet, "/"+name, "").Get("Etag")
		for _, tc := range []struct{ method, inm string }{{http.MethodGet, ""}, {http.MethodHead, ""}, {http.MethodGet, etag}} {
			want, got := h2Answer(t, general, tc.method, "/"+name, tc.inm), h2Answer(t, hot, tc.method, "/"+name, tc.inm)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s /%s (If-None-Match %q) over HTTP/2:\n got %v\nwant %v", tc.method, name, tc.inm, got, want)
			}
			if v := got["X-Content-Type-Options"]; len(v) != 1 || v[0] != "nosniff" {
				t.Errorf("%s /%s (If-None-Match %q): X-Content-Type-Options %q", tc.method, name, tc.inm, v)
			}
		}
	}
}

// h2Server serves h over HTTPS and HTTP/2, until the test ends.
func h2Server(t *testing.T, h http.Handler) *httptest.Server {
	s := httptest.NewUnstartedServer(h)
	s.EnableHTTP2 = true
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// h2Answer asks s for target over HTTP/2, with If-None-Match inm (if
// not ""), and returns the answer's headers but Date, with its status
// as ":status".
func h2Answer(t *testing.T, s *httptest.Server, method, target, inm string) http.Header {
	t.Helper()
	r, err := http.NewRequest(method, s.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if inm != "" {
		r.Header.Set("If-None-Match", inm)
	}
	resp, err := s.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("%s %s: HTTP/%d", method, target, resp.ProtoMajor)
	}
	resp.Header.Del("Date")
	resp.Header[":status"] = []string{resp.Status}
	return resp.Header
}
