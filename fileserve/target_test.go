package fileserve_test

import (
	"bufio"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/simplehttp/simplehttp/fileserve"
)

// TestRawFragment sends request targets with a raw "#", which clients
// strip before sending and net/http keeps: the fragment is dropped, as
// nginx and Python's http.server drop it, so the file before it is
// served. An escaped "%23" stays part of the name.
func TestRawFragment(t *testing.T) {
	fsys := testFS()
	fsys["a"] = &fstest.MapFile{Data: []byte("the file a\n"), ModTime: modTime}
	fsys["a#b.txt"] = &fstest.MapFile{Data: []byte("the file a#b.txt\n"), ModTime: modTime}
	h := fileserve.New(fsys, nil)
	mounted := http.StripPrefix("/files", h)
	tests := []struct {
		name, method, target string
		h                    http.Handler
		code                 int
		body, ctype, loc     string
	}{
		{"file", "GET", "/hello.txt#frag", h, 200, "content of hello.txt\n", "", ""},
		{"empty fragment", "GET", "/hello.txt#", h, 200, "content of hello.txt\n", "", ""},
		{"question mark in the fragment", "GET", "/hello.txt#x?y=1", h, 200, "content of hello.txt\n", "", ""},
		{"raw # names the file before it", "GET", "/a#b.txt", h, 200, "the file a\n", "", ""},
		{"escaped # is part of the name", "GET", "/a%23b.txt", h, 200, "the file a#b.txt\n", "", ""},
		{"escaped and raw", "GET", "/a%23b.txt#b.txt", h, 200, "the file a#b.txt\n", "", ""},
		{"query kept", "GET", "/?format=json#top", h, 200, "", "application/json", ""},
		{"fragment cut from the query", "GET", "/?format=txt#x&format=json", h, 200, "", "text/plain; charset=utf-8", ""},
		{"listing", "GET", "/#", h, 200, "", "text/html; charset=utf-8", ""},
		{"folder redirect", "GET", "/site#x", h, 301, "", "", "./site/"},
		{"no climbing out of the fragment", "GET", "/plain/a.txt#/../../.env", h, 200, "a\n", "", ""},
		{"hidden stays hidden", "GET", "/.env#x", h, 404, "", "", ""},
		{"missing", "GET", "/nope#hello.txt", h, 404, "", "", ""},
		{"HEAD", "HEAD", "/hello.txt#frag", h, 200, "", "", ""},
		{"mounted file", "GET", "/files/hello.txt#x", mounted, 200, "content of hello.txt\n", "", ""},
		{"mounted bare prefix", "GET", "/files#x", mounted, 301, "", "", "./files/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(t, tc.h, tc.method, tc.target)
			got := body(t, resp)
			if resp.StatusCode != tc.code {
				t.Fatalf("%s %s: %d, want %d\n%s", tc.method, tc.target, resp.StatusCode, tc.code, got)
			}
			if tc.body != "" && got != tc.body {
				t.Errorf("%s %s: body %q, want %q", tc.method, tc.target, got, tc.body)
			}
			if ct := resp.Header.Get("Content-Type"); tc.ctype != "" && ct != tc.ctype {
				t.Errorf("%s %s: Content-Type %q, want %q", tc.method, tc.target, ct, tc.ctype)
			}
			if loc := resp.Header.Get("Location"); loc != tc.loc {
				t.Errorf("%s %s: Location %q, want %q", tc.method, tc.target, loc, tc.loc)
			}
		})
	}
}

// FuzzWithoutFragment checks withoutFragment against a reference: the
// request whose target is cut at the first raw "#". It leaves a request
// without one as it is, never changes the request it was given, and is
// its own result when applied again.
func FuzzWithoutFragment(f *testing.F) {
	for _, seed := range []string{
		"/", "/a#b", "/a%23b#c", "/a#b?c=d", "/?q=1#x", "/?#", "/#?", "/a?b#c#d", "/%7e#%zz",
		"/a#", "/caf%E9#x", "http://h/a#b", "*", "/a%2Fb#c", "/a?", "/a#b?",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, target string) {
		r, err := readRequest(target)
		if err != nil {
			return // net/http refuses it before any handler runs
		}
		before := *r.URL
		r2 := fileserve.WithoutFragment(r)
		if *r.URL != before {
			t.Fatalf("%q: the request's URL changed to %#v", target, r.URL)
		}
		cut, _, found := strings.Cut(target, "#")
		if !found {
			if r2 != r {
				t.Fatalf("%q: a request without a fragment was copied", target)
			}
			return
		}
		if r2.RequestURI != cut {
			t.Fatalf("%q: RequestURI %q, want %q", target, r2.RequestURI, cut)
		}
		want, err := readRequest(cut)
		if err != nil {
			// Only a target that is not a path (absolute-form) can fail
			// here; it must still lose its fragment.
			if strings.ContainsRune(r2.URL.RawPath+r2.URL.RawQuery, '#') {
				t.Fatalf("%q: fragment kept in %#v", target, r2.URL)
			}
			return
		}
		if r2.URL.Path != want.URL.Path || r2.URL.RawQuery != want.URL.RawQuery || r2.URL.EscapedPath() != want.URL.EscapedPath() {
			t.Fatalf("%q: path %q (%q), query %q; want %q (%q), %q", target,
				r2.URL.Path, r2.URL.EscapedPath(), r2.URL.RawQuery, want.URL.Path, want.URL.EscapedPath(), want.URL.RawQuery)
		}
		if r3 := fileserve.WithoutFragment(r2); r3 != r2 {
			t.Fatalf("%q: applied again, it changed the request", target)
		}
	})
}

// readRequest parses a GET of target as net/http's server does.
func readRequest(target string) (*http.Request, error) {
	if strings.ContainsAny(target, " \r\n") {
		return nil, errors.New("not a request target")
	}
	return http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")))
}
