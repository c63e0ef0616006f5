package live

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
)

const page = "<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>" + "hello " + "</p></body></html>\n"

// site is a served folder with a plain file server and the same one with
// live reload in front, both behind on-the-fly compression.
type site struct {
	dir         string
	plain, live http.Handler
}

func newSite(t *testing.T, opt *fileserve.Options, files map[string]string) *site {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	rl, err := New(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rl.Close() })
	files1 := fileserve.NewRoot(root, opt)
	return &site{dir: dir, plain: encode.New(files1, nil), live: encode.New(rl.Handler(files1), nil)}
}

func do(h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func tagFor(urlPath string) string { return string(scriptTag(urlPath)) }

func TestInjectedPageIsItsOwnRepresentation(t *testing.T) {
	s := newSite(t, nil, map[string]string{"a/page.html": page})
	want := strings.Replace(page, "<head>", "<head>"+tagFor("/a/page.html"), 1)
	plain := do(s.plain, "GET", "/a/page.html")
	got := do(s.live, "GET", "/a/page.html")
	if got.Code != 200 || got.Body.String() != want {
		t.Fatalf("GET: %d %q, want 200 %q", got.Code, got.Body, want)
	}
	if !strings.Contains(want, `src="../.simplehttp/`) {
		t.Errorf("the script is not linked relative to the page: %s", want)
	}
	tag := got.Header().Get("Etag")
	if tag != liveTag(plain.Header().Get("Etag")) || !strings.HasSuffix(tag, `+live"`) {
		t.Errorf("ETag %s, want the file's %s with +live", tag, plain.Header().Get("Etag"))
	}
	for k, v := range map[string]string{"Content-Length": strconv.Itoa(len(want)), "Cache-Control": "no-cache",
		"Content-Type": "text/html; charset=utf-8", "Last-Modified": plain.Header().Get("Last-Modified")} {
		if got.Header().Get(k) != v {
			t.Errorf("%s: %q, want %q", k, got.Header().Get(k), v)
		}
	}
	head := do(s.live, "HEAD", "/a/page.html")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != strconv.Itoa(len(want)) || head.Header().Get("Etag") != tag {
		t.Errorf("HEAD: %d, %d bytes, headers %v", head.Code, head.Body.Len(), head.Header())
	}
	if w := do(s.live, "GET", "/a/page.html", "If-None-Match", tag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the live tag: %d, want 304", w.Code)
	}
	// A copy cached without live reload must not be confirmed.
	if w := do(s.live, "GET", "/a/page.html", "If-None-Match", plain.Header().Get("Etag")); w.Code != 200 || w.Body.String() != want {
		t.Errorf("If-None-Match with the file's own tag: %d, want 200 and the page", w.Code)
	}
	if w := do(s.live, "GET", "/a/page.html", "Range", "bytes=16-40"); w.Code != http.StatusPartialContent || w.Body.String() != want[16:41] {
		t.Errorf("Range: %d %q, want 206 %q", w.Code, w.Body, want[16:41])
	}
	if w := do(s.live, "GET", "/a/page.html", "Range", "bytes=9999-"); w.Code != http.StatusRequestedRangeNotSatisfiable || !strings.Contains(w.Body.String(), "<title>416") {
		t.Errorf("unsatisfiable Range: %d %q, want 416 and the error page", w.Code, w.Body)
	}
}

func TestInjectedPageCompresses(t *testing.T) {
	long := strings.Replace(page, "hello ", strings.Repeat("hello ", 400), 1)
	s := newSite(t, &fileserve.Options{Precompressed: true}, map[string]string{
		"page.html": long, "page.html.br": "a stale sibling that is not HTML at all, but newer",
	})
	want := strings.Replace(long, "<head>", "<head>"+tagFor("/page.html"), 1)
	w := do(s.live, "GET", "/page.html", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", w.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if string(body) != want {
		t.Errorf("the gzipped page is not the injected page")
	}
	tag := w.Header().Get("Etag")
	if !strings.HasSuffix(tag, `+live+gzip"`) {
		t.Errorf("ETag %s, want the live tag with +gzip", tag)
	}
	if w := do(s.live, "GET", "/page.html", "Accept-Encoding", "gzip", "If-None-Match", tag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the gzip tag: %d, want 304", w.Code)
	}
	// A precompressed sibling is the file's bytes: the page is
	// compressed afresh instead.
	w = do(s.live, "GET", "/page.html", "Accept-Encoding", "br")
	body, _ = io.ReadAll(brotli.NewReader(w.Body))
	if string(body) != want {
		t.Errorf("with br: got %.80q..., want the injected page", body)
	}
}

// Everything that is not an HTML page passes through as it would without
// live reload: same status, headers and bytes.
func TestOtherAnswersAreUntouched(t *testing.T) {
	s := newSite(t, &fileserve.Options{Precompressed: true}, map[string]string{
		"style.css": strings.Repeat("p { color: red }\n", 200), "img.png": "\x89PNG\r\n\x1a\n....",
		"dir/x.txt": "x", "big.js": strings.Repeat("x", 100<<10),
	})
	for _, tc := range []struct {
		method, target string
		hdr            []string
	}{
		{"GET", "/style.css", nil}, {"GET", "/style.css", []string{"Accept-Encoding", "gzip"}},
		{"HEAD", "/style.css", nil}, {"GET", "/style.css", []string{"Range", "bytes=3-9"}},
		{"GET", "/img.png", nil}, {"GET", "/big.js", []string{"Range", "bytes=0-0,5-9"}},
		{"GET", "/dir", nil}, {"GET", "/?format=json", nil}, {"GET", "/dir/?format=txt", nil},
		{"POST", "/style.css", nil}, {"OPTIONS", "/", nil},
	} {
		plain := do(s.plain, tc.method, tc.target, tc.hdr...)
		if etag := plain.Header().Get("Etag"); etag != "" {
			hdr := append(tc.hdr[:len(tc.hdr):len(tc.hdr)], "If-None-Match", etag)
			if a, b := do(s.plain, tc.method, tc.target, hdr...), do(s.live, tc.method, tc.target, hdr...); a.Code != b.Code {
				t.Errorf("%s %s with If-None-Match: %d, want %d", tc.method, tc.target, b.Code, a.Code)
			}
		}
		got := do(s.live, tc.method, tc.target, tc.hdr...)
		unbound(plain)
		unbound(got)
		if got.Code != plain.Code || !bytes.Equal(got.Body.Bytes(), plain.Body.Bytes()) || !equalHeaders(got.Header(), plain.Header()) {
			t.Errorf("%s %s %v: %d %v %q, want %d %v %q", tc.method, tc.target, tc.hdr, got.Code, got.Header(), got.Body,
				plain.Code, plain.Header(), plain.Body)
		}
	}
}

// unbound takes the random boundary out of a multipart answer.
func unbound(w *httptest.ResponseRecorder) {
	_, boundary, ok := strings.Cut(w.Header().Get("Content-Type"), "boundary=")
	if ok {
		w.Header().Set("Content-Type", "multipart/byteranges")
		body := bytes.ReplaceAll(w.Body.Bytes(), []byte(boundary), nil)
		w.Body = bytes.NewBuffer(body)
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, ",") != strings.Join(b[k], ",") {
			return false
		}
	}
	return true
}

func TestListingsAndErrorPagesGetTheScript(t *testing.T) {
	s := newSite(t, &fileserve.Options{SPA: true}, map[string]string{
		"index.html": page, "docs/readme.txt": "x",
	})
	for _, tc := range []struct {
		target string
		code   int
	}{
		{"/docs/", 200}, {"/", 200}, {"/app/route", 200}, {"/.env", 404}, {"/docs/missing.html", 200},
	} {
		w := do(s.live, "GET", tc.target)
		if w.Code != tc.code || !strings.Contains(w.Body.String(), "live.js?asset") {
			t.Errorf("GET %s: %d, script %v; want %d with the script", tc.target, w.Code, strings.Contains(w.Body.String(), "live.js"), tc.code)
		}
		if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(w.Body.Len()) {
			t.Errorf("GET %s: Content-Length %s for %d bytes", tc.target, cl, w.Body.Len())
		}
		head := do(s.live, "HEAD", tc.target)
		if head.Code != tc.code || head.Body.Len() != 0 || head.Header().Get("Content-Length") != w.Header().Get("Content-Length") {
			t.Errorf("HEAD %s: %d, %d bytes, Content-Length %s; want %d like GET's", tc.target, head.Code,
				head.Body.Len(), head.Header().Get("Content-Length"), tc.code)
		}
	}
	w := do(s.live, "GET", "/docs/")
	if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") || !strings.Contains(w.Header().Get("Vary"), "Accept") ||
		w.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("the listing lost headers: %v", w.Header())
	}
}

func TestLargePagesAreSentAsTheyAre(t *testing.T) {
	huge := "<html><head>" + strings.Repeat("x", maxPage) + "</head>"
	s := newSite(t, nil, map[string]string{"huge.html": huge})
	for _, target := range []string{"/huge.html"} {
		plain, got := do(s.plain, "GET", target), do(s.live, "GET", target)
		if got.Code != 200 || got.Body.String() != huge || got.Header().Get("Etag") != plain.Header().Get("Etag") {
			t.Errorf("GET %s: %d, %d bytes, ETag %s; want the file as it is", target, got.Code, got.Body.Len(), got.Header().Get("Etag"))
		}
	}
}
