package encode_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/simplehttp/simplehttp/encode"
)

// A Handler compresses the answers of any handler; here one that writes
// a page, asked for by a client that prefers gzip to brotli.
func ExampleNew() {
	page := strings.Repeat("<p>Hello, compressed world.</p>\n", 100)
	h := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}), nil)

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Encoding", "gzip, br;q=0.8")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Header().Get("Content-Encoding"), w.Header().Get("Vary"))
	fmt.Println("less than a tenth:", w.Body.Len() < len(page)/10)
	// Output:
	// gzip Accept-Encoding
	// less than a tenth: true
}
