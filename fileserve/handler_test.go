package fileserve_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/simplehttp/simplehttp/fileserve"
)

// TestHeadMatchesGet checks that HEAD answers with GET's status and headers
// and no body, for every kind of answer.
func TestHeadMatchesGet(t *testing.T) {
	h := newHandler()
	etag := etagOf(t, "/range.txt")
	for _, tc := range []struct {
		target string
		header []string
	}{
		{"/hello.txt", nil}, {"/image", nil}, {"/site/", nil}, {"/plain/", nil}, {"/plain", nil},
		{"/missing", nil}, {"/hello.txt/", nil}, {"/.env", nil},
		{"/range.txt", []string{"Range", "bytes=0-3"}},
		{"/range.txt", []string{"Range", "bytes=0-3,5-6"}},
		{"/range.txt", []string{"Range", "bytes=99-"}},
		{"/range.txt", []string{"If-Match", `"other"`}},
	} {
		target := tc.target
		t.Run(target+" "+strings.Join(tc.header, " "), func(t *testing.T) {
			get := serve(t, h, http.MethodGet, target, tc.header...)
			getBody := body(t, get)
			head := serve(t, h, http.MethodHead, target, tc.header...)
			if head.StatusCode != get.StatusCode {
				t.Errorf("HEAD status %d, GET %d", head.StatusCode, get.StatusCode)
			}
			// A multipart boundary is random: compare all but it.
			for _, resp := range []*http.Response{get, head} {
				ct := resp.Header.Get("Content-Type")
				if i := strings.Index(ct, "boundary="); i >= 0 {
					resp.Header.Set("Content-Type", ct[:i]+"boundary=B")
				}
			}
			if !reflect.DeepEqual(head.Header, get.Header) {
				t.Errorf("HEAD headers\n%v\ndiffer from GET's\n%v", head.Header, get.Header)
			}
			if b := body(t, head); b != "" {
				t.Errorf("HEAD body %q, want none", b)
			}
			if getBody == "" {
				t.Errorf("GET body is empty")
			}
		})
	}
	// 304 has no body either way.
	get := serve(t, h, http.MethodGet, "/range.txt", "If-None-Match", etag)
	head := serve(t, h, http.MethodHead, "/range.txt", "If-None-Match", etag)
	if get.StatusCode != 304 || head.StatusCode != 304 || !reflect.DeepEqual(get.Header, head.Header) {
		t.Errorf("304: GET %d %v, HEAD %d %v", get.StatusCode, get.Header, head.StatusCode, head.Header)
	}
}

func TestOptions(t *testing.T) {
	resp := serve(t, newHandler(), http.MethodOptions, "/hello.txt")
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d, want 204", resp.StatusCode)
	}
	if got := resp.Header.Get("Allow"); got != "GET, HEAD, OPTIONS" {
		t.Errorf("Allow %q", got)
	}
	// RFC 9110 §8.6: no Content-Length in a 204.
	if _, ok := resp.Header["Content-Length"]; ok {
		t.Errorf("204 carries Content-Length %q", resp.Header.Get("Content-Length"))
	}
	if b := body(t, resp); b != "" {
		t.Errorf("body %q", b)
	}
}

func TestOtherMethods(t *testing.T) {
	h := newHandler()
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND", "BREW"} {
		for _, target := range []string{"/hello.txt", "/site/", "/missing"} {
			resp := serve(t, h, method, target)
			b := body(t, resp)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", method, target, resp.StatusCode)
			}
			if got := resp.Header.Get("Allow"); got != "GET, HEAD, OPTIONS" {
				t.Errorf("%s %s: Allow %q", method, target, got)
			}
			checkErrorPage(t, resp, b, http.StatusMethodNotAllowed)
		}
	}
}

// checkErrorPage checks that resp is simplehttp's short error page for code.
func checkErrorPage(t *testing.T, resp *http.Response, body string, code int) {
	t.Helper()
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("error page Content-Type %q", got)
	}
	want := http.StatusText(code)
	if !strings.Contains(body, want) || !strings.HasPrefix(body, "<!DOCTYPE html>") {
		t.Errorf("error page for %d is not the short HTML page: %q", code, body)
	}
	if len(body) > 400 {
		t.Errorf("error page is %d bytes, want a short one", len(body))
	}
	for _, k := range []string{"ETag", "Last-Modified", "Cache-Control", "Content-Encoding"} {
		if v := resp.Header.Get(k); v != "" {
			t.Errorf("error page carries %s: %q", k, v)
		}
	}
	checkSecurityHeaders(t, resp)
}

// checkSecurityHeaders checks the headers every generated page carries.
func checkSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, directive)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q allows inline code", csp)
	}
}

func TestSecurityHeadersOnGeneratedPages(t *testing.T) {
	h := newHandler()
	for _, tc := range []struct {
		target string
		code   int
	}{
		{"/", http.StatusOK},       // listing
		{"/plain/", http.StatusOK}, // listing
		{"/plain", http.StatusMovedPermanently},
		{"/missing", http.StatusNotFound},
		{"/.env", http.StatusNotFound},
		{"/hello.txt/", http.StatusNotFound},
	} {
		resp := serve(t, h, http.MethodGet, tc.target)
		body(t, resp)
		if resp.StatusCode != tc.code {
			t.Errorf("%s: status %d, want %d", tc.target, resp.StatusCode, tc.code)
		}
		checkSecurityHeaders(t, resp)
	}
}

func TestIndexFiles(t *testing.T) {
	h := newHandler()
	for _, tc := range []struct {
		target, want, ctype string
	}{
		{"/site/", "<h1>site</h1>\n", "text/html; charset=utf-8"}, // index.html over index.htm
		{"/old/", "<h1>old</h1>\n", "text/html; charset=utf-8"},   // index.htm
		{"/plain/", "a.txt", "text/html; charset=utf-8"},          // index.html is a directory: listing
	} {
		resp := serve(t, h, http.MethodGet, tc.target)
		b := body(t, resp)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s: %d %q", tc.target, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(b, tc.want) {
			t.Errorf("%s: body %q lacks %q", tc.target, b, tc.want)
		}
	}
	// A page the user serves is theirs: no CSP of ours breaks its scripts.
	resp := serve(t, h, http.MethodGet, "/site/")
	body(t, resp)
	if csp := resp.Header.Get("Content-Security-Policy"); csp != "" {
		t.Errorf("a served index.html carries Content-Security-Policy %q", csp)
	}
	// Custom index names, tried in order.
	h = fileserve.New(testFS(), &fileserve.Options{IndexNames: []string{"index.htm", "index.html"}})
	if b := body(t, serve(t, h, http.MethodGet, "/site/")); b != "<h1>htm</h1>\n" {
		t.Errorf("IndexNames order ignored: %q", b)
	}
}

func TestFileWithTrailingSlash(t *testing.T) {
	h := newHandler()
	for _, target := range []string{"/hello.txt/", "/site/index.html/", "/hello.txt/?q=1"} {
		resp := serve(t, h, http.MethodGet, target)
		b := body(t, resp)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, resp.StatusCode)
		}
		checkErrorPage(t, resp, b, http.StatusNotFound)
	}
}

// redirectFS holds directories whose names need escaping in a Location.
func redirectFS() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, name := range []string{
		"plain", "with space", "q?x", "h#x", "p%x", `b\x`, "c:x", "javascript:alert(1)",
		"évian", "日本", "evil.com", `\evil.com`, "a/b", "semi;colon", "amp&eq=", ".",
	} {
		if name == "." {
			continue
		}
		fsys[name+"/f.txt"] = &fstest.MapFile{Data: []byte("x"), ModTime: modTime}
	}
	return fsys
}

func TestDirectoryRedirect(t *testing.T) {
	h := fileserve.New(redirectFS(), nil)
	for _, tc := range []struct {
		target string // request-URI
		dir    string // the directory it names (decoded)
	}{
		{"/plain", "/plain"},
		{"/plain?x=1&y=2", "/plain"},
		{"/with%20space", "/with space"},
		{"/q%3Fx", "/q?x"},
		{"/q%3Fx?k=v", "/q?x"},
		{"/h%23x", "/h#x"},
		{"/p%25x", "/p%x"},
		{`/b%5Cx`, `/b\x`},
		{`/b\x`, `/b\x`},
		{"/c:x", "/c:x"},
		{"/javascript:alert(1)", "/javascript:alert(1)"},
		{"/%C3%A9vian", "/évian"},
		{"/日本", "/日本"},
		{"/a%2Fb", "/a/b"},
		{"/plain%2F", "/plain/"}, // a slash, but encoded: links would miss
		{"/plain%2F?x=1", "/plain/"},
		{"/plain%2F%2F", "/plain/"},
		{"/a%2Fb%2F", "/a/b/"},
		{"/plain/%2F", "/plain/"},
		{"/%2F", "/"},
		{"/a/b", "/a/b"},
		{"/semi;colon", "/semi;colon"},
		{"/amp&eq=", "/amp&eq="},
		{"//evil.com", "//evil.com"},
		{"///evil.com", "///evil.com"},
		{"/%2Fevil.com", "//evil.com"},
		{"/%2F%2Fevil.com", "///evil.com"},
		{`/%5Cevil.com`, `/\evil.com`},
		{`/\evil.com`, `/\evil.com`},
		{"/./evil.com", "/./evil.com"},
		{"/plain/.", "/plain/."},
		{"/plain/..", "/plain/.."},
	} {
		t.Run(tc.target, func(t *testing.T) {
			resp := serve(t, h, http.MethodGet, tc.target)
			body(t, resp)
			if resp.StatusCode != http.StatusMovedPermanently {
				t.Fatalf("status %d, want 301", resp.StatusCode)
			}
			loc := resp.Header.Get("Location")
			checkRelativeLocation(t, loc)
			base, err := url.Parse("http://example.com" + tc.target)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := url.Parse(loc)
			if err != nil {
				t.Fatalf("Location %q does not parse: %v", loc, err)
			}
			got := base.ResolveReference(ref)
			if got.Host != "example.com" || got.Scheme != "http" {
				t.Fatalf("Location %q leads to %s", loc, got)
			}
			// The redirect must name the same directory, plus "/", and
			// keep the query.
			want := strings.TrimSuffix(tc.dir, "/") + "/"
			wantPath := resolveDots(want)
			if gotPath := got.Path; gotPath != wantPath && !(strings.HasPrefix(tc.dir, "//") && gotPath == "/"+strings.TrimLeft(wantPath, "/")) {
				t.Errorf("Location %q resolves to path %q, want %q", loc, gotPath, wantPath)
			}
			if got.RawQuery != base.RawQuery {
				t.Errorf("Location %q has query %q, want %q", loc, got.RawQuery, base.RawQuery)
			}
			// Following it must serve the directory.
			next := serve(t, h, http.MethodGet, got.RequestURI())
			body(t, next)
			if next.StatusCode != http.StatusOK {
				t.Errorf("following %q (%s): status %d", loc, got.RequestURI(), next.StatusCode)
			}
		})
	}
}

// resolveDots removes "." and ".." segments as a browser does.
func resolveDots(p string) string {
	u, _ := url.Parse("http://x")
	return u.ResolveReference(&url.URL{Path: p}).Path
}

// checkRelativeLocation fails unless loc is a path-relative reference:
// no scheme, no authority, no leading "/" or "\".
func checkRelativeLocation(t *testing.T, loc string) {
	t.Helper()
	if !strings.HasPrefix(loc, "./") {
		t.Errorf("Location %q does not begin with ./", loc)
	}
	for _, c := range []string{" ", "\\", "#", "\x00", "\r", "\n"} {
		if strings.Contains(loc, c) {
			t.Errorf("Location %q holds %q unescaped", loc, c)
		}
	}
	if strings.Count(loc, "?") > 1 || (strings.Contains(loc, "?") && strings.Index(loc, "?") < strings.LastIndex(loc, "/")) {
		t.Errorf("Location %q holds an unescaped ? in its path", loc)
	}
}

func TestRedirectUnderStripPrefix(t *testing.T) {
	inner := fileserve.New(redirectFS(), nil)
	for _, tc := range []struct {
		name     string
		h        http.Handler
		target   string
		code     int
		location string
	}{
		{"bare prefix", http.StripPrefix("/files", inner), "/files", 301, "./files/"},
		{"bare prefix with query", http.StripPrefix("/files", inner), "/files?a=b", 301, "./files/?a=b"},
		{"prefix with slash", http.StripPrefix("/files", inner), "/files/", 200, ""},
		{"sub directory", http.StripPrefix("/files", inner), "/files/plain", 301, "./plain/"},
		{"slash prefix, bare", http.StripPrefix("/files/", inner), "/files/", 200, ""},
		{"slash prefix, sub", http.StripPrefix("/files/", inner), "/files/plain", 301, "./plain/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(t, tc.h, http.MethodGet, tc.target)
			body(t, resp)
			if resp.StatusCode != tc.code || resp.Header.Get("Location") != tc.location {
				t.Errorf("%s: %d Location %q, want %d %q", tc.target, resp.StatusCode,
					resp.Header.Get("Location"), tc.code, tc.location)
			}
		})
	}
}
