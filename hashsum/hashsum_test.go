package hashsum_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/hashsum"
)

// serve returns a Handler over a fresh folder holding the files given,
// and the folder; the next handler answers "next".
func serve(t *testing.T, opt *hashsum.Options, files map[string]string) (*hashsum.Handler, string) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(filepath.Join(filepath.Dir(dir), "elsewhere"), filepath.Join(dir, "out"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "next") })
	return hashsum.New(root, next, opt), dir
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func get(h http.Handler, method, target string) (*http.Response, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(b)
}

func TestHashsum(t *testing.T) {
	files := map[string]string{"a.txt": "hello\n", "sub/b c.bin": strings.Repeat("x", 1<<20), ".env": "secret", "empty": ""}
	for _, tc := range []struct {
		name, method, target string
		opt                  hashsum.Options
		code                 int
		body                 string
	}{
		{name: "file", method: "GET", target: "/a.txt?hash=sha256", code: 200, body: hexSum("hello\n") + "\n"},
		{name: "in a folder, odd name", method: "GET", target: "/sub/b%20c.bin?hash=sha256", code: 200, body: hexSum(strings.Repeat("x", 1<<20)) + "\n"},
		{name: "empty file", method: "GET", target: "/empty?hash=sha256", code: 200, body: hexSum("") + "\n"},
		{name: "HEAD", method: "HEAD", target: "/a.txt?hash=sha256", code: 200},
		{name: "no hash asked", method: "GET", target: "/a.txt?x=1", code: 200, body: "next"},
		{name: "POST passes on", method: "POST", target: "/a.txt?hash=sha256", code: 200, body: "next"},
		{name: "another digest", method: "GET", target: "/a.txt?hash=md5", code: 400, body: "400 Bad Request: hash=sha256 is the one digest this server computes\n"},
		{name: "folder", method: "GET", target: "/sub/?hash=sha256", code: 404},
		{name: "root", method: "GET", target: "/?hash=sha256", code: 404},
		{name: "missing", method: "GET", target: "/nope?hash=sha256", code: 404},
		{name: "hidden", method: "GET", target: "/.env?hash=sha256", code: 404},
		{name: "hidden, dotfiles", method: "GET", target: "/.env?hash=sha256", opt: hashsum.Options{Dotfiles: true}, code: 200, body: hexSum("secret") + "\n"},
		{name: "dot-dot", method: "GET", target: "/../etc/passwd?hash=sha256", code: 404},
		{name: "link out", method: "GET", target: "/out?hash=sha256", code: 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := serve(t, &tc.opt, files)
			resp, body := get(h, tc.method, tc.target)
			if resp.StatusCode != tc.code || (tc.body != "" && body != tc.body) {
				t.Errorf("%d %q, want %d %q", resp.StatusCode, body, tc.code, tc.body)
			}
			if tc.code == 200 && tc.body != "next" {
				sum, _ := hex.DecodeString(strings.TrimSpace(body))
				if tc.method == "HEAD" {
					sum, _ = hex.DecodeString(hexSum("hello\n"))
				}
				want := "sha-256=:" + base64.StdEncoding.EncodeToString(sum) + ":"
				if got := resp.Header.Get("Repr-Digest"); got != want {
					t.Errorf("Repr-Digest %q, want %q", got, want)
				}
			}
		})
	}
}

// TestNeverStale changes a file without changing its size or its
// modification time (set back): the digest follows the content.
func TestNeverStale(t *testing.T) {
	h, dir := serve(t, nil, map[string]string{"a.txt": "first"})
	p := filepath.Join(dir, "a.txt")
	info, _ := os.Stat(p)
	if _, body := get(h, "GET", "/a.txt?hash=sha256"); body != hexSum("first")+"\n" {
		t.Fatalf("first digest %q", body)
	}
	if err := os.WriteFile(p, []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(p, time.Time{}, info.ModTime())
	if _, body := get(h, "GET", "/a.txt?hash=sha256"); body != hexSum("other")+"\n" {
		t.Errorf("after a same-size, same-mtime change: %q, want the new content's digest", body)
	}
	// Replaced by a rename: another inode.
	os.WriteFile(filepath.Join(dir, "new"), []byte("third"), 0o644)
	os.Rename(filepath.Join(dir, "new"), p)
	if _, body := get(h, "GET", "/a.txt?hash=sha256"); body != hexSum("third")+"\n" {
		t.Errorf("after a rename over it: %q", body)
	}
}
