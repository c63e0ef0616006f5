package upload_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/upload"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// BenchmarkPut stores a 16 MiB PUT: the handler's cost per upload, temporary
// file, fsync and rename included.
func BenchmarkPut(b *testing.B) {
	dir := b.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	h := upload.New(root, fileserve.NewRoot(root, nil), &upload.Options{Overwrite: true})
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<20)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPut, fmt.Sprintf("/f%d.bin", i%4), bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 300 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		i++
	}
}

// BenchmarkResumable stores a 64 MiB tus upload in four 16 MiB chunks:
// the creation, the chunks, the fsync and the link into place. Its MB/s
// sits beside BenchmarkPut's (one fsync per 16 MiB there, per 64 MiB
// here: the same per byte is synced once).
func BenchmarkResumable(b *testing.B) {
	dir := b.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	store, err := parts.Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	h := upload.New(root, fileserve.NewRoot(root, nil), &upload.Options{Overwrite: true, Resumable: store})
	const chunk, chunks = 16 << 20, 4
	body := bytes.Repeat([]byte("0123456789abcdef"), chunk/16)
	b.SetBytes(chunk * chunks)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Tus-Resumable", "1.0.0")
		r.Header.Set("Upload-Length", strconv.Itoa(chunk*chunks))
		r.Header.Set("Upload-Metadata", fmt.Sprintf("filename %s", base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "f%d.bin", i%4))))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusCreated {
			b.Fatalf("POST: %d %s", w.Code, w.Body)
		}
		target := "/" + w.Header().Get("Location")[len("./"):]
		for c := range chunks {
			r := httptest.NewRequest(http.MethodPatch, target, bytes.NewReader(body))
			r.Header.Set("Tus-Resumable", "1.0.0")
			r.Header.Set("Content-Type", "application/offset+octet-stream")
			r.Header.Set("Upload-Offset", strconv.Itoa(c*chunk))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusNoContent {
				b.Fatalf("PATCH: %d %s", w.Code, w.Body)
			}
		}
		i++
	}
}
