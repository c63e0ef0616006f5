package encode_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/encode"
)

// text is n bytes of text that compresses well.
func text(n int) string {
	return strings.Repeat("All work and no play makes Jack a dull boy.\n", n/44+1)[:n]
}

// answer is a handler answering as it is told.
type answer struct {
	header map[string]string
	code   int      // 0: none set
	chunks []string // written one Write each
}

func (a answer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	if a.code != 0 {
		w.WriteHeader(a.code)
	}
	for _, c := range a.chunks {
		io.WriteString(w, c)
	}
}

// TestAnswers checks which answers of any handler are compressed.
func TestAnswers(t *testing.T) {
	txt := map[string]string{"Content-Type": "text/plain; charset=utf-8"}
	with := func(extra ...string) map[string]string {
		m := map[string]string{"Content-Type": "text/plain; charset=utf-8"}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	long, short := text(5000), text(500)
	tests := []struct {
		name  string
		a     answer
		coded bool
	}{
		{"long, one write", answer{txt, 0, []string{long}}, true},
		{"long, streamed in small writes", answer{txt, 200, strings.SplitAfter(long, "\n")}, true},
		{"short, streamed", answer{txt, 0, strings.SplitAfter(short, "\n")}, false},
		{"short, one write", answer{txt, 200, []string{short}}, false},
		{"just under the minimum", answer{txt, 0, []string{text(1023)}}, false},
		{"the minimum", answer{txt, 0, []string{text(1024)}}, true},
		{"long with its length", answer{with("Content-Length", "5000"), 0, []string{long}}, true},
		{"short with its length, in pieces", answer{with("Content-Length", "500"), 0, strings.SplitAfter(short, "\n")}, false},
		{"no Content-Type", answer{nil, 0, []string{long}}, false},
		{"already coded", answer{with("Content-Encoding", "br"), 0, []string{long}}, false},
		{"no-transform", answer{with("Cache-Control", "public, No-Transform"), 0, []string{long}}, false},
		{"a range", answer{with("Content-Range", "bytes 0-4999/9000"), 206, []string{long}}, false},
		{"an error page", answer{with("Content-Type", "text/html"), 500, []string{long}}, false},
		{"created", answer{txt, 201, []string{long}}, false},
		{"an image", answer{with("Content-Type", "image/png"), 0, []string{long}}, false},
		{"nothing written", answer{txt, 0, nil}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := strings.Join(tc.a.chunks, "")
			resp := serve(t, encode.New(tc.a, nil), http.MethodGet, "/", "Accept-Encoding", "gzip")
			raw := body(t, resp)
			ce := resp.Header.Get("Content-Encoding")
			if coded := ce == "gzip"; coded != tc.coded || (!coded && ce != tc.a.header["Content-Encoding"]) {
				t.Fatalf("Content-Encoding %q; want compressed %v", ce, tc.coded)
			}
			if tc.coded {
				raw = decode(t, "gzip", raw)
			}
			if string(raw) != want {
				t.Errorf("body %q, want %q", shorten(raw), shorten([]byte(want)))
			}
			if wantCode := max(tc.a.code, 200); resp.StatusCode != wantCode {
				t.Errorf("status %d, want %d", resp.StatusCode, wantCode)
			}
			if !varies(resp) {
				t.Errorf("Vary %q", resp.Header.Values("Vary"))
			}
		})
	}
}

// TestMinSize checks Options.MinSize.
func TestMinSize(t *testing.T) {
	a := answer{map[string]string{"Content-Type": "text/css"}, 0, []string{text(300)}}
	for _, tc := range []struct {
		min   int
		coded bool
	}{{0, false}, {200, true}, {300, true}, {301, false}} {
		resp := serve(t, encode.New(a, &encode.Options{MinSize: tc.min}), http.MethodGet, "/", "Accept-Encoding", "br")
		if coded := resp.Header.Get("Content-Encoding") == "br"; coded != tc.coded {
			t.Errorf("MinSize %d: a 300-byte body compressed: %v", tc.min, coded)
		}
	}
}

// TestVaryKept checks that a handler replacing Vary does not lose
// Accept-Encoding from it, and that its own fields stay.
func TestVaryKept(t *testing.T) {
	h := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept")
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, text(2000))
	}), nil)
	resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", "zstd")
	if got := strings.Join(resp.Header.Values("Vary"), ", "); got != "Accept, Accept-Encoding" {
		t.Errorf("Vary %q", got)
	}
}

// recorder is a ResponseWriter that records the calls it gets.
type recorder struct {
	header   http.Header
	calls    []string
	body     bytes.Buffer
	readFrom bool // the body came through ReadFrom
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	r.calls = append(r.calls, "WriteHeader "+strconv.Itoa(code))
}
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	r.readFrom = true
	return r.body.ReadFrom(src)
}

// TestInformational checks that a 1xx status (103 Early Hints) goes out
// at once, before the final one.
func TestInformational(t *testing.T) {
	h := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, text(2000))
	}), nil)
	rec := &recorder{header: http.Header{}}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(rec, r)
	if got := strings.Join(rec.calls, ", "); got != "WriteHeader 103, WriteHeader 200" {
		t.Errorf("calls: %s", got)
	}
	if rec.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("Content-Encoding %q", rec.header.Get("Content-Encoding"))
	}
}

// TestReadFrom checks that an uncompressed body written with ReadFrom
// reaches the inner writer's ReadFrom (net/http's sends a file with
// sendfile), and that a compressed one is compressed.
func TestReadFrom(t *testing.T) {
	for _, tc := range []struct {
		ctype, accept string
		inner         bool
	}{
		{"image/png", "gzip", true},
		{"text/plain", "", true},
		{"text/plain", "gzip;q=0", true},
		{"text/plain", "zstd", false},
	} {
		h := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tc.ctype)
			w.Header().Set("Content-Length", "3000")
			w.(io.ReaderFrom).ReadFrom(strings.NewReader(text(3000)))
		}), nil)
		rec := &recorder{header: http.Header{}}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.accept != "" {
			r.Header.Set("Accept-Encoding", tc.accept)
		}
		h.ServeHTTP(rec, r)
		ce := rec.header.Get("Content-Encoding")
		if rec.readFrom != tc.inner || string(decode(t, ce, rec.body.Bytes())) != text(3000) {
			t.Errorf("%s with %q: inner ReadFrom called %v, want %v; Content-Encoding %q", tc.ctype, tc.accept, rec.readFrom, tc.inner, ce)
		}
	}
}

// TestUnwrap checks that http.ResponseController reaches the connection
// through the wrapper.
func TestUnwrap(t *testing.T) {
	var err error
	srv := httptest.NewServer(encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute))
	}), nil))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, rerr := srv.Client().Do(req)
	if rerr != nil {
		t.Fatal(rerr)
	}
	resp.Body.Close()
	if err != nil {
		t.Errorf("SetWriteDeadline through the wrapper: %v", err)
	}
}

// TestFlush checks that a flush mid-stream delivers what was written so
// far, compressed, while the handler is still running.
func TestFlush(t *testing.T) {
	for _, c := range []string{"zstd", "gzip"} {
		t.Run(c, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewServer(encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				io.WriteString(w, "first line\n")
				w.(http.Flusher).Flush()
				<-release
				io.WriteString(w, text(5000))
			}), nil))
			defer srv.Close()
			defer close(release)
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			req.Header.Set("Accept-Encoding", c)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.Header.Get("Content-Encoding") != c {
				t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
			}
			line, err := bufio.NewReader(decoder(t, c, resp.Body)).ReadString('\n')
			if err != nil || line != "first line\n" {
				t.Errorf("first line %q, %v", line, err)
			}
		})
	}
}

// TestShortBody checks that a body that ends before its Content-Length
// promised cuts the connection, so the client never takes it for
// complete: one held back whole goes out as it is, for net/http to cut;
// one long enough to be streamed compressed is cut by the Handler.
func TestShortBody(t *testing.T) {
	for _, n := range []int{30000, 100000} {
		srv := httptest.NewServer(encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", strconv.Itoa(3*n))
			w.Write(randomWords(n))
		}), nil))
		srv.Config.ErrorLog = nil
		for _, c := range []string{"zstd", "br", "gzip", ""} {
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			if c != "" {
				req.Header.Set("Accept-Encoding", c)
			}
			resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
			if err != nil {
				continue // cut before the headers went out (zstd holds a block): the client knows too
			}
			coded := resp.Header.Get("Content-Encoding")
			_, err = io.ReadAll(decoder(t, coded, resp.Body))
			resp.Body.Close()
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%d bytes of %d, %q: reading a body cut short: %v, want an unexpected EOF", n, 3*n, c, err)
			}
			if streamed := n > 64<<10; c != "" && (coded != "") != streamed {
				t.Errorf("%d bytes of %d, %q: Content-Encoding %q", n, 3*n, c, coded)
			}
		}
		srv.Close()
	}
}

// TestNeverLarger checks that no answer goes out compressed that is not
// smaller than it is uncompressed, with text that does not compress well
// (base64 of random bytes: only entropy coding shrinks it, to about 3/4)
// or at all (random bytes sent as text), whole or streamed, written or
// read from. zstd and brotli entropy-code base64 even in small bodies;
// gzip at the levels used stores a block without repeats, a few bytes
// longer than it is, so base64 goes out uncompressed to gzip clients.
func TestNeverLarger(t *testing.T) {
	bodies := []struct {
		name   string
		body   []byte
		shrink bool // zstd and br compress it
	}{
		{"1 KiB of base64", base64Random(1024), true},
		{"4 KiB of base64", base64Random(4096), true},
		{"60 KiB of base64", base64Random(60 << 10), true},
		{"300 KiB of base64", base64Random(300 << 10), true},
		{"4 KiB of random bytes", randomBytes(4096), false},
		{"300 KiB of random bytes", randomBytes(300 << 10), false},
	}
	for _, b := range bodies {
		for _, c := range []string{"zstd", "br", "gzip"} {
			for _, how := range []string{"written whole", "written in pieces", "read from, with its length"} {
				h := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/plain")
					switch how {
					case "written whole":
						w.Write(b.body)
					case "written in pieces":
						for p := range slices.Chunk(b.body, 1000) {
							w.Write(p)
						}
					default:
						w.Header().Set("Content-Length", strconv.Itoa(len(b.body)))
						w.(io.ReaderFrom).ReadFrom(bytes.NewReader(b.body))
					}
				}), nil)
				resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", c)
				raw := body(t, resp)
				coded := resp.Header.Get("Content-Encoding")
				if got := decode(t, coded, raw); !bytes.Equal(got, b.body) {
					t.Fatalf("%s, %s, %s: the body differs once decoded", b.name, c, how)
				}
				if coded != "" && len(raw) >= len(b.body) {
					t.Errorf("%s, %s, %s: %d bytes compressed, %d as it is", b.name, c, how, len(raw), len(b.body))
				}
				if wantCoded := b.shrink && c != "gzip"; (coded != "") != wantCoded {
					t.Errorf("%s, %s, %s: Content-Encoding %q, want compressed %v (%d bytes sent)", b.name, c, how, coded, wantCoded, len(raw))
				}
			}
		}
	}
}

// TestIdentityRefusedIncompressible checks that a client refusing
// identity gets a compressed answer even when it is the larger.
func TestIdentityRefusedIncompressible(t *testing.T) {
	h := encode.New(answer{map[string]string{"Content-Type": "text/plain"}, 0, []string{string(randomBytes(3000))}}, nil)
	for _, c := range []string{"zstd", "br", "gzip"} {
		resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", "identity;q=0, "+c)
		if ce := resp.Header.Get("Content-Encoding"); ce != c || len(decode(t, c, body(t, resp))) != 3000 {
			t.Errorf("%s: Content-Encoding %q", c, ce)
		}
	}
}

// TestDeterministic checks that compressing the same body twice gives the
// same bytes: the ETags of compressed answers are strong.
func TestDeterministic(t *testing.T) {
	h := newSite()
	for _, c := range []string{"zstd", "br", "gzip"} {
		a := body(t, serve(t, h, http.MethodGet, "/page.html", "Accept-Encoding", c))
		b := body(t, serve(t, h, http.MethodGet, "/page.html", "Accept-Encoding", c))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two compressions of one body differ", c)
		}
	}
}

// TestConcurrent runs many compressed answers at once through the pools.
func TestConcurrent(t *testing.T) {
	h := newSite()
	srv := httptest.NewServer(h)
	defer srv.Close()
	codings := []string{"zstd", "br", "gzip", ""}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			c := codings[i%len(codings)]
			path := []string{"/app.js", "/page.html", "/data.json", "/dir/"}[i%3]
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			if c != "" {
				req.Header.Set("Accept-Encoding", c)
			}
			resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			got, err := io.ReadAll(decoder(t, resp.Header.Get("Content-Encoding"), resp.Body))
			resp.Body.Close()
			want := body(t, serve(t, h, http.MethodGet, path))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s %s: %v, %d bytes, want %d", c, path, err, len(got), len(want))
			}
		})
	}
	wg.Wait()
}

// decoder undoes the content coding c of r as it is read.
func decoder(t *testing.T, c string, r io.Reader) io.Reader {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		var err error
		switch c {
		case "":
			_, err = io.Copy(pw, r)
		default:
			err = decodeStream(c, pw, r)
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// TestEmptyBody checks that an empty body, compressed for a client that
// refuses identity, is a valid stream in every coding.
func TestEmptyBody(t *testing.T) {
	h := encode.New(answer{map[string]string{"Content-Type": "text/plain", "Content-Length": "0"}, 0, nil}, nil)
	for _, c := range []string{"zstd", "br", "gzip"} {
		resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", "identity;q=0, "+c)
		raw := body(t, resp)
		if ce := resp.Header.Get("Content-Encoding"); ce != c || len(raw) == 0 || len(decode(t, c, raw)) != 0 {
			t.Errorf("%s: Content-Encoding %q, %d bytes on the wire", c, ce, len(raw))
		}
	}
}
