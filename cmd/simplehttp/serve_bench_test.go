package main

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/simplehttp/simplehttp/internal/discard"
	"github.com/simplehttp/simplehttp/netlimit"
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
	h := netlimit.StreamDeadlines(newFrontDoor(s, o, defaultLimits, os.Stderr), defaultLimits.write)
	discard.Bench(b, h,
		discard.Case{Name: "small", Target: "/small.txt", Code: http.StatusOK},
		discard.Case{Name: "missing", Target: "/no-such-dir/no-such-file.txt", Code: http.StatusNotFound})
}
