package fileserve_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/discard"
	"github.com/simplehttp/simplehttp/internal/localfs"
)

// benchRoot is a served directory with n files three levels down.
func benchRoot(b *testing.B, n int) *os.Root {
	b.Helper()
	dir := b.TempDir()
	deep := filepath.Join(dir, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(deep, fmt.Sprintf("f%05d.txt", i)), []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return root
}

// BenchmarkHidden measures what hiding dotfiles (and links to them) costs
// a file and a listing three levels down, against serving dotfiles.
func BenchmarkHidden(b *testing.B) {
	root := benchRoot(b, 2000)
	for _, tc := range []struct{ name, target string }{
		{"file", "/a/b/c/f00001.txt"},
		{"listing", "/a/b/c/?format=json"},
	} {
		for _, dot := range []bool{false, true} {
			h := fileserve.NewRoot(root, &fileserve.Options{Dotfiles: dot})
			target := tc.target
			b.Run(fmt.Sprintf("%s/dotfiles=%v", tc.name, dot), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		}
	}
}

// BenchmarkServe measures the handler's own cost per request for the
// answers a file server gives most: a small file, one just big enough for
// sendfile, a missing file and a directory's redirect. The network is
// left out, and so is the test's own garbage: the request is built once
// and the ResponseWriter discards what it is given, so the allocations
// counted are the handler's.
func BenchmarkServe(b *testing.B) {
	dir := b.TempDir()
	for name, size := range map[string]int{"small.txt": 1024, "big.bin": 256 << 10} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	h := fileserve.NewRoot(root, nil)
	h.WithoutHotFiles() // BenchmarkServeHot measures its hits
	discard.Bench(b, h,
		discard.Case{Name: "small", Target: "/small.txt", Code: http.StatusOK},
		discard.Case{Name: "sendfile", Target: "/big.bin", Code: http.StatusOK},
		discard.Case{Name: "missing", Target: "/no-such-dir/no-such-file.txt", Code: http.StatusNotFound},
		discard.Case{Name: "redirect", Target: "/sub", Code: http.StatusMovedPermanently})
}

// BenchmarkListingAsChromeAsks is the HTML listing of a 10,000-file
// folder as Chrome asks for it (compressed), behind encode as simplehttp
// mounts it: sent again as it was kept (the folder and the second
// unchanged) and made afresh (the clock a second on at every request,
// as relative times need). Both read and stat the whole folder.
func BenchmarkListingAsChromeAsks(b *testing.B) {
	root := benchRoot(b, 10000)
	// Settled, as the bench's fixture is: its names are kept too.
	time.Sleep(localfs.SettleTime + 100*time.Millisecond)
	for _, kept := range []bool{true, false} {
		fs := fileserve.NewRoot(root, nil)
		h := encode.New(fs, nil)
		r := httptest.NewRequest(http.MethodGet, "/a/b/c/", nil)
		r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
		now := time.Now()
		b.Run(map[bool]string{true: "kept", false: "made"}[kept], func(b *testing.B) {
			w := discard.NewWriter()
			b.ReportAllocs()
			for b.Loop() {
				if !kept {
					now = now.Add(time.Second)
				}
				fs.SetClock(now)
				w.Reset()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") == "" {
					b.Fatalf("status %d, Content-Encoding %q", w.Code, w.Header().Get("Content-Encoding"))
				}
			}
		})
	}
}
