package fileserve_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/simplehttp/simplehttp/fileserve"
)

// modTime is the fixed modification time of every file in testFS.
var modTime = time.Date(2024, time.March, 1, 12, 30, 0, 0, time.UTC)

// pngHeader is the start of a PNG file: enough for sniffing.
const pngHeader = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

// digits is the content of range.txt: byte i is easy to tell from its neighbours.
const digits = "0123456789abcdefghijklmnopqrstuvwxyz"

// testFS is a small tree with fixed times: files of many types, index
// files, hidden names and names that need escaping.
func testFS() fstest.MapFS {
	fsys := fstest.MapFS{}
	add := func(name, data string) {
		fsys[name] = &fstest.MapFile{Data: []byte(data), Mode: 0o644, ModTime: modTime}
	}
	for _, name := range []string{
		"hello.txt", "app.js", "mod.mjs", "style.css", "data.json", "notes.md",
		"a.tar.gz", "b.br", "c.zst", "photo.PNG", "archive.zip",
	} {
		add(name, "content of "+name+"\n")
	}
	add("range.txt", digits)
	add("empty.txt", "")
	add("image", pngHeader)
	add("page", "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n")
	add("drawing", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`+"\n")
	add("script", "#!/usr/bin/env node\nconsole.log(document.cookie)\n")
	add("README", "just some text\n")
	add("site/index.html", "<h1>site</h1>\n")
	add("site/index.htm", "<h1>htm</h1>\n")
	add("old/index.htm", "<h1>old</h1>\n")
	add("plain/a.txt", "a\n")
	add("plain/index.html/inner.txt", "an index that is a directory\n")
	add(".env", "SECRET=1\n")
	add(".git/config", "[core]\n")
	add("sub/.hidden.txt", "hidden\n")
	add(".well-known/security.txt", "Contact: mailto:a@example.com\n")
	return fsys
}

// serve runs one request through h and returns the recorded response.
// target is a request-URI as it appears on the request line.
func serve(t *testing.T, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

// sameAnswers asks the Handlers want and got for target and fails unless
// the answers are equal in status, headers (but Date) and body. It
// returns the body.
func sameAnswers(t *testing.T, want, got http.Handler, method, target string, header ...string) string {
	t.Helper()
	wantResp, gotResp := serve(t, want, method, target, header...), serve(t, got, method, target, header...)
	wantBody, gotBody := body(t, wantResp), body(t, gotResp)
	wantResp.Header.Del("Date")
	gotResp.Header.Del("Date")
	if gotResp.StatusCode != wantResp.StatusCode || !reflect.DeepEqual(gotResp.Header, wantResp.Header) || gotBody != wantBody {
		t.Errorf("%s %s %q:\n got %d %v %q\nwant %d %v %q", method, target, header,
			gotResp.StatusCode, gotResp.Header, gotBody, wantResp.StatusCode, wantResp.Header, wantBody)
	}
	return gotBody
}

// body reads and closes resp's body.
func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newHandler is a handler over testFS with default options.
func newHandler() *fileserve.Handler { return fileserve.New(testFS(), nil) }

// tempRoot creates files (name → content; a name ending in "/" is a
// directory) in a new directory inside a fresh temporary parent, and opens
// it as an os.Root. The parent holds secret.txt, outside the root.
func tempRoot(t testing.TB, files map[string]string) (root *os.Root, dir string) {
	t.Helper()
	parent := t.TempDir()
	if err := os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("TOP-SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(parent, "root")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
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
	return root, dir
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// symlink creates the symbolic link name → target inside dir.
func symlink(t *testing.T, dir, target, name string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
		t.Fatal(err)
	}
}

// fmtSscanf parses a Content-Range "bytes first-last/size".
func fmtSscanf(cr string, first, last, size *int) (int, error) {
	return fmt.Sscanf(cr, "bytes %d-%d/%d", first, last, size)
}

// captureLog returns a logger whose output the test can read.
func captureLog() (*slog.Logger, *syncBuffer) {
	var buf syncBuffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

// syncBuffer is a bytes.Buffer safe for a server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// decodeString undoes the content coding c.
func decodeString(t *testing.T, c, data string) string {
	t.Helper()
	var r io.Reader
	var err error
	switch c {
	case "br":
		r = brotli.NewReader(strings.NewReader(data))
	case "gzip":
		r, err = gzip.NewReader(strings.NewReader(data))
	case "zstd":
		var zr *zstd.Decoder
		if zr, err = zstd.NewReader(strings.NewReader(data)); err == nil {
			defer zr.Close()
			r = zr
		}
	default:
		t.Fatalf("unknown coding %q", c)
	}
	if err != nil {
		t.Fatalf("%s: %v", c, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", c, err)
	}
	return string(out)
}

// base64Text is n bytes of base64 of random bytes: text without repeats,
// which zstd and brotli shrink by entropy coding alone, and gzip too at
// the level it keeps bodies at, not at the level it streams at.
func base64Text(n int) string {
	raw := make([]byte, n)
	rand.NewChaCha8([32]byte{4}).Read(raw)
	return base64.StdEncoding.EncodeToString(raw)[:n]
}

// randomBytes is n random bytes, which no coding shrinks.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{5}).Read(b)
	return b
}
