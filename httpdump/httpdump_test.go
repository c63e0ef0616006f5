package httpdump_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/simplehttp/simplehttp/httpdump"
)

func TestDump(t *testing.T) {
	var out bytes.Buffer
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Add("Set-Cookie", "session=s3cr3t; HttpOnly")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, "BODY-NEVER-PRINTED")
	})
	r := httptest.NewRequest("PUT", "/notes.txt", strings.NewReader("REQUEST-BODY"))
	r.Header.Set("Authorization", "Basic YW5uOnNlY3JldA==")
	r.Header.Set("Proxy-Authorization", "Basic cHJveHk6cHc=")
	r.Header.Set("Cookie", "session=s3cr3t")
	r.Header.Set("X-Evil", "a\x1b[2Jb")
	httpdump.New(next, &out).ServeHTTP(httptest.NewRecorder(), r)
	want := `> PUT /notes.txt HTTP/1.1
> Host: example.com
> Authorization: Basic [redacted]
> Cookie: [redacted]
> Proxy-Authorization: Basic [redacted]
> X-Evil: a\x1b[2Jb
>
< HTTP/1.1 201 Created
< Content-Type: text/plain
< Etag: "v1"
< Set-Cookie: [redacted]
<
`
	if out.String() != want {
		t.Errorf("dump:\n%s\nwant:\n%s", out.String(), want)
	}
	for _, secret := range []string{"YW5uOnNlY3JldA", "s3cr3t", "BODY", "\x1b"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("the dump shows %q", secret)
		}
	}
}

// TestDumpImplicit200: a handler that only writes, or writes nothing, is
// dumped with 200, once.
func TestDumpImplicit200(t *testing.T) {
	for name, next := range map[string]http.HandlerFunc{
		"writes":  func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "x"); io.WriteString(w, "y") },
		"nothing": func(w http.ResponseWriter, r *http.Request) {},
	} {
		var out bytes.Buffer
		httpdump.New(next, &out).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		if strings.Count(out.String(), "< HTTP/1.1 200 OK\n") != 1 {
			t.Errorf("%s:\n%s", name, out.String())
		}
	}
}

// TestDumpNoInterleaving: exchanges served at once are each printed in
// one piece. out is a plain buffer: without the Handler's own lock, the
// race detector (make test runs with -race) reports the concurrent writes.
func TestDumpNoInterleaving(t *testing.T) {
	var out bytes.Buffer
	h := httpdump.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Path", r.URL.Path)
	}), &out)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p"+strings.Repeat("x", i), nil))
		})
	}
	wg.Wait()
	for _, block := range strings.SplitAfter(out.String(), "<\n") {
		if block == "" {
			continue
		}
		lines := strings.Split(block, "\n")
		path := strings.Fields(lines[0])[2]
		if !strings.Contains(block, "< X-Path: "+path+"\n") {
			t.Fatalf("an exchange was interleaved:\n%s", block)
		}
	}
}
