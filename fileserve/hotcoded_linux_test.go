package fileserve_test

import (
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/coding"
)

// codedRoot is a hotRoot whose two Handlers look for precompressed
// siblings, each behind an encode.Handler, as simplehttp mounts them: the
// hot one keeps files compressed, the general one compresses every answer
// afresh. Whatever the folder becomes, both must send the same
// representation of the same content, the hot one possibly coded in
// another coding or harder (see same).
type codedRoot struct {
	*hotRoot
	hot, general http.Handler
}

// codedFiles are files that compress, well or not at all, at the top and
// down in a folder, small enough to send from memory and larger.
var codedFiles = map[string]string{
	"app.js":          strings.Repeat("function add(a, b) { return a + b; } // sums\n", 50),
	"big.js":          string(pseudoText(40 << 10)),
	"base64.txt":      base64Text(4 << 10),
	"random.txt":      string(randomBytes(4 << 10)),
	"css/site.css":    strings.Repeat("body { margin: 0; padding: 1em; }\n", 60),
	"tiny.txt":        "too small to compress\n",
	"photo.png":       strings.Repeat("\x89PNG", 1000),
	".env":            "SECRET=1\n",
	"noext":           strings.Repeat("text to sniff\n", 100),
	"huge.txt":        strings.Repeat("x", 300<<10),
	"other/index.htm": "<p>x</p>",
}

func newCodedRoot(t *testing.T) *codedRoot {
	t.Helper()
	hr := newHotRoot(t, codedFiles, &fileserve.Options{Precompressed: true})
	return &codedRoot{hotRoot: hr, hot: encode.New(hr.hotRoot().hot, nil), general: encode.New(hr.hotRoot().general, nil)}
}

// hotRoot returns the embedded hotRoot, whose hot and general fields the
// codedRoot's shadow.
func (hr *hotRoot) hotRoot() *hotRoot { return hr }

// same asks both for target and fails unless the answers are the same
// but for their coding: the same status, the same content once decoded,
// and the same headers but for Content-Encoding, Content-Length (each
// its own body's), Accept-Ranges (of uncoded answers only) and the
// coding's suffix of ETag. The general answer's coding is the one
// encode streams in (coding.Choice.Coding), the hot one's the one it
// keeps bodies in (Choice.Kept) or that one, or none, as the general's
// may be where that does not shrink. It returns the hot answer's
// content, decoded.
func (cr *codedRoot) same(t *testing.T, method, target string, header ...string) string {
	t.Helper()
	want, got := serve(t, cr.general, method, target, header...), serve(t, cr.hot, method, target, header...)
	var accept []string
	for i := 0; i+1 < len(header); i += 2 {
		if http.CanonicalHeaderKey(header[i]) == "Accept-Encoding" {
			accept = append(accept, header[i+1])
		}
	}
	ch := coding.Choose(accept, coding.All)
	wantBody := uncoded(t, method, want, ch.Coding)
	gotBody := uncoded(t, method, got, ch.Kept, ch.Coding)
	if got.StatusCode != want.StatusCode || !reflect.DeepEqual(got.Header, want.Header) || gotBody != wantBody {
		t.Errorf("%s %s %q, but for the coding:\n got %d %v %q\nwant %d %v %q", method, target, header,
			got.StatusCode, got.Header, shortenString(gotBody), want.StatusCode, want.Header, shortenString(wantBody))
	}
	return gotBody
}

// uncoded reads resp's body and decodes it, and takes out of its headers
// what depends on its coding: Date too, Content-Length once checked
// against the body (of a GET), and the coding's suffix of ETag. The
// answer may be coded in one of codings only.
func uncoded(t *testing.T, method string, resp *http.Response, codings ...coding.Coding) string {
	t.Helper()
	raw := body(t, resp)
	hdr := resp.Header
	if n := hdr.Get("Content-Length"); method == http.MethodGet && n != "" && n != strconv.Itoa(len(raw)) {
		t.Errorf("Content-Length %s, body of %d bytes", n, len(raw))
	}
	ce := hdr.Get("Content-Encoding")
	switch {
	case ce == "":
		hdr.Del("Accept-Ranges")
	case !slices.ContainsFunc(codings, func(c coding.Coding) bool { return c.String() == ce }):
		t.Errorf("Content-Encoding %q, want one of %v or none", ce, codings)
	default:
		raw = decodeString(t, ce, raw)
		if tag := hdr.Get("ETag"); tag != "" {
			hdr.Set("ETag", strings.TrimSuffix(tag, "+"+ce+`"`)+`"`)
		}
	}
	for _, k := range []string{"Date", "Content-Length", "Content-Encoding"} {
		hdr.Del(k)
	}
	return raw
}

// acceptings are Accept-Encoding values: each coding alone, a browser's,
// and one that refuses identity.
var acceptings = []string{"zstd", "br", "gzip", "gzip, deflate, br, zstd", "identity;q=0, gzip"}

// TestHotCodedAnswers: a file held compressed answers as compressing it
// afresh does, in every coding, the second time from memory; a file that
// does not shrink goes out as it is, that decided once; requests for
// part of a file, or with preconditions, get the general path's answers.
// Files that are not held (too small, an image, a type to sniff, too
// large) are answered as ever. HEAD gets the headers GET gets, the
// compressed length included where the file is held (encode alone cannot
// tell it: RFC 9110 lets it leave it out).
func TestHotCodedAnswers(t *testing.T) {
	cr := newCodedRoot(t)
	held := map[string]bool{"app.js": true, "big.js": true, "base64.txt": true, "random.txt": true, "css/site.css": true}
	for _, target := range []string{"/app.js", "/big.js", "/base64.txt", "/random.txt", "/css/site.css", "/tiny.txt", "/photo.png", "/noext", "/huge.txt"} {
		name := strings.TrimPrefix(target, "/")
		for _, accept := range acceptings {
			first := cr.same(t, "GET", target, "Accept-Encoding", accept)
			if again := cr.same(t, "GET", target, "Accept-Encoding", accept); again != first {
				t.Errorf("GET %s (%s): a second answer differs", target, accept)
			}
			resp := serve(t, cr.hot, "GET", target, "Accept-Encoding", accept)
			coded, tag := resp.Header.Get("Content-Encoding"), resp.Header.Get("ETag")
			for _, c := range []string{"zstd", "br", "gzip"} {
				isHeld, worth := cr.hotRoot.hot.HoldsCoded(name, c)
				switch {
				case isHeld && !held[name]:
					t.Errorf("GET %s (%s): held in %s", target, accept, c)
				case !held[name] || strings.Contains(accept, "identity"):
				case c == coded && (!isHeld || !worth):
					t.Errorf("GET %s (%s): sent in %s, not held so (%v, %v)", target, accept, c, isHeld, worth)
				case c == accept && coded == "" && (!isHeld || worth):
					t.Errorf("GET %s (%s): sent as it is, not marked as not worth compressing (%v, %v)", target, c, isHeld, worth)
				case c == accept && name == "random.txt" && coded != "":
					t.Errorf("GET %s (%s): random bytes sent compressed", target, c)
				}
			}
			if held[name] && !strings.Contains(accept, "identity") { // refused, a mark goes to encode
				head := serve(t, cr.hot, "HEAD", target, "Accept-Encoding", accept)
				if b := body(t, head); b != "" || !sameHeaders(head.Header, resp.Header) {
					t.Errorf("HEAD %s (%s): %v, %q; GET's headers %v", target, accept, head.Header, b, resp.Header)
				}
			}
			cr.same(t, "GET", target, "Accept-Encoding", accept, "If-None-Match", tag)
			cr.same(t, "GET", target, "Accept-Encoding", accept, "If-None-Match", `"other", `+tag)
			cr.same(t, "GET", target, "Accept-Encoding", accept, "If-Modified-Since", resp.Header.Get("Last-Modified"))
			cr.same(t, "GET", target, "Accept-Encoding", accept, "Range", "bytes=1-20")
			cr.same(t, "GET", target, "Accept-Encoding", accept, "If-Match", `"other"`)
		}
		cr.same(t, "GET", target)
	}
	for _, target := range []string{"/.env", "/other/", "/css/", "/app.js/"} {
		cr.same(t, "GET", target, "Accept-Encoding", "zstd")
	}
}

// sameHeaders reports whether two answers' headers are equal but for
// Date.
func sameHeaders(a, b http.Header) bool {
	a, b = a.Clone(), b.Clone()
	a.Del("Date")
	b.Del("Date")
	return reflect.DeepEqual(a, b)
}

// TestHotCodedNeverStale: once a file is held compressed in every coding,
// every way of changing it is seen by the next request, in every coding,
// which answers as compressing the file afresh does.
func TestHotCodedNeverStale(t *testing.T) {
	for _, c := range fileChanges("app.js") {
		for _, accept := range acceptings[:3] {
			t.Run(c.name+" "+accept, func(t *testing.T) {
				cr := newCodedRoot(t)
				before := cr.same(t, "GET", "/app.js", "Accept-Encoding", accept)
				if held, _ := cr.hotRoot.hot.HoldsCoded("app.js", accept); !held {
					t.Fatalf("GET /app.js (%s) did not keep it compressed: this test would prove nothing", accept)
				}
				time.Sleep(20 * time.Millisecond)
				c.change(t, cr.hotRoot)
				if after := cr.same(t, "GET", "/app.js", "Accept-Encoding", accept); after == before {
					t.Errorf("after the change GET /app.js (%s) still answered as before", accept)
				}
				get := serve(t, cr.hot, "GET", "/app.js", "Accept-Encoding", accept)
				if head := serve(t, cr.hot, "HEAD", "/app.js", "Accept-Encoding", accept); !sameHeaders(head.Header, get.Header) {
					t.Errorf("HEAD /app.js (%s) after the change: %v, GET's %v", accept, head.Header, get.Header)
				}
			})
		}
	}
}

// TestHotCodedSibling: a file held compressed gives way to a
// precompressed sibling made later, once the folder is looked at again
// (the Handlers' clocks stand still, so the test moves them), and never
// to one that is older than the file.
func TestHotCodedSibling(t *testing.T) {
	for _, target := range []string{"/app.js", "/css/site.css"} {
		cr := newCodedRoot(t)
		name := strings.TrimPrefix(target, "/")
		cr.same(t, "GET", target, "Accept-Encoding", "br")
		if held, _ := cr.hotRoot.hot.HoldsCoded(name, "br"); !held {
			t.Fatalf("GET %s (br) did not keep it compressed", target)
		}
		br := []byte("the bytes of a .br sibling")
		time.Sleep(20 * time.Millisecond)
		must(t, os.WriteFile(cr.path(name+".br"), br, 0o644))
		later := time.Now().Add(2 * time.Hour) // a fresh sibling, past the clocks' settling
		cr.hotRoot.hot.SetClock(later)
		cr.hotRoot.general.SetClock(later)
		if got := sameAnswers(t, cr.general, cr.hot, "GET", target, "Accept-Encoding", "br"); got != string(br) {
			t.Errorf("GET %s (br) after a sibling was made: %q, want the sibling", target, shortenString(got))
		}
		cr.same(t, "GET", target, "Accept-Encoding", "zstd") // no .zst: the file, compressed
	}
}

// TestHotCodedBounded: compressed files count against the cache's bound.
func TestHotCodedBounded(t *testing.T) {
	cr := newCodedRoot(t)
	cr.same(t, "GET", "/big.js") // an identity answer: big.js is too large to hold as it is
	before := cr.hotRoot.hot.HotBytes()
	zstd := serve(t, cr.hot, "GET", "/big.js", "Accept-Encoding", "zstd")
	n := len(body(t, zstd))
	if got := cr.hotRoot.hot.HotBytes(); got < before+n || got > before+n+fileserve.HotOverhead+1024 {
		t.Errorf("holding big.js compressed (%d bytes): the cache holds %d bytes, %d before", n, got, before)
	}
}
