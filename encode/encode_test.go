package encode_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/encode"
)

// TestCodings fetches files that compress with each coding and decodes
// them.
func TestCodings(t *testing.T) {
	h := newSite()
	plain := serve(t, h, http.MethodGet, "/app.js")
	identityTag := plain.Header.Get("ETag")
	if identityTag == "" || plain.Header.Get("Content-Encoding") != "" || !varies(plain) {
		t.Fatalf("without Accept-Encoding: ETag %q, Content-Encoding %q, Vary %q",
			identityTag, plain.Header.Get("Content-Encoding"), plain.Header.Values("Vary"))
	}
	tests := []struct {
		accept, want string
	}{
		{"zstd", "zstd"},
		{"br", "br"},
		{"gzip", "gzip"},
		{"x-gzip", "gzip"},
		{"gzip, deflate, br, zstd", "zstd"},
		{"gzip, deflate, br", "br"},
		{"gzip;q=1, br;q=0.5, zstd;q=0.1", "gzip"},
		{"*", "zstd"},
	}
	for _, path := range []string{"/app.js", "/page.html", "/data.json", "/dir/"} {
		for _, tc := range tests {
			t.Run(path+" "+tc.accept, func(t *testing.T) {
				want := string(body(t, serve(t, h, http.MethodGet, path)))
				resp := serve(t, h, http.MethodGet, path, "Accept-Encoding", tc.accept)
				raw := body(t, resp)
				if got := resp.Header.Get("Content-Encoding"); got != tc.want {
					t.Fatalf("Content-Encoding %q, want %q", got, tc.want)
				}
				if got := string(decode(t, tc.want, raw)); got != want {
					t.Errorf("decoded body differs: %d bytes, want %d", len(got), len(want))
				}
				if len(raw) >= len(want)/2 {
					t.Errorf("compressed to %d bytes from %d", len(raw), len(want))
				}
				if v := resp.Header.Get("Accept-Ranges"); v != "" {
					t.Errorf("Accept-Ranges: %s on a compressed answer", v)
				}
				if v := resp.Header.Get("Content-Length"); v != strconv.Itoa(len(raw)) {
					t.Errorf("Content-Length %q on a compressed answer of %d bytes", v, len(raw))
				}
				if !varies(resp) {
					t.Errorf("Vary %q", resp.Header.Values("Vary"))
				}
				if tag := resp.Header.Get("ETag"); path != "/dir/" && tag != strings.TrimSuffix(identityTagOf(t, h, path), `"`)+"+"+tc.want+`"` {
					t.Errorf("ETag %q, identity's %q", tag, identityTagOf(t, h, path))
				}
			})
		}
	}
}

// TestZstdCodesTextWithoutRepeats checks that zstd entropy-codes a body
// in which it finds no repeats (base64 of random bytes), as brotli does,
// where it used to store it as it is, with a few bytes more.
func TestZstdCodesTextWithoutRepeats(t *testing.T) {
	b64 := base64Random(1024)
	h := encode.New(answer{map[string]string{"Content-Type": "text/plain"}, 0, []string{string(b64)}}, nil)
	resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", "zstd")
	raw := body(t, resp)
	if string(decode(t, resp.Header.Get("Content-Encoding"), raw)) != string(b64) || len(raw) > 850 {
		t.Errorf("1,024 bytes of base64 sent as %d bytes of %q, want about 3/4 as many of zstd", len(raw), resp.Header.Get("Content-Encoding"))
	}
}

// identityTagOf is the ETag of path's uncompressed answer.
func identityTagOf(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	return serve(t, h, http.MethodGet, path).Header.Get("ETag")
}

// TestNotCompressed lists the answers sent as they are, each with the
// same body as without Accept-Encoding and with Vary: Accept-Encoding.
func TestNotCompressed(t *testing.T) {
	h := newSite()
	tests := []struct {
		name, method, target string
		header               []string
		code                 int
	}{
		{"no Accept-Encoding", "GET", "/app.js", nil, 200},
		{"empty Accept-Encoding", "GET", "/app.js", []string{"Accept-Encoding", ""}, 200},
		{"gzip;q=0 is a refusal", "GET", "/app.js", []string{"Accept-Encoding", "gzip;q=0"}, 200},
		{"every coding refused", "GET", "/app.js", []string{"Accept-Encoding", "zstd;q=0, br;q=0, gzip;q=0, deflate"}, 200},
		{"*;q=0 with identity", "GET", "/app.js", []string{"Accept-Encoding", "*;q=0, identity"}, 200},
		{"identity preferred", "GET", "/app.js", []string{"Accept-Encoding", "identity, gzip;q=0.5"}, 200},
		{"unknown codings", "GET", "/app.js", []string{"Accept-Encoding", "deflate, compress"}, 200},
		{"too small to gain", "GET", "/small.txt", []string{"Accept-Encoding", "gzip"}, 200},
		{"an image", "GET", "/photo.png", []string{"Accept-Encoding", "gzip, br, zstd"}, 200},
		{"a .gz file", "GET", "/archive.tar.gz", []string{"Accept-Encoding", "gzip, br, zstd"}, 200},
		{"a range", "GET", "/app.js", []string{"Accept-Encoding", "gzip", "Range", "bytes=10-99"}, 206},
		{"a suffix range", "GET", "/app.js", []string{"Accept-Encoding", "zstd", "Range", "bytes=-500"}, 206},
		{"not found", "GET", "/nope.js", []string{"Accept-Encoding", "gzip"}, 404},
		{"a redirect", "GET", "/dir", []string{"Accept-Encoding", "gzip"}, 301},
		{"a failed precondition", "GET", "/app.js", []string{"Accept-Encoding", "gzip", "If-Match", `"other"`}, 412},
		{"OPTIONS", "OPTIONS", "/app.js", []string{"Accept-Encoding", "gzip"}, 204},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(t, h, tc.method, tc.target, tc.header...)
			got := body(t, resp)
			if resp.StatusCode != tc.code || resp.Header.Get("Content-Encoding") != "" {
				t.Fatalf("%d with Content-Encoding %q; want %d, not coded", resp.StatusCode, resp.Header.Get("Content-Encoding"), tc.code)
			}
			var header []string
			for i := 0; i+1 < len(tc.header); i += 2 {
				if tc.header[i] != "Accept-Encoding" {
					header = append(header, tc.header[i], tc.header[i+1])
				}
			}
			plain := serve(t, h, tc.method, tc.target, header...)
			if want := body(t, plain); string(got) != string(want) {
				t.Errorf("body %q, want the uncoded %q", shorten(got), shorten(want))
			}
			if etag := resp.Header.Get("ETag"); etag != plain.Header.Get("ETag") {
				t.Errorf("ETag %q, uncoded %q", etag, plain.Header.Get("ETag"))
			}
			if !varies(resp) {
				t.Errorf("Vary %q", resp.Header.Values("Vary"))
			}
		})
	}
}

// shorten cuts b for an error message.
func shorten(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// TestHead checks that HEAD gets the headers GET gets, and no body, but
// for the Content-Length of a compressed body, which only compressing it
// tells (RFC 9110, 9.3.2, lets HEAD leave it out).
func TestHead(t *testing.T) {
	h := newSite()
	for _, accept := range []string{"zstd", "br", "gzip", ""} {
		get := serve(t, h, http.MethodGet, "/app.js", "Accept-Encoding", accept)
		head := serve(t, h, http.MethodHead, "/app.js", "Accept-Encoding", accept)
		if b := body(t, head); len(b) != 0 {
			t.Errorf("%s: HEAD has a %d-byte body", accept, len(b))
		}
		for _, name := range []string{"Content-Encoding", "Content-Length", "ETag", "Vary", "Content-Type", "Accept-Ranges"} {
			g, hd := get.Header.Values(name), head.Header.Values(name)
			if name == "Content-Length" && accept != "" && len(hd) == 0 {
				continue
			}
			if strings.Join(g, "|") != strings.Join(hd, "|") {
				t.Errorf("%q: %s: GET %q, HEAD %q", accept, name, g, hd)
			}
		}
	}
}

// TestIdentityRefused checks that a client refusing identity gets even a
// small body compressed.
func TestIdentityRefused(t *testing.T) {
	resp := serve(t, newSite(), http.MethodGet, "/small.txt", "Accept-Encoding", "identity;q=0, gzip")
	raw := body(t, resp)
	if ce := resp.Header.Get("Content-Encoding"); ce != "gzip" || string(decode(t, ce, raw)) != "short text\n" {
		t.Errorf("Content-Encoding %q, body %q", ce, raw)
	}
}
