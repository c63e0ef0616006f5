package fileserve_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// readerFromRecorder is a ResponseWriter with ReadFrom, as net/http's own
// is: it records whether each reader it is given could go to sendfile.
// The net package sends a reader with sendfile when it, or the R of an
// io.LimitedReader, has a file descriptor (syscall.Conn: an *os.File, or
// a type that embeds one); anything else is copied through user space.
type readerFromRecorder struct {
	*httptest.ResponseRecorder
	readers []string
}

func (w *readerFromRecorder) ReadFrom(r io.Reader) (int64, error) {
	src := r
	if lr, ok := r.(*io.LimitedReader); ok {
		src = lr.R
	}
	desc := fmt.Sprintf("%T", src)
	if _, ok := src.(syscall.Conn); ok {
		desc = "fd"
	}
	w.readers = append(w.readers, desc)
	return io.Copy(struct{ io.Writer }{w.ResponseRecorder}, r)
}

// TestBodyReachesSendfile checks that a file's body reaches the
// ResponseWriter's ReadFrom as a file descriptor, through every wrapper.
func TestBodyReachesSendfile(t *testing.T) {
	root, _ := tempRoot(t, map[string]string{"big.txt": string(pattern(100_000))})
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"os.Root FS", fileserve.New(root.FS(), nil)},
		{"NewRoot", fileserve.NewRoot(root, nil)},
	} {
		for _, rng := range []string{"", "bytes=10-99999"} {
			w := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()}
			r := httptest.NewRequest(http.MethodGet, "/big.txt", nil)
			if rng != "" {
				r.Header.Set("Range", rng)
			}
			tc.h.ServeHTTP(w, r)
			if w.Code != 200 && w.Code != 206 {
				t.Fatalf("%s %q: status %d", tc.name, rng, w.Code)
			}
			if len(w.readers) != 1 || w.readers[0] != "fd" {
				t.Errorf("%s %q: ReadFrom got %v, want one reader with a file descriptor", tc.name, rng, w.readers)
			}
			if w.Body.Len() < 99_990 {
				t.Errorf("%s %q: %d bytes", tc.name, rng, w.Body.Len())
			}
		}
	}
}
