package upload_test

import (
	"bytes"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/upload"
)

// site is a served directory with an upload handler in front of its file
// server, and a directory beside it that no upload may reach.
type site struct {
	dir     string // the served directory
	outside string // a directory next to it, the target of escaping links
	h       *upload.Handler
	logs    *bytes.Buffer
}

// newSite serves a fresh directory holding a.txt, sub/, a hidden .git/,
// a link "out" to a folder outside, a link "hidden-link" to .git and a
// link "escape.txt" to a file outside.
func newSite(t *testing.T, opt upload.Options) *site {
	t.Helper()
	base := t.TempDir()
	s := &site{dir: filepath.Join(base, "site"), outside: filepath.Join(base, "outside"), logs: new(bytes.Buffer)}
	for _, d := range []string{s.dir, s.outside, filepath.Join(s.dir, "sub"), filepath.Join(s.dir, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(s.dir, "a.txt"), "original a\n")
	writeFile(t, filepath.Join(s.outside, "secret.txt"), "outside\n")
	for link, target := range map[string]string{
		"out": s.outside, "hidden-link": ".git", "escape.txt": filepath.Join(s.outside, "secret.txt"),
	} {
		if err := os.Symlink(target, filepath.Join(s.dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	opt.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	files := fileserve.NewRoot(root, &fileserve.Options{Dotfiles: opt.Dotfiles, Logger: opt.Logger})
	s.h = upload.New(root, files, &opt)
	return s
}

// do serves one request and returns the answer and its body.
func (s *site) do(t *testing.T, r *http.Request) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// put sends PUT target with body and the header pairs given.
func (s *site) put(t *testing.T, target, body string, header ...string) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPut, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return s.do(t, r)
}

// read returns the content of the file name under the served directory,
// or "<missing>".
func (s *site) read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(name)))
	if err != nil {
		return "<missing>"
	}
	return string(b)
}

// tree lists every name under dir (the served one and the one outside),
// sorted, as slash paths with a "/" after folders.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			rel += "/"
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

// checkNoTemp fails the test if a temporary upload file is left anywhere
// under dir.
func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, n := range tree(t, dir) {
		if strings.Contains(n, ".simplehttp-upload-") {
			t.Errorf("temporary file left behind: %s", n)
		}
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// formPart is one part of a multipart body built by hand, so a test can
// send what multipart.Writer would not (a filename "a/b").
type formPart struct {
	field, filename string // filename "-": no filename parameter
	content         string
}

// multipartBody builds a multipart/form-data body and its Content-Type.
func multipartBody(parts ...formPart) (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		disp := `form-data; name="` + p.field + `"`
		if p.filename != "-" {
			disp += `; filename="` + strings.ReplaceAll(p.filename, `"`, `\"`) + `"`
		}
		w, _ := mw.CreatePart(map[string][]string{"Content-Disposition": {disp}})
		io.WriteString(w, p.content)
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// post sends a multipart POST of parts to target, with the header pairs
// given.
func (s *site) post(t *testing.T, target string, parts []formPart, header ...string) (*http.Response, string) {
	t.Helper()
	body, ctype := multipartBody(parts...)
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return s.do(t, r)
}
