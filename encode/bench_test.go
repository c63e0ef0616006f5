package encode_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/public"
)

// reusedWriter is a ResponseWriter that a benchmark reuses, so that only
// the handler's own allocations are counted.
type reusedWriter struct {
	h    http.Header
	code int
}

func (w *reusedWriter) Header() http.Header         { return w.h }
func (w *reusedWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *reusedWriter) WriteHeader(code int)        { w.code = code }
func (w *reusedWriter) reset()                      { clear(w.h); w.code = 0 }

// smallFileSite serves a directory with a 1 KiB text file and style.css,
// an 8 KiB style sheet; precompressed tells whether it looks for their
// precompressed siblings, as simplehttp's file server does.
func smallFileSite(tb testing.TB, precompressed bool) http.Handler {
	tb.Helper()
	dir := tb.TempDir()
	css, err := public.FS.ReadFile("style.css")
	if err != nil {
		tb.Fatal(err)
	}
	for name, data := range map[string][]byte{"small.txt": []byte(text(1024)), "style.css": css} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { root.Close() })
	return fileserve.NewRoot(root, &fileserve.Options{Precompressed: precompressed})
}

// TestNoAcceptEncodingCostsNothing checks that a request without
// Accept-Encoding, as load generators send, costs no allocation more
// through the Handler, to a file server that looks for precompressed
// siblings (simplehttp's setup), than to a bare file server, but the one
// of its Vary value: each answer has its own (TestHeadersNotShared).
func TestNoAcceptEncodingCostsNothing(t *testing.T) {
	bare, files := smallFileSite(t, false), smallFileSite(t, true)
	for _, target := range []string{"/small.txt", "/style.css", "/nope"} {
		w := &reusedWriter{h: http.Header{}}
		r := httptest.NewRequest(http.MethodGet, target, nil)
		allocs := func(h http.Handler) float64 {
			return testing.AllocsPerRun(200, func() {
				w.reset()
				h.ServeHTTP(w, r)
			})
		}
		direct, through := allocs(bare), allocs(encode.New(files, nil))
		if through > direct+1 {
			t.Errorf("%s: %v allocations through encode, %v without (and one for Vary)", target, through, direct)
		}
	}
}

// BenchmarkEncode measures a small file without Accept-Encoding from a
// bare file server and through the Handler in simplehttp's setup, and
// the 8 KiB style sheet in every coding.
func BenchmarkEncode(b *testing.B) {
	files := smallFileSite(b, true)
	cases := []struct {
		name   string
		h      http.Handler
		target string
		accept string
	}{
		{"plain/direct", smallFileSite(b, false), "/small.txt", ""},
		{"plain/through", encode.New(files, nil), "/small.txt", ""},
		{"css8k/identity", encode.New(files, nil), "/style.css", ""},
		{"css8k/zstd", encode.New(files, nil), "/style.css", "zstd"},
		{"css8k/br", encode.New(files, nil), "/style.css", "br"},
		{"css8k/gzip", encode.New(files, nil), "/style.css", "gzip"},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			w := &reusedWriter{h: http.Header{}}
			r := httptest.NewRequest(http.MethodGet, tc.target, nil)
			if tc.accept != "" {
				r.Header.Set("Accept-Encoding", tc.accept)
			}
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				tc.h.ServeHTTP(w, r)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}
