package encode_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
)

// modTime is the fixed modification time of every file in testFS.
var modTime = time.Date(2024, time.March, 1, 12, 30, 0, 0, time.UTC)

// script is a JavaScript file of about 12 KiB that compresses well.
var script = strings.Repeat("function add(a, b) { return a + b; } // sums two numbers\n", 200)

// testFS is a small site: files that compress and files that do not.
func testFS() fstest.MapFS {
	fsys := fstest.MapFS{}
	add := func(name, data string) {
		fsys[name] = &fstest.MapFile{Data: []byte(data), Mode: 0o644, ModTime: modTime}
	}
	add("app.js", script)
	add("page.html", "<!doctype html><title>page</title>"+strings.Repeat("<p>Some words to read.</p>\n", 100))
	add("data.json", `{"items":[`+strings.Repeat(`{"name":"entry","size":12345},`, 100)+`{}]}`)
	add("small.txt", "short text\n")
	add("photo.png", "\x89PNG\r\n\x1a\n"+strings.Repeat("\x00\x01\x02", 2000))
	add("archive.tar.gz", "\x1f\x8b\x08"+strings.Repeat("x", 5000))
	for i := range 30 {
		add(fmt.Sprintf("dir/file%02d.txt", i), "x")
	}
	return fsys
}

// newSite is an encode.Handler in front of a file server of testFS.
func newSite() http.Handler {
	return encode.New(fileserve.New(testFS(), nil), nil)
}

// serve runs one request through h; header holds name, value pairs.
func serve(t testing.TB, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

// body reads and closes resp's body.
func body(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decode undoes the content coding named by contentEncoding.
func decode(t testing.TB, contentEncoding string, data []byte) []byte {
	t.Helper()
	var r io.Reader
	switch contentEncoding {
	case "":
		return data
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(data))
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("zstd: %v", err)
		}
		defer zr.Close()
		r = zr
	default:
		t.Fatalf("unknown Content-Encoding %q", contentEncoding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", contentEncoding, err)
	}
	return out
}

// varies reports whether resp's Vary names Accept-Encoding.
func varies(resp *http.Response) bool {
	for _, v := range resp.Header.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

// decodeStream copies r decoded with the coding c to w, as it comes.
func decodeStream(c string, w io.Writer, r io.Reader) error {
	var dec io.Reader
	switch c {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		dec = zr
	case "br":
		dec = brotli.NewReader(r)
	case "zstd":
		zr, err := zstd.NewReader(r)
		if err != nil {
			return err
		}
		defer zr.Close()
		dec = zr
	default:
		return fmt.Errorf("unknown coding %q", c)
	}
	_, err := io.Copy(w, dec)
	return err
}

// base64Random is n bytes of base64 of random bytes, in lines of 76: text
// with no repeats, of 64 symbols, which only entropy coding shrinks.
func base64Random(n int) []byte {
	enc := base64.StdEncoding.EncodeToString(randomBytes(n))
	var b []byte
	for len(b) < n {
		b = append(b, enc[:76]...)
		b = append(b, '\n')
		enc = enc[76:]
	}
	return b[:n]
}

// randomBytes is n random bytes: no coding shrinks them.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{3}).Read(b)
	return b
}

// randomWords is n bytes of words drawn at random from a few dozen:
// text that every coding compresses, to about a third, so that a
// compressed answer of it outgrows net/http's buffer and its headers go
// out early.
func randomWords(n int) []byte {
	words := strings.Fields("the quick brown fox jumps over a lazy dog while seven tired cats watch from an old red barn " +
		"near river bank under grey sky and nobody else seems to care about any of this at all today")
	r := rand.New(rand.NewPCG(3, 4))
	var b []byte
	for len(b) < n {
		b = append(b, words[r.IntN(len(words))]...)
		b = append(b, ' ')
	}
	return b[:n]
}
