package upload_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/upload"
)

func TestPut(t *testing.T) {
	long := strings.Repeat("n", 256)
	for _, tc := range []struct {
		name     string
		opt      upload.Options
		target   string
		header   []string
		code     int
		file     string // the file that must then hold "new\n", if any
		location string
	}{
		{name: "new file", target: "/new.txt", code: 201, file: "new.txt", location: "./new.txt"},
		{name: "in a folder", target: "/sub/new.txt", code: 201, file: "sub/new.txt", location: "./new.txt"},
		{name: "odd but fine name", target: "/sub/a%20b%23%3F%25.txt", code: 201, file: "sub/a b#?%.txt", location: "./a%20b%23%3F%25.txt"},
		{name: "unicode name", target: "/%E6%97%A5%E6%9C%AC.txt", code: 201, file: "日本.txt"},
		{name: "exists", target: "/a.txt", code: 409},
		{name: "exists, overwrite", opt: upload.Options{Overwrite: true}, target: "/a.txt", code: 200, file: "a.txt", location: "./a.txt"},
		{name: "a folder exists, overwrite", opt: upload.Options{Overwrite: true}, target: "/sub", code: 409},
		{name: "no such folder", target: "/missing/x.txt", code: 404},
		{name: "a file as folder", target: "/a.txt/x.txt", code: 404},
		{name: "to a folder", target: "/sub/", code: 400},
		{name: "to the root", target: "/", code: 400},
		{name: "hidden name", target: "/.env", code: 403},
		{name: "hidden folder", target: "/.git/config", code: 404},
		{name: "link to a hidden folder", target: "/hidden-link/config", code: 404},
		{name: "hidden name, dotfiles", opt: upload.Options{Dotfiles: true}, target: "/.env", code: 201, file: ".env"},
		{name: "hidden folder, dotfiles", opt: upload.Options{Dotfiles: true}, target: "/.git/x", code: 201, file: ".git/x"},
		{name: "well-known", target: "/.well-known", code: 201, file: ".well-known"},
		{name: "link to a folder outside", target: "/out/x.txt", code: 404},
		{name: "link to a folder outside, dotfiles", opt: upload.Options{Dotfiles: true}, target: "/out/x.txt", code: 404},
		{name: "link to a file outside", target: "/escape.txt", code: 409},
		{name: "partial PUT", target: "/new.txt", header: []string{"Content-Range", "bytes 0-3/10"}, code: 400},
		{name: "too large", opt: upload.Options{MaxSize: 3}, target: "/new.txt", code: 413},
		{name: "just small enough", opt: upload.Options{MaxSize: 4}, target: "/new.txt", code: 201, file: "new.txt"},
		// Hostile names: refused, never rewritten.
		{name: "dot-dot", target: "/..", code: 400},
		{name: "dot-dot then a name", target: "/../x", code: 400},
		{name: "dot-dot inside", target: "/sub/../x", code: 400},
		{name: "dot", target: "/./x", code: 400},
		{name: "encoded dot-dot", target: "/%2e%2e", code: 400},
		{name: "encoded dot-dot folder", target: "/%2e%2e/x", code: 400},
		{name: "encoded slash", target: "/a%2Fb", code: 400},
		{name: "encoded backslash", target: "/a%5Cb", code: 400},
		{name: "backslash", target: `/a\b`, code: 400},
		{name: "dot-dot backslash", target: `/..\x`, code: 400},
		{name: "empty element", target: "/sub//x", code: 400},
		{name: "NUL", target: "/a%00b", code: 400},
		{name: "newline", target: "/a%0Ab", code: 400},
		{name: "escape", target: "/a%1Bb", code: 400},
		{name: "DEL", target: "/a%7Fb", code: 400},
		{name: "C1 control", target: "/a%C2%85b", code: 400},
		{name: "right-to-left override", target: "/a%E2%80%AEtxt.exe", code: 400},
		{name: "invalid UTF-8", target: "/caf%E9", code: 400},
		{name: "too long", target: "/" + long, code: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, tc.opt)
			before := tree(t, s.outside)
			resp, body := s.put(t, tc.target, "new\n", tc.header...)
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tc.code, body)
			}
			if tc.file != "" {
				if got := s.read(t, tc.file); got != "new\n" {
					t.Errorf("%s holds %q", tc.file, got)
				}
			}
			if got := resp.Header.Get("Location"); got != tc.location && tc.location != "" {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			if tc.code >= 400 {
				if got := s.read(t, "a.txt"); got != "original a\n" {
					t.Errorf("a.txt holds %q after a refused upload", got)
				}
				if !strings.HasPrefix(body, resp.Status[:3]+" ") {
					t.Errorf("refusal body %q does not begin with its status", body)
				}
			}
			if after := tree(t, s.outside); !slices.Equal(before, after) {
				t.Errorf("the folder outside changed: %q, was %q", after, before)
			}
			checkNoTemp(t, s.dir)
		})
	}
}

// TestPutReplacesLinkNotTarget checks that with Overwrite a PUT to a
// symbolic link replaces the link itself: nothing is written where it
// leads.
func TestPutReplacesLinkNotTarget(t *testing.T) {
	s := newSite(t, upload.Options{Overwrite: true})
	resp, body := s.put(t, "/escape.txt", "new\n")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, body %q", resp.StatusCode, body)
	}
	if got := s.read(t, "escape.txt"); got != "new\n" {
		t.Errorf("escape.txt holds %q", got)
	}
	if got := s.read(t, "../outside/secret.txt"); got != "outside\n" {
		t.Errorf("the link's target outside now holds %q", got)
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestPutRefusesBeforeReading checks that a refusal that needs no body
// comes before a byte of it is read.
func TestPutRefusesBeforeReading(t *testing.T) {
	for _, tc := range []struct {
		name, target string
		opt          upload.Options
		code         int
	}{
		{"too large", "/new.txt", upload.Options{MaxSize: 10}, 413},
		{"exists", "/a.txt", upload.Options{}, 409},
		{"bad name", "/%2e%2e", upload.Options{}, 400},
		{"no such folder", "/nope/x", upload.Options{}, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, tc.opt)
			body := &countingReader{r: strings.NewReader(strings.Repeat("x", 100))}
			r := httptest.NewRequest(http.MethodPut, tc.target, body)
			r.ContentLength = 100
			resp, _ := s.do(t, r)
			if resp.StatusCode != tc.code || body.n != 0 {
				t.Errorf("status %d after reading %d bytes, want %d after none", resp.StatusCode, body.n, tc.code)
			}
		})
	}
}

// failingReader gives n bytes, then fails as a cut connection does.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

// TestPutCutOff checks that an upload that ends early or over its limit
// leaves no file and no temporary file.
func TestPutCutOff(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opt    upload.Options
		body   io.Reader
		length int64
		code   int
	}{
		{"connection cut", upload.Options{}, &failingReader{n: 1 << 20, err: io.ErrUnexpectedEOF}, 2 << 20, 400},
		{"shorter than its length", upload.Options{}, strings.NewReader("short"), 100, 400},
		{"longer than its length", upload.Options{}, strings.NewReader("longer than announced"), 5, 400},
		{"read error", upload.Options{}, &failingReader{n: 1000, err: errors.New("boom")}, -1, 400},
		{"over the limit, no length", upload.Options{MaxSize: 1 << 20}, &failingReader{n: 2 << 20, err: io.EOF}, -1, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, tc.opt)
			r := httptest.NewRequest(http.MethodPut, "/sub/cut.bin", tc.body)
			r.ContentLength = tc.length
			resp, body := s.do(t, r)
			if resp.StatusCode != tc.code {
				t.Errorf("status %d, want %d; body %q", resp.StatusCode, tc.code, body)
			}
			if got := tree(t, s.dir+"/sub"); len(got) != 0 {
				t.Errorf("left in sub/: %q", got)
			}
		})
	}
}

// TestPutEmpty: an empty body makes an empty file, by PUT and by form.
func TestPutEmpty(t *testing.T) {
	s := newSite(t, upload.Options{})
	if resp, body := s.put(t, "/empty.txt", ""); resp.StatusCode != 201 || body != "created /empty.txt (0 bytes)\n" {
		t.Errorf("PUT: %d %q", resp.StatusCode, body)
	}
	if resp, body := s.post(t, "/sub/", []formPart{{"file", "empty.txt", ""}}); resp.StatusCode != 201 {
		t.Errorf("POST: %d %q", resp.StatusCode, body)
	}
	for _, name := range []string{"empty.txt", "sub/empty.txt"} {
		if got := s.read(t, name); got != "" {
			t.Errorf("%s holds %q", name, got)
		}
	}
}

// sneakyReader creates a file of the upload's name once the upload has
// begun, as another client or a local process might.
type sneakyReader struct {
	r       io.Reader
	name    string
	created bool
}

func (s *sneakyReader) Read(p []byte) (int, error) {
	if !s.created {
		s.created = true
		if err := os.WriteFile(s.name, []byte("theirs\n"), 0o644); err != nil {
			return 0, err
		}
	}
	return s.r.Read(p)
}

// TestPutNameTakenMeanwhile: a file that appears under the upload's name
// while the upload runs is kept (409), never replaced, unless Overwrite.
func TestPutNameTakenMeanwhile(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		s := newSite(t, upload.Options{Overwrite: overwrite})
		body := &sneakyReader{r: strings.NewReader("mine\n"), name: filepath.Join(s.dir, "race.txt")}
		resp, answer := s.do(t, httptest.NewRequest(http.MethodPut, "/race.txt", body))
		want, content := 409, "theirs\n"
		if overwrite {
			want, content = 200, "mine\n"
		}
		if resp.StatusCode != want || s.read(t, "race.txt") != content {
			t.Errorf("overwrite %v: %d %q, race.txt holds %q; want %d and %q", overwrite, resp.StatusCode, answer, s.read(t, "race.txt"), want, content)
		}
		checkNoTemp(t, s.dir)
	}
}
