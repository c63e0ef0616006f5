package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkChain measures the whole handler chain the server runs with
// -q (front door, compression, file server) for its commonest answers: a
// 1 KiB file and a missing name. The network is left out, and so is the
// test's own garbage (the request is built once, the ResponseWriter
// discards what it is given), so the allocations counted are the chain's.
func BenchmarkChain(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), make([]byte, 1024), 0o644); err != nil {
		b.Fatal(err)
	}
	o, err := parseArgs([]string{"-q", "-d", dir})
	if err != nil {
		b.Fatal(err)
	}
	s, err := openSite(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.root.Close() })
	h := withStreamDeadlines(newFrontDoor(s, o, defaultLimits, os.Stderr), defaultLimits.write)
	for _, tc := range []struct {
		name, target string
		code         int
	}{
		{"small", "/small.txt", http.StatusOK},
		{"missing", "/no-such-dir/no-such-file.txt", http.StatusNotFound},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, tc.target, nil)
			w := &discardWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				h.ServeHTTP(w, r)
				if w.code != tc.code {
					b.Fatalf("status %d, want %d", w.code, tc.code)
				}
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body; reset makes it new again without allocating.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) reset() {
	clear(w.header)
	w.code = 0
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}
