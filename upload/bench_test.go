package upload_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/upload"
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
