package fileserve_test

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
)

func TestContentType(t *testing.T) {
	h := newHandler()
	for _, tc := range []struct{ target, want string }{
		{"/hello.txt", "text/plain; charset=utf-8"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/mod.mjs", "text/javascript; charset=utf-8"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/notes.md", "text/markdown; charset=utf-8"},
		{"/data.json", "application/json"},
		{"/site/index.html", "text/html; charset=utf-8"},
		{"/photo.PNG", "image/png"}, // extensions in any case
		{"/archive.zip", "application/zip"},
		// Compressed files are archives, never a Content-Encoding.
		{"/a.tar.gz", "application/gzip"},
		{"/b.br", "application/x-brotli"},
		{"/c.zst", "application/zstd"},
		// No extension: sniffed, never into an active type.
		{"/image", "image/png"},
		{"/page", "text/plain; charset=utf-8"},
		{"/drawing", "text/plain; charset=utf-8"},
		{"/script", "text/plain; charset=utf-8"},
		{"/README", "text/plain; charset=utf-8"},
	} {
		resp := serve(t, h, http.MethodGet, tc.target)
		body(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", tc.target, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Type"); got != tc.want {
			t.Errorf("%s: Content-Type %q, want %q", tc.target, got, tc.want)
		}
		if ce := resp.Header.Get("Content-Encoding"); ce != "" {
			t.Errorf("%s: Content-Encoding %q", tc.target, ce)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", tc.target, got)
		}
		// Every textual type names its charset.
		if mt, params, _ := mime.ParseMediaType(tc.want); strings.HasPrefix(mt, "text/") && params["charset"] == "" {
			t.Errorf("%s: text type %q without charset", tc.target, tc.want)
		}
	}
}

// etagOf is the ETag the handler gives a file of testFS.
func etagOf(t *testing.T, target string) string {
	t.Helper()
	resp := serve(t, newHandler(), http.MethodHead, target)
	etag := resp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 3 {
		t.Fatalf("%s: ETag %q is not a strong entity tag", target, etag)
	}
	return etag
}

func TestFileHeaders(t *testing.T) {
	resp := serve(t, newHandler(), http.MethodGet, "/range.txt")
	b := body(t, resp)
	if b != digits {
		t.Errorf("body %q", b)
	}
	for k, want := range map[string]string{
		"Content-Length": strconv.Itoa(len(digits)),
		"Last-Modified":  modTime.Format(http.TimeFormat),
		"Accept-Ranges":  "bytes",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	etag := etagOf(t, "/range.txt")
	if etag != resp.Header.Get("ETag") {
		t.Errorf("ETag differs between GET and HEAD")
	}
	if etag == etagOf(t, "/hello.txt") {
		t.Errorf("two files share ETag %s", etag)
	}
}

func TestConditionalRequests(t *testing.T) {
	h := newHandler()
	etag := etagOf(t, "/range.txt")
	lm := modTime.Format(http.TimeFormat)
	before := modTime.Add(-time.Hour).Format(http.TimeFormat)
	after := modTime.Add(time.Hour).Format(http.TimeFormat)
	for _, tc := range []struct {
		name   string
		method string
		header []string
		code   int
	}{
		{"If-None-Match same", "GET", []string{"If-None-Match", etag}, 304},
		{"If-None-Match weak same", "GET", []string{"If-None-Match", "W/" + etag}, 304},
		{"If-None-Match in list", "GET", []string{"If-None-Match", `"x", ` + etag}, 304},
		{"If-None-Match star", "GET", []string{"If-None-Match", "*"}, 304},
		{"If-None-Match other", "GET", []string{"If-None-Match", `"other"`}, 200},
		{"If-None-Match HEAD", "HEAD", []string{"If-None-Match", etag}, 304},
		{"If-Modified-Since same", "GET", []string{"If-Modified-Since", lm}, 304},
		{"If-Modified-Since later", "GET", []string{"If-Modified-Since", after}, 304},
		{"If-Modified-Since earlier", "GET", []string{"If-Modified-Since", before}, 200},
		{"If-Modified-Since garbage", "GET", []string{"If-Modified-Since", "yesterday"}, 200},
		// RFC 9110 §13.1.3: If-None-Match wins over If-Modified-Since.
		{"If-None-Match other wins", "GET", []string{"If-None-Match", `"other"`, "If-Modified-Since", lm}, 200},
		{"If-Match same", "GET", []string{"If-Match", etag}, 200},
		{"If-Match star", "GET", []string{"If-Match", "*"}, 200},
		{"If-Match other", "GET", []string{"If-Match", `"other"`}, 412},
		{"If-Match weak", "GET", []string{"If-Match", "W/" + etag}, 412}, // strong comparison
		{"If-Unmodified-Since earlier", "GET", []string{"If-Unmodified-Since", before}, 412},
		{"If-Unmodified-Since same", "GET", []string{"If-Unmodified-Since", lm}, 200},
		{"Range with If-Range same", "GET", []string{"Range", "bytes=0-3", "If-Range", etag}, 206},
		{"Range with If-Range other", "GET", []string{"Range", "bytes=0-3", "If-Range", `"other"`}, 200},
		{"Range with If-Range weak", "GET", []string{"Range", "bytes=0-3", "If-Range", "W/" + etag}, 200},
		{"Range with If-Range date", "GET", []string{"Range", "bytes=0-3", "If-Range", lm}, 206},
		{"Range with If-Range old date", "GET", []string{"Range", "bytes=0-3", "If-Range", before}, 200},
		{"bad Range with If-Range other", "GET", []string{"Range", "bytes=9-1", "If-Range", `"other"`}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(t, h, tc.method, "/range.txt", tc.header...)
			b := body(t, resp)
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.code)
			}
			switch tc.code {
			case 200:
				if tc.method == "GET" && b != digits {
					t.Errorf("body %q, want the whole file", b)
				}
			case 304:
				if b != "" {
					t.Errorf("304 with body %q", b)
				}
				if resp.Header.Get("ETag") != etag {
					t.Errorf("304 without the ETag: %q", resp.Header.Get("ETag"))
				}
			case 412:
				checkErrorPage(t, resp, b, 412)
			}
		})
	}
}

// TestRanges runs each Range case over an fs.FS in memory and over a real
// directory through NewRoot, whose *os.File goes through the size-aware
// seeks and sendfile.
func TestRanges(t *testing.T) {
	root, _ := tempRoot(t, map[string]string{"range.txt": digits})
	handlers := []struct {
		name string
		h    http.Handler
	}{{"MapFS", newHandler()}, {"NewRoot", fileserve.NewRoot(root, nil)}}
	size := len(digits)
	for _, tc := range []struct {
		name, header string
		code         int
		want         []string // the bytes of each part
	}{
		{"single", "bytes=0-3", 206, []string{"0123"}},
		{"middle", "bytes=10-12", 206, []string{"abc"}},
		{"past the end", "bytes=30-99", 206, []string{digits[30:]}},
		{"open-ended", "bytes=32-", 206, []string{digits[32:]}},
		{"suffix", "bytes=-3", 206, []string{"xyz"}},
		{"suffix longer than file", "bytes=-100", 206, []string{digits}},
		{"huge numbers", "bytes=0-99999999999999999999999", 206, []string{digits}},
		{"multiple", "bytes=0-1,10-11", 206, []string{"01", "ab"}},
		{"multiple, client order", "bytes=10-11,0-1,-2", 206, []string{"ab", "01", "yz"}},
		{"multiple with blank elements", "bytes=0-1, ,4-5", 206, []string{"01", "45"}},
		{"multiple, one unsatisfiable", "bytes=0-1,100-200", 206, []string{"01"}},
		{"unsatisfiable", "bytes=100-200", 416, nil},
		{"suffix of zero", "bytes=-0", 416, nil},
		{"first past last", "bytes=5-1", 416, nil},
		{"garbage", "bytes=abc", 416, nil},
		{"negative", "bytes=--1", 416, nil},
		{"empty set", "bytes=", 416, nil},
		{"overlapping", "bytes=0-5,3-8", 416, nil},
		{"repeated", "bytes=0-0,0-0", 416, nil},
		{"adjacent", "bytes=0-1,2-3", 206, []string{"01", "23"}},
		{"too many", "bytes=" + strings.Repeat("0-0,", 1) + manyRanges(33), 416, nil},
		{"unknown unit", "items=0-3", 200, []string{digits}},
		{"no equals", "bytes", 200, []string{digits}},
		{"unit folded from Unicode", "byteſ=0-3", 200, []string{digits}},
		{"unit in capitals", "BYTES=0-3", 206, []string{"0123"}},
	} {
		for _, hc := range handlers {
			t.Run(hc.name+"/"+tc.name, func(t *testing.T) {
				checkRange(t, hc.h, tc.header, tc.code, size, tc.want)
			})
		}
	}
}

// checkRange asks h for range.txt with the Range header and checks the
// status and the bytes of each part (or the 416 answer).
func checkRange(t *testing.T, h http.Handler, header string, code, size int, want []string) {
	t.Helper()
	resp := serve(t, h, http.MethodGet, "/range.txt", "Range", header)
	parts := readParts(t, resp)
	if resp.StatusCode != code {
		t.Fatalf("status %d, want %d", resp.StatusCode, code)
	}
	if code == 416 {
		if got, want := resp.Header.Get("Content-Range"), "bytes */"+strconv.Itoa(size); got != want {
			t.Errorf("Content-Range %q, want %q", got, want)
		}
		checkErrorPage(t, resp, parts[0], 416)
		return
	}
	if len(parts) != len(want) {
		t.Fatalf("%d parts %q, want %q", len(parts), parts, want)
	}
	for i := range parts {
		if parts[i] != want[i] {
			t.Errorf("part %d: %q, want %q", i, parts[i], want[i])
		}
	}
}

// manyRanges is n disjoint one-byte ranges.
func manyRanges(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i+1) + "-" + strconv.Itoa(i+1))
	}
	return b.String()
}

// readParts returns the body of resp, split into its parts when it is
// multipart/byteranges; each part's Content-Range is checked against its
// bytes.
func readParts(t *testing.T, resp *http.Response) []string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/byteranges" {
		b := body(t, resp)
		if resp.StatusCode == 206 {
			checkContentRange(t, resp.Header.Get("Content-Range"), b)
		}
		return []string{b}
	}
	defer resp.Body.Close()
	mr := multipart.NewReader(resp.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Errorf("part Content-Type %q", got)
		}
		checkContentRange(t, p.Header.Get("Content-Range"), string(b))
		parts = append(parts, string(b))
	}
}

// checkContentRange checks that "bytes first-last/size" names part.
func checkContentRange(t *testing.T, cr, part string) {
	t.Helper()
	var first, last, size int
	if _, err := fmtSscanf(cr, &first, &last, &size); err != nil {
		t.Errorf("Content-Range %q: %v", cr, err)
		return
	}
	if size != len(digits) || last >= size || first > last || digits[first:last+1] != part {
		t.Errorf("Content-Range %q does not match part %q", cr, part)
	}
}

// TestAssetErrors checks that the embedded assets answer bad ranges and
// failed preconditions with the error page, never cached for good.
func TestAssetErrors(t *testing.T) {
	h := newHandler()
	page := body(t, serve(t, h, http.MethodGet, "/"))
	m := regexp.MustCompile(`href="([^"?]*style\.css)\?asset"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no style sheet in the listing: %q", page)
	}
	asset := "/" + strings.TrimPrefix(m[1], "/")
	if resp := serve(t, h, http.MethodGet, asset); resp.StatusCode != 200 {
		t.Fatalf("%s: status %d", asset, resp.StatusCode)
	}
	for _, tc := range []struct {
		header []string
		code   int
	}{
		{[]string{"Range", "bytes=99999999-"}, 416},
		{[]string{"Range", "bytes=-0"}, 416},
		{[]string{"Range", "bytes=0-1,1-2"}, 416},
		{[]string{"If-Match", `"nope"`}, 412},
	} {
		resp := serve(t, h, http.MethodGet, asset, tc.header...)
		b := body(t, resp)
		if resp.StatusCode != tc.code {
			t.Errorf("%v: status %d, want %d", tc.header, resp.StatusCode, tc.code)
		}
		checkErrorPage(t, resp, b, tc.code)
	}
}
