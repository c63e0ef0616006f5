package fileserve_test

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/localfs"
)

// TestMeaninglessTimes: a file whose modification time says nothing (at
// or before 1970-01-01 00:00:01, as the Nix store and reproducible builds
// leave every file) gets no ETag and no Last-Modified, on every path (a
// file held in memory, one read whole, one sent by ServeContent, a
// precompressed sibling, a listing), so that a new version of the same
// size is never answered 304 to a client that holds the old one. A time
// a second later is a time: it makes both validators, and a 304.
func TestMeaninglessTimes(t *testing.T) {
	script := strings.Repeat("console.log(1);\n", 100) // large enough to have siblings
	cases := []struct {
		name, target string
		header       []string
		file         string // rewritten with the same size; "" for the listing
		old          string // in the old version's answer only
	}{
		{"small file", "/small.txt", nil, "small.txt", "one"},
		{"large file", "/big.bin", nil, "big.bin", "1111"},
		{"precompressed sibling", "/app.js", []string{"Accept-Encoding", "gzip"}, "app.js.gz", "one"},
		{"listing", "/dir/", nil, "", "a.txt"},
	}
	for _, secs := range []int64{0, 1, 2} {
		meaningless := secs <= 1
		for _, tc := range cases {
			for _, path := range servingPaths(t) {
				t.Run(tc.name+"/"+path.name, func(t *testing.T) {
					root, dir := tempRoot(t, map[string]string{
						"small.txt": "version one\n", "big.bin": strings.Repeat("1", 20<<10),
						"app.js": script, "app.js.gz": "gzip bytes, one", "dir/a.txt": "a",
					})
					stamp := time.Unix(secs, 0)
					for _, name := range []string{"small.txt", "big.bin", "app.js", "app.js.gz", "dir/a.txt", "dir"} {
						must(t, os.Chtimes(dir+"/"+name, stamp, stamp))
					}
					h := path.handler(root, &fileserve.Options{Precompressed: true})
					first := serve(t, h, http.MethodGet, tc.target, tc.header...)
					body(t, serve(t, h, http.MethodGet, tc.target, tc.header...)) // a hit, when held
					tag, lastModified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
					if (lastModified == "") != meaningless || (tc.file != "" && (tag == "") != meaningless) {
						t.Fatalf("mtime %d s: ETag %q, Last-Modified %q; want validators %v", secs, tag, lastModified, !meaningless)
					}
					if !meaningless {
						cond := serve(t, h, http.MethodGet, tc.target, append(tc.header, "If-Modified-Since", lastModified)...)
						if cond.StatusCode != http.StatusNotModified {
							t.Errorf("mtime %d s, unchanged, If-Modified-Since: %d, want 304", secs, cond.StatusCode)
						}
						return
					}
					// A new version of the same size and time.
					if tc.file == "" {
						must(t, os.Rename(dir+"/dir/a.txt", dir+"/dir/b.txt"))
						must(t, os.Chtimes(dir+"/dir", stamp, stamp))
					} else {
						p := dir + "/" + tc.file
						old, err := os.ReadFile(p)
						must(t, err)
						must(t, os.WriteFile(p, bytes.ReplaceAll(bytes.ReplaceAll(old, []byte("1"), []byte("2")), []byte("one"), []byte("two")), 0o644))
						must(t, os.Chtimes(p, stamp, stamp))
					}
					header := append(tc.header, "If-Modified-Since", time.Unix(1, 0).UTC().Format(http.TimeFormat))
					if tag != "" {
						header = append(header, "If-None-Match", tag)
					}
					resp := serve(t, h, http.MethodGet, tc.target, header...)
					got := body(t, resp)
					if resp.StatusCode != http.StatusOK || strings.Contains(got, tc.old) {
						t.Errorf("mtime %d s, changed: %d %.40q; want 200 with the new version", secs, resp.StatusCode, got)
					}
				})
			}
		}
	}
}

// servingPath is one way the Handler may answer a file: each must answer
// alike.
type servingPath struct {
	name    string
	handler func(root *os.Root, opt *fileserve.Options) *fileserve.Handler
}

// servingPaths are the general path (any fs.FS) and, where the kernel has
// openat2, the direct path and the hot cache.
func servingPaths(t *testing.T) []servingPath {
	paths := []servingPath{{"general", func(root *os.Root, opt *fileserve.Options) *fileserve.Handler {
		return fileserve.New(root.FS(), opt)
	}}}
	if root, _ := tempRoot(t, nil); !fileserve.HasDirect(fileserve.NewRoot(root, nil)) {
		return paths
	}
	return append(paths,
		servingPath{"direct", func(root *os.Root, opt *fileserve.Options) *fileserve.Handler {
			h := fileserve.NewRoot(root, opt)
			h.WithoutHotFiles()
			return h
		}},
		servingPath{"hot", func(root *os.Root, opt *fileserve.Options) *fileserve.Handler {
			h := fileserve.NewRoot(root, opt)
			h.SettleAll()
			return h
		}})
}

// TestServeListingJustChanged: a listing whose newest time lies within
// localfs.SettleTime of now has no Last-Modified and never answers 304,
// since a rename later in the same second leaves the HTTP date as it is
// (a browser kept the old listing); once the folder has settled it has
// both. The Handler's clock stands at the folder's change, then past.
func TestServeListingJustChanged(t *testing.T) {
	root, dir := tempRoot(t, map[string]string{"old.txt": "old\n"})
	h := fileserve.NewRoot(root, nil)
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	changed := info.ModTime()
	h.SetClock(changed)
	if lm := serve(t, h, "GET", "/").Header.Get("Last-Modified"); lm != "" {
		t.Errorf("a folder changed this moment has Last-Modified %q", lm)
	}
	ims := changed.Add(time.Second).UTC().Format(http.TimeFormat)
	if code := serve(t, h, "GET", "/", "If-Modified-Since", ims).StatusCode; code != http.StatusOK {
		t.Errorf("a folder changed this moment, asked If-Modified-Since a second later: %d, want 200", code)
	}
	h.SetClock(changed.Add(localfs.SettleTime + time.Second))
	if lm := serve(t, h, "GET", "/").Header.Get("Last-Modified"); lm != changed.UTC().Format(http.TimeFormat) {
		t.Errorf("a settled folder has Last-Modified %q, want its time", lm)
	}
	if code := serve(t, h, "GET", "/", "If-Modified-Since", ims).StatusCode; code != http.StatusNotModified {
		t.Errorf("a settled folder, asked If-Modified-Since a second later: %d, want 304", code)
	}
}
