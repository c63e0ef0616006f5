package dav_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/dav"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/upload"
)

// site is a served directory with the WebDAV handler in front of uploads
// and the file server, as the command mounts them, and a folder beside it
// that nothing may reach.
type site struct {
	dir     string
	outside string
	h       http.Handler
	logs    *bytes.Buffer
	clock   *clock
}

// clock is a settable time for lock time-outs.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newSite serves a fresh directory holding a.txt, b.txt, sub/c.txt, a
// hidden .git/config and sub/.hidden, a link "out" to a folder outside,
// "hidden-link" to .git and "inside.txt" to a.txt.
func newSite(t testing.TB, opt dav.Options) *site {
	t.Helper()
	base := t.TempDir()
	s := &site{dir: filepath.Join(base, "site"), outside: filepath.Join(base, "outside"), logs: new(bytes.Buffer),
		clock: &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	for name, content := range map[string]string{
		"a.txt": "a\n", "b.txt": "b\n", "sub/c.txt": "c\n", ".git/config": "secret\n",
		"sub/.hidden": "hidden\n", "empty/.keep": "", "../outside/secret.txt": "outside\n",
	} {
		writeFile(t, filepath.Join(s.dir, name), content)
	}
	for link, target := range map[string]string{"out": s.outside, "hidden-link": ".git", "inside.txt": "a.txt"} {
		if err := os.Symlink(target, filepath.Join(s.dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	logger := slog.New(slog.NewTextHandler(s.logs, nil))
	opt.Logger, opt.Now = logger, s.clock.Now
	files := fileserve.NewRoot(root, &fileserve.Options{Dotfiles: opt.Dotfiles, Logger: logger})
	var next http.Handler = files
	if opt.Upload {
		next = upload.New(root, files, &upload.Options{Overwrite: true, Dotfiles: opt.Dotfiles, Logger: logger})
	}
	s.h = dav.New(root, next, &opt)
	return s
}

func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// do serves method target with body and header pairs, and returns the
// answer and its body.
func (s *site) do(t testing.TB, method, target, body string, header ...string) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// exists reports whether name exists under the served directory.
func (s *site) exists(name string) bool {
	_, err := os.Lstat(filepath.Join(s.dir, name))
	return err == nil
}

// read returns the content of name under the served directory.
func (s *site) read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lockBody is a LOCK request body of the scope given.
func lockBody(scope string) string {
	return `<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:` + scope +
		`/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>me</D:href></D:owner></D:lockinfo>`
}

// lock takes a lock on target and returns its token.
func (s *site) lock(t testing.TB, target, scope, depth string) string {
	t.Helper()
	resp, body := s.do(t, "LOCK", target, lockBody(scope), "Depth", depth, "Timeout", "Second-60")
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		t.Fatalf("LOCK %s: %d %s", target, resp.StatusCode, body)
	}
	tok := strings.Trim(resp.Header.Get("Lock-Token"), "<>")
	if tok == "" {
		t.Fatalf("LOCK %s: no Lock-Token", target)
	}
	return tok
}

// allWrites is every option that lets clients change files.
var allWrites = dav.Options{Upload: true, Delete: true}

// readDirNames lists the names of a folder.
func readDirNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}
