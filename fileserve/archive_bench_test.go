package fileserve_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/discard"
)

// BenchmarkArchive archives a folder of 100 files of 256 KiB of text-like
// bytes (Go source) and 100 small ones: the server's cost per archive, in
// bytes of files per second, with the allocations it makes.
func BenchmarkArchive(b *testing.B) {
	dir := b.TempDir()
	text := pseudoText(256 << 10)
	var total int64
	for i := range 100 {
		big := text[:256<<10]
		small := text[:1000+i]
		for name, data := range map[string][]byte{fmt.Sprintf("big%03d.go", i): big, fmt.Sprintf("small/s%03d.txt", i): small} {
			p := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				b.Fatal(err)
			}
			total += int64(len(data))
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	h := fileserve.NewRoot(root, nil)
	for _, format := range []string{"zip", "tar.gz"} {
		b.Run(format, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			r := httptest.NewRequest(http.MethodGet, "/?download="+format, nil)
			for b.Loop() {
				h.ServeHTTP(discard.NewWriter(), r)
			}
		})
	}
}

// pseudoText is n bytes of words drawn at random from a small vocabulary,
// lines and all: about as compressible as source code or prose (deflate
// makes it 0.3 of its size).
func pseudoText(n int) []byte {
	words := strings.Fields("the a of func return if err nil http request handler file folder name " +
		"server client archive upload byte string int error context value index path open close read write " +
		"{ } ( ) := = == != && || 0 1 2 10 100 // package import type struct")
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(10) == 0 {
			b.WriteString("\n\t")
		} else {
			b.WriteByte(' ')
		}
	}
	return []byte(b.String()[:n])
}
