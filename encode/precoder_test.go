package encode_test

import (
	"bytes"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/public"
)

// keptFile is a handler that keeps one file's body in memory and, given
// a coding.Precoder, codes it once per coding, as fileserve's cache does.
type keptFile struct {
	body  []byte
	ctype string

	mu    sync.Mutex
	coded map[coding.Coding][]byte
	codes int // how many times it coded the body
}

const keptTag = `"v1"`

func (f *keptFile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", f.ctype)
	hdr.Set("Content-Length", strconv.Itoa(len(f.body)))
	hdr.Set("Accept-Ranges", "bytes")
	hdr.Set("ETag", keptTag)
	if r.Header.Get("If-None-Match") == keptTag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if p, ok := coding.PrecoderOf(w); ok {
		if c, mustCode, ok := p.Offer(hdr, f.ctype, len(f.body)); ok {
			if coded := f.codedWith(p, c); len(coded) < len(body) || mustCode {
				hdr.Set("Content-Encoding", c.String())
				hdr.Set("Content-Length", strconv.Itoa(len(coded)))
				hdr.Set("ETag", coding.CodedTag(keptTag, c))
				hdr.Del("Accept-Ranges")
				body = coded
			}
			p.PassAsIs()
		}
	}
	w.Write(body)
}

func (f *keptFile) codedWith(p coding.Precoder, c coding.Coding) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.coded == nil {
		f.coded = map[coding.Coding][]byte{}
	}
	if _, ok := f.coded[c]; !ok {
		f.coded[c] = p.Code(nil, f.body, c)
		f.codes++
	}
	return f.coded[c]
}

// TestPrecoder checks the Handler's side of coding.Precoder: a handler
// that codes a body once and sends it coded gets it through untouched,
// with the coded representation's headers; one that finds the body does
// not shrink gets it through uncoded, untried; Offer says no where the
// Handler would not compress.
func TestPrecoder(t *testing.T) {
	f := &keptFile{body: []byte(text(5000)), ctype: "text/css"}
	h := encode.New(f, nil)
	for _, c := range []string{"zstd", "br", "gzip"} {
		var first []byte
		for i := range 3 {
			resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", c)
			raw := body(t, resp)
			if resp.Header.Get("Content-Encoding") != c || resp.Header.Get("ETag") != `"v1+`+c+`"` ||
				resp.Header.Get("Content-Length") != strconv.Itoa(len(raw)) || resp.Header.Get("Accept-Ranges") != "" || !varies(resp) {
				t.Errorf("%s: headers %v", c, resp.Header)
			}
			if !bytes.Equal(decode(t, c, raw), f.body) {
				t.Errorf("%s: the body differs once decoded", c)
			}
			if i == 0 {
				first = raw
			} else if !bytes.Equal(raw, first) {
				t.Errorf("%s: coded again: %d bytes, then %d", c, len(first), len(raw))
			}
		}
		// The client's tag for the coded body reaches the handler as its
		// own, and the 304 carries the client's.
		resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", c, "If-None-Match", `"v1+`+c+`"`)
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != `"v1+`+c+`"` {
			t.Errorf("%s: revalidation: %d, ETag %q", c, resp.StatusCode, resp.Header.Get("ETag"))
		}
	}
	if f.codes != 3 {
		t.Errorf("the body was coded %d times for 3 codings", f.codes)
	}

	random := &keptFile{body: randomBytes(5000), ctype: "text/plain"}
	resp := serve(t, encode.New(random, nil), http.MethodGet, "/", "Accept-Encoding", "zstd")
	if raw := body(t, resp); resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(raw, random.body) || !varies(resp) ||
		resp.Header.Get("ETag") != keptTag {
		t.Errorf("a body that does not shrink: Content-Encoding %q, ETag %q, %d bytes", resp.Header.Get("Content-Encoding"), resp.Header.Get("ETag"), len(raw))
	}
	resp = serve(t, encode.New(random, nil), http.MethodGet, "/", "Accept-Encoding", "identity;q=0, zstd")
	if raw := body(t, resp); resp.Header.Get("Content-Encoding") != "zstd" || !bytes.Equal(decode(t, "zstd", raw), random.body) {
		t.Errorf("identity refused: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

// TestPrecoderOffer checks when Offer says that an answer would be
// compressed, and that a handler gets no Precoder when the request
// accepts no coding.
func TestPrecoderOffer(t *testing.T) {
	for _, tc := range []struct {
		name, accept, ctype, cacheControl string
		size                              int
		want                              coding.Coding
		ok, precoder                      bool
	}{
		{"text, as browsers ask: brotli for a kept body", "gzip, deflate, br, zstd", "text/html", "", 5000, coding.Brotli, true, true},
		{"zstd weighs more", "zstd, br;q=0.5", "text/html", "", 5000, coding.Zstd, true, true},
		{"the client's choice", "gzip", "text/html", "", 5000, coding.Gzip, true, true},
		{"small", "zstd", "text/html", "", 1000, 0, false, true},
		{"small, identity refused", "zstd, identity;q=0", "text/html", "", 10, coding.Zstd, true, true},
		{"an image", "zstd", "image/png", "", 5000, 0, false, true},
		{"no-transform", "zstd", "text/html", "no-transform", 5000, 0, false, true},
		{"no coding accepted", "identity", "text/html", "", 5000, 0, false, false},
		{"no Accept-Encoding", "", "text/html", "", 5000, 0, false, false},
	} {
		var got coding.Coding
		var ok, found bool
		h := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hdr := http.Header{}
			if tc.cacheControl != "" {
				hdr.Set("Cache-Control", tc.cacheControl)
			}
			var p coding.Precoder
			if p, found = coding.PrecoderOf(w); found {
				got, _, ok = p.Offer(hdr, tc.ctype, tc.size)
			}
		}), nil)
		if tc.accept != "" {
			serve(t, h, http.MethodGet, "/", "Accept-Encoding", tc.accept)
		} else {
			serve(t, h, http.MethodGet, "/")
		}
		if found != tc.precoder || ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("%s: Precoder found %v, Offer %v, %v; want %v, %v, %v", tc.name, found, got, ok, tc.precoder, tc.want, tc.ok)
		}
	}
}

// TestPrecoderBrowser: a browser, which accepts every coding alike, gets
// a kept body in brotli, while an answer compressed as it is sent goes
// out in zstd; a revalidation with either tag gets a 304 that confirms
// the tag the client holds, whichever way the answer would be sent now.
func TestPrecoderBrowser(t *testing.T) {
	const chrome = "gzip, deflate, br, zstd"
	f := &keptFile{body: []byte(text(5000)), ctype: "text/css"}
	kept := encode.New(f, nil)
	streamed := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ServeHTTP(struct{ http.ResponseWriter }{w}, r) // hides the Precoder
	}), nil)
	for h, want := range map[http.Handler]string{kept: "br", streamed: "zstd"} {
		resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", chrome)
		if raw := body(t, resp); resp.Header.Get("Content-Encoding") != want || !bytes.Equal(decode(t, want, raw), f.body) {
			t.Errorf("Content-Encoding %q, want %s", resp.Header.Get("Content-Encoding"), want)
		}
		for _, held := range []string{`"v1+br"`, `"v1+zstd"`} {
			resp := serve(t, h, http.MethodGet, "/", "Accept-Encoding", chrome, "If-None-Match", held)
			if resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != held {
				t.Errorf("If-None-Match %s, sent as %s: %d, ETag %q", held, want, resp.StatusCode, resp.Header.Get("ETag"))
			}
		}
		resp = serve(t, h, http.MethodGet, "/", "Accept-Encoding", chrome, "If-None-Match", `"v1+gzip"`)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("If-None-Match with a gzip tag, from a client that gets %s: %d", want, resp.StatusCode)
		}
	}
}

// publicScripts is the first 35 KiB of simplehttp's scripts, one after
// the other: real JavaScript, the size of the bench's script.
func publicScripts(t testing.TB) []byte {
	t.Helper()
	names, err := fs.Glob(public.FS, "*.js")
	if err != nil || len(names) == 0 {
		t.Fatalf("public scripts: %v %v", names, err)
	}
	var b []byte
	for _, name := range names {
		data, err := public.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, data...)
	}
	if len(b) < 35<<10 {
		t.Fatalf("public scripts: %d bytes, want 35 KiB or more", len(b))
	}
	return b[:35<<10]
}

// TestPrecoderCodesHarder: a kept body is coded harder than an answer
// compressed as it is sent, in brotli and gzip (zstd's kept level is its
// streamed one), and decodes to the body.
func TestPrecoderCodesHarder(t *testing.T) {
	script := publicScripts(t)
	f := &keptFile{body: script, ctype: "text/javascript"}
	kept := encode.New(f, nil)
	streamed := encode.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ServeHTTP(struct{ http.ResponseWriter }{w}, r) // hides the Precoder
	}), nil)
	for _, c := range []string{"br", "gzip", "zstd"} {
		k := body(t, serve(t, kept, http.MethodGet, "/", "Accept-Encoding", c))
		s := body(t, serve(t, streamed, http.MethodGet, "/", "Accept-Encoding", c))
		if !bytes.Equal(decode(t, c, k), script) || !bytes.Equal(decode(t, c, s), script) {
			t.Fatalf("%s: a body differs once decoded", c)
		}
		if harder := c != "zstd"; (harder && len(k) >= len(s)) || (!harder && len(k) != len(s)) {
			t.Errorf("%s: kept %d bytes, streamed %d; want kept smaller: %v", c, len(k), len(s), harder)
		}
		t.Logf("%d bytes of script in %s: kept %d bytes, streamed %d", len(script), c, len(k), len(s))
	}
}
