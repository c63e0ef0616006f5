package upload_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/upload"
)

func TestPostForm(t *testing.T) {
	type files map[string]string
	for _, tc := range []struct {
		name   string
		opt    upload.Options
		target string
		parts  []formPart
		code   int
		want   files // files (or folders, "name/") that must exist after
		absent []string
	}{
		{name: "two files", target: "/sub/",
			parts: []formPart{{"file", "one.txt", "1\n"}, {"file", "two.txt", "2\n"}},
			code:  201, want: files{"sub/one.txt": "1\n", "sub/two.txt": "2\n"}},
		{name: "any field name", target: "/", parts: []formPart{{"upload", "x.bin", "x"}}, code: 201, want: files{"x.bin": "x"}},
		{name: "folder without its slash", target: "/sub", parts: []formPart{{"file", "x", "x"}}, code: 201, want: files{"sub/x": "x"}},
		{name: "new folder", target: "/sub/", parts: []formPart{{"mkdir", "-", "photos"}}, code: 201, want: files{"sub/photos/": ""}},
		{name: "folder and file", target: "/", parts: []formPart{{"mkdir", "-", "d"}, {"file", "f", "f"}}, code: 201, want: files{"d/": "", "f": "f"}},
		{name: "other fields ignored", target: "/", parts: []formPart{{"note", "-", "hello"}, {"file", "f", "f"}}, code: 201, want: files{"f": "f"}},
		{name: "no file chosen", target: "/", parts: []formPart{{"file", "", ""}, {"file", "f", "f"}}, code: 201, want: files{"f": "f"}},
		{name: "empty form", target: "/", parts: []formPart{{"file", "", ""}}, code: 400},
		{name: "content without a name", target: "/", parts: []formPart{{"file", "", "data"}}, code: 400},
		{name: "slash in filename", target: "/", parts: []formPart{{"file", "a/b", "x"}}, code: 400, absent: []string{"b", "a"}},
		{name: "backslash in filename", target: "/", parts: []formPart{{"file", `a\b`, "x"}}, code: 400, absent: []string{"b", `a\b`}},
		{name: "dot-dot filename", target: "/sub/", parts: []formPart{{"file", "..", "x"}}, code: 400},
		{name: "dot-dot path filename", target: "/sub/", parts: []formPart{{"file", "../x", "x"}}, code: 400, absent: []string{"x", "sub/x"}},
		{name: "absolute filename", target: "/", parts: []formPart{{"file", "/etc/passwd", "x"}}, code: 400, absent: []string{"passwd"}},
		{name: "control character", target: "/", parts: []formPart{{"file", "a\x01b", "x"}}, code: 400},
		{name: "hidden filename", target: "/", parts: []formPart{{"file", ".env", "x"}}, code: 403, absent: []string{".env"}},
		{name: "hidden folder name", target: "/", parts: []formPart{{"mkdir", "-", ".ssh"}}, code: 403, absent: []string{".ssh/"}},
		{name: "dot-dot folder name", target: "/sub/", parts: []formPart{{"mkdir", "-", ".."}}, code: 400},
		{name: "slash in folder name", target: "/", parts: []formPart{{"mkdir", "-", "x/y"}}, code: 400, absent: []string{"x/"}},
		{name: "folder exists", target: "/", parts: []formPart{{"mkdir", "-", "sub"}}, code: 409},
		{name: "file exists", target: "/", parts: []formPart{{"file", "a.txt", "x"}}, code: 409},
		{name: "second file exists", target: "/",
			parts: []formPart{{"file", "first", "1"}, {"file", "a.txt", "x"}, {"file", "third", "3"}},
			code:  409, want: files{"first": "1"}, absent: []string{"third"}},
		{name: "exists, overwrite", opt: upload.Options{Overwrite: true}, target: "/", parts: []formPart{{"file", "a.txt", "x"}}, code: 200, want: files{"a.txt": "x"}},
		{name: "hidden target folder", target: "/.git/", parts: []formPart{{"file", "x", "x"}}, code: 404},
		{name: "folder outside", target: "/out/", parts: []formPart{{"file", "x", "x"}}, code: 404},
		{name: "no such folder", target: "/nope/", parts: []formPart{{"file", "x", "x"}}, code: 404},
		{name: "to a file", target: "/a.txt", parts: []formPart{{"file", "x", "x"}}, code: 404},
		{name: "over the limit together", opt: upload.Options{MaxSize: 1000}, target: "/",
			parts: []formPart{{"file", "one", strings.Repeat("1", 600)}, {"file", "two", strings.Repeat("2", 600)}},
			code:  413, absent: []string{"one", "two"}},
		{name: "dotfiles", opt: upload.Options{Dotfiles: true}, target: "/.git/", parts: []formPart{{"file", ".x", "x"}}, code: 201, want: files{".git/.x": "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, tc.opt)
			resp, body := s.post(t, tc.target, tc.parts)
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tc.code, body)
			}
			for name, content := range tc.want {
				if dir, ok := strings.CutSuffix(name, "/"); ok {
					if !slices.Contains(tree(t, s.dir), dir+"/") {
						t.Errorf("no folder %s", dir)
					}
				} else if got := s.read(t, name); got != content {
					t.Errorf("%s holds %q, want %q", name, got, content)
				}
			}
			for _, name := range tc.absent {
				if slices.Contains(tree(t, s.dir), name) {
					t.Errorf("%s was made", name)
				}
			}
			if got := s.read(t, "a.txt"); got != "original a\n" && !tc.opt.Overwrite {
				t.Errorf("a.txt holds %q", got)
			}
			checkNoTemp(t, s.dir)
		})
	}
}

// TestPostNotAForm checks the refusals of bodies that are no form.
func TestPostNotAForm(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		code              int
	}{
		{"plain text", "text/plain", "hello", 415},
		{"no type", "", "hello", 415},
		{"no boundary", "multipart/form-data", "--x\r\n", 400},
		{"garbage", "multipart/form-data; boundary=x", "garbage", 400},
		{"no disposition", "multipart/form-data; boundary=x", "--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n", 400},
		{"cut off", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=f; filename=cut\r\n\r\nhalf a fi", 400},
		{"no end", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=f; filename=cut\r\n\r\nall of it\r\n", 400},
		{"urlencoded mkdir", "application/x-www-form-urlencoded", "mkdir=new", 201},
		{"urlencoded bad name", "application/x-www-form-urlencoded", "mkdir=..", 400},
		{"urlencoded without mkdir", "application/x-www-form-urlencoded", "file=x", 400},
		{"urlencoded too long", "application/x-www-form-urlencoded", "mkdir=" + strings.Repeat("x", 20<<10), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, upload.Options{})
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			resp, body := s.do(t, r)
			if resp.StatusCode != tc.code {
				t.Errorf("status %d, want %d; body %q", resp.StatusCode, tc.code, body)
			}
			if tc.code != 201 && !slices.Equal(tree(t, s.dir), tree(t, newSite(t, upload.Options{}).dir)) {
				t.Errorf("the folder changed: %q", tree(t, s.dir))
			}
		})
	}
}

// TestCrossOrigin checks that browsers' cross-origin writes are refused
// and same-origin ones are not.
func TestCrossOrigin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		code   int
	}{
		{"cross-site fetch", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"same-site fetch", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"foreign origin", []string{"Origin", "http://evil.example"}, 403},
		{"same origin", []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}, 201},
		{"typed in the address bar", []string{"Sec-Fetch-Site", "none"}, 201},
		{"no browser", nil, 201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{"PUT", "POST"} {
				s := newSite(t, upload.Options{})
				var resp *http.Response
				if method == "PUT" {
					resp, _ = s.put(t, "/x.txt", "x", tc.header...)
				} else {
					resp, _ = s.post(t, "/", []formPart{{"file", "x.txt", "x"}}, tc.header...)
				}
				if resp.StatusCode != tc.code {
					t.Errorf("%s: status %d, want %d", method, resp.StatusCode, tc.code)
				}
				if made := s.read(t, "x.txt") != "<missing>"; made != (tc.code == 201) {
					t.Errorf("%s: file made: %v", method, made)
				}
			}
		})
	}
}

// TestReadingNeverWrites checks that GET, HEAD and OPTIONS pass through
// or answer without changing anything, whatever they carry, and that other
// methods get 405 with the methods allowed.
func TestReadingNeverWrites(t *testing.T) {
	s := newSite(t, upload.Options{Overwrite: true})
	before := tree(t, s.dir)
	body, ctype := multipartBody(formPart{"file", "x.txt", "x"}, formPart{"mkdir", "-", "d"})
	for _, method := range []string{"GET", "HEAD", "OPTIONS", "DELETE", "PATCH", "MKCOL", "MOVE", "COPY", "PROPFIND", "TRACE"} {
		for _, target := range []string{"/", "/x.txt", "/a.txt", "/sub/", "/?mkdir=d", "/x.txt?download=zip"} {
			r := httptest.NewRequest(method, target, strings.NewReader(body))
			r.Header.Set("Content-Type", ctype)
			resp, _ := s.do(t, r)
			switch method {
			case "GET", "HEAD":
				if resp.StatusCode >= 500 || resp.StatusCode == 201 {
					t.Errorf("%s %s: %d", method, target, resp.StatusCode)
				}
			case "OPTIONS":
				if resp.StatusCode != 204 || resp.Header.Get("Allow") != upload.AllowedMethods {
					t.Errorf("%s %s: %d, Allow %q", method, target, resp.StatusCode, resp.Header.Get("Allow"))
				}
			default:
				if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD, OPTIONS, POST, PUT" {
					t.Errorf("%s %s: %d, Allow %q", method, target, resp.StatusCode, resp.Header.Get("Allow"))
				}
			}
		}
	}
	if after := tree(t, s.dir); !slices.Equal(before, after) {
		t.Errorf("reading requests changed the folder: %q, was %q", after, before)
	}
	if got := s.read(t, "a.txt"); got != "original a\n" {
		t.Errorf("a.txt holds %q", got)
	}
}

// TestAnswers checks that each kind of client gets the answer it can use.
func TestAnswers(t *testing.T) {
	t.Run("curl", func(t *testing.T) {
		s := newSite(t, upload.Options{})
		resp, body := s.post(t, "/sub/", []formPart{{"file", "a b.txt", "12345"}, {"mkdir", "-", "new"}})
		want := "created /sub/a b.txt (5 bytes)\ncreated folder /sub/new/\n"
		if resp.StatusCode != 201 || body != want || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%d %q %q, want 201 %q", resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			t.Errorf("Location %q for two entries", loc)
		}
		resp, body = s.post(t, "/sub/", []formPart{{"file", "c.txt", "1"}, {"file", "a b.txt", "1"}})
		want = "created /sub/c.txt (1 byte)\n409 Conflict: \"a b.txt\" exists, and this server does not replace files\n"
		if resp.StatusCode != 409 || body != want {
			t.Errorf("%d %q, want 409 %q", resp.StatusCode, body, want)
		}
	})
	t.Run("browser form", func(t *testing.T) {
		s := newSite(t, upload.Options{})
		accept := "text/html,application/xhtml+xml,*/*;q=0.8"
		for i, target := range []string{"/sub/", "/sub"} {
			resp, _ := s.post(t, target, []formPart{{"mkdir", "-", fmt.Sprint("d", i)}}, "Accept", accept)
			want := map[string]string{"/sub/": "./", "/sub": "./sub/"}[target]
			if resp.StatusCode != 303 || resp.Header.Get("Location") != want {
				t.Errorf("POST %s: %d to %q, want 303 to %q", target, resp.StatusCode, resp.Header.Get("Location"), want)
			}
		}
		resp, body := s.post(t, "/sub/", []formPart{{"mkdir", "-", "d0"}}, "Accept", accept)
		if resp.StatusCode != 409 || !strings.Contains(body, "<title>409 Conflict</title>") {
			t.Errorf("refusal: %d %q", resp.StatusCode, body)
		}
	})
	t.Run("json", func(t *testing.T) {
		s := newSite(t, upload.Options{})
		r := httptest.NewRequest(http.MethodPut, "/sub/%C3%A9%20x.txt", strings.NewReader("abc"))
		r.Header.Set("Accept", "application/json")
		resp, body := s.do(t, r)
		var rep struct {
			Status int
			Error  string
			Done   []struct {
				Name, URL, Kind string
				Size            int64
			}
		}
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatalf("%v: %q", err, body)
		}
		if resp.StatusCode != 201 || rep.Status != 201 || len(rep.Done) != 1 || rep.Done[0].Name != "é x.txt" ||
			rep.Done[0].URL != "./%C3%A9%20x.txt" || rep.Done[0].Size != 3 || rep.Done[0].Kind != "file" {
			t.Errorf("%d %q", resp.StatusCode, body)
		}
		if loc := resp.Header.Get("Location"); loc != "./%C3%A9%20x.txt" {
			t.Errorf("Location %q", loc)
		}
		r = httptest.NewRequest(http.MethodPut, "/sub/%C3%A9%20x.txt", strings.NewReader("abc"))
		r.Header.Set("Accept", "application/json")
		resp, body = s.do(t, r)
		if resp.StatusCode != 409 || !strings.Contains(body, `"status":409,"error":"\"é x.txt\" exists`) {
			t.Errorf("%d %q", resp.StatusCode, body)
		}
	})
}

// TestMountedUnderPrefix checks uploads through http.StripPrefix: the
// Location stays right relative to the request.
func TestMountedUnderPrefix(t *testing.T) {
	s := newSite(t, upload.Options{})
	mux := http.NewServeMux()
	mux.Handle("/files/", http.StripPrefix("/files", s.h))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/files/sub/x.txt", strings.NewReader("x"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || string(b) != "created /files/sub/x.txt (1 byte)\n" || s.read(t, "sub/x.txt") != "x" {
		t.Errorf("%d %q", resp.StatusCode, b)
	}
}
