package fileserve_test

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// linkTree is a served directory with symbolic links of every kind. Its
// parent holds secret.txt.
func linkTree(t *testing.T) (*os.Root, string) {
	t.Helper()
	root, dir := tempRoot(t, map[string]string{
		"file.txt":           "file\n",
		"d/inner.txt":        "inner\n",
		"d/e/deep.txt":       "deep\n",
		".env":               "SECRET=env\n",
		".git/config":        "[secret]\n",
		"site/index.html":    "<h1>site</h1>\n",
		"trap/a.txt":         "a\n",
		".well-known/x.txt":  "well known\n",
		".hiddendir/pub.txt": "hidden dir\n",
		"d/.private/key.txt": "private\n",
	})
	for _, l := range [][2]string{
		{"file.txt", "to-file"},       // inside, file
		{"d", "to-dir"},               // inside, directory
		{"../file.txt", "d/up"},       // inside, relative with ..
		{"e/deep.txt", "d/to-deep"},   // inside, relative to its own directory
		{"../d/e", "site/e-link"},     // inside, directory through ..
		{"to-file", "chain"},          // a link to a link
		{"../secret.txt", "out"},      // outside
		{"../../secret.txt", "d/out"}, // outside, from below
		{"nowhere.txt", "dangling"},   // dangling
		{"loop", "loop"},              // a loop
		{"loop-b", "loop-a"},          // a loop of two
		{"loop-a", "loop-b"},
		// Links that lead to hidden names are hidden.
		{".env", "config.txt"},
		{".git/config", "gitcfg"},
		{".git", "repo"},
		{"config.txt", "chain-to-env"},
		{"d/../.env", "dotdot-env"},
		{"../.env", "d/env"},
		{".private", "d/private"},
		{"../.env", "trap/index.html"},
		{".env", "README.md"},       // never shown below a listing
		{".well-known/x.txt", "wk"}, // .well-known is not hidden
	} {
		symlink(t, dir, l[0], l[1])
	}
	return root, dir
}

func TestSymlinks(t *testing.T) {
	root, dir := linkTree(t)
	for _, tc := range []struct {
		name string
		h    http.Handler
		out  bool // the file system follows links out of the directory
	}{
		{"os.Root FS", fileserve.New(root.FS(), nil), false},
		{"NewRoot", fileserve.NewRoot(root, nil), false},
		{"os.DirFS", fileserve.New(os.DirFS(dir), nil), true},
		{"no open file paths", fileserve.New(noPathFS{root.FS()}, nil), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outCode, outBody := 404, ""
			if tc.out {
				outCode, outBody = 200, "TOP-SECRET"
			}
			for _, c := range []struct {
				target string
				code   int
				body   string
			}{
				{"/to-file", 200, "file\n"},
				{"/to-dir/inner.txt", 200, "inner\n"},
				{"/to-dir/", 200, "inner.txt"},
				{"/to-dir", 301, ""},
				{"/d/up", 200, "file\n"},
				{"/d/to-deep", 200, "deep\n"},
				{"/site/e-link/deep.txt", 200, "deep\n"},
				{"/chain", 200, "file\n"},
				{"/wk", 200, "well known\n"},
				{"/out", outCode, outBody},
				{"/d/out", outCode, outBody},
				{"/dangling", 404, ""},
				{"/loop", 404, ""},
				{"/loop-a", 404, ""},
				{"/loop/x", 404, ""},
			} {
				resp := serve(t, tc.h, http.MethodGet, c.target)
				b := body(t, resp)
				if resp.StatusCode != c.code || !strings.Contains(b, c.body) {
					t.Errorf("%s: %d %.40q, want %d with %q", c.target, resp.StatusCode, b, c.code, c.body)
				}
			}
		})
	}
}

func TestDotfiles(t *testing.T) {
	root, dir := linkTree(t)
	hiddenTargets := []string{
		"/.env", "/.git/config", "/.git/", "/.git", "/.hiddendir/pub.txt", "/d/.private/key.txt",
		"/config.txt", "/gitcfg", "/repo/config", "/repo/", "/chain-to-env", "/dotdot-env",
		"/d/env", "/d/private/key.txt", "/d/private/",
	}
	for _, tc := range []struct {
		name string
		fsys func(dotfiles bool) http.Handler
	}{
		{"os.Root FS", func(dot bool) http.Handler { return fileserve.New(root.FS(), &fileserve.Options{Dotfiles: dot}) }},
		{"NewRoot", func(dot bool) http.Handler { return fileserve.NewRoot(root, &fileserve.Options{Dotfiles: dot}) }},
		{"os.DirFS", func(dot bool) http.Handler { return fileserve.New(os.DirFS(dir), &fileserve.Options{Dotfiles: dot}) }},
		{"no open file paths", func(dot bool) http.Handler {
			return fileserve.New(noPathFS{root.FS()}, &fileserve.Options{Dotfiles: dot})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.fsys(false)
			for _, target := range hiddenTargets {
				resp := serve(t, h, http.MethodGet, target)
				b := body(t, resp)
				if resp.StatusCode != 404 || strings.Contains(b, "SECRET") || strings.Contains(b, "secret") {
					t.Errorf("%s: status %d %.40q, want 404", target, resp.StatusCode, b)
				}
			}
			// A link to a hidden file is no index: the listing is served,
			// and it does not list the link.
			resp := serve(t, h, http.MethodGet, "/trap/")
			if b := body(t, resp); resp.StatusCode != 200 || strings.Contains(b, "SECRET") || strings.Contains(b, "index.html") {
				t.Errorf("/trap/: %d %q", resp.StatusCode, b)
			}
			// The listing hides hidden names and links to them, but not
			// .well-known.
			b := body(t, serve(t, h, http.MethodGet, "/"))
			if strings.Contains(b, "SECRET") {
				t.Errorf("the listing shows a hidden file's content: %q", b)
			}
			for _, name := range []string{".env", ".git", "config.txt", "gitcfg", "repo", "chain-to-env", "dotdot-env", ".hiddendir", "README.md"} {
				if strings.Contains(b, `"./`+name) {
					t.Errorf("the listing shows %s", name)
				}
			}
			for _, name := range []string{"file.txt", ".well-known", "wk", "to-file"} {
				if !strings.Contains(b, `"./`+name) {
					t.Errorf("the listing does not show %s", name)
				}
			}
			if b := body(t, serve(t, h, http.MethodGet, "/d/")); strings.Contains(b, "private") || strings.Contains(b, `"./env"`) {
				t.Errorf("the listing of /d/ shows a hidden name: %q", b)
			}
			// Dotfiles on: all of it is served.
			h = tc.fsys(true)
			for _, target := range []string{"/.env", "/.git/config", "/config.txt", "/gitcfg", "/repo/config", "/chain-to-env", "/d/env", "/d/private/key.txt"} {
				if resp := serve(t, h, http.MethodGet, target); resp.StatusCode != 200 {
					t.Errorf("Dotfiles: %s: status %d", target, resp.StatusCode)
				}
			}
			if b := body(t, serve(t, h, http.MethodGet, "/")); !strings.Contains(b, `"./.env"`) || !strings.Contains(b, `"./config.txt"`) {
				t.Errorf("Dotfiles: the listing hides names: %q", b)
			}
		})
	}
}

// TestDotfilesLexical checks the hiding of names on a file system without
// links, and the .well-known exception.
func TestDotfilesLexical(t *testing.T) {
	h := newHandler()
	for _, tc := range []struct {
		target string
		code   int
	}{
		{"/.env", 404}, {"/.git/config", 404}, {"/.git/", 404}, {"/sub/.hidden.txt", 404},
		{"/.well-known/security.txt", 200}, {"/.well-known/", 200}, {"/sub/.well-known", 404},
		{"/%2eenv", 404}, {"/.%65nv", 404}, {"/x/../.env", 404}, {"/.env/", 404},
	} {
		resp := serve(t, h, http.MethodGet, tc.target)
		if b := body(t, resp); resp.StatusCode != tc.code || (tc.code == 404 && strings.Contains(b, "SECRET")) {
			t.Errorf("%s: status %d, want %d", tc.target, resp.StatusCode, tc.code)
		}
	}
	b := body(t, serve(t, h, http.MethodGet, "/"))
	if strings.Contains(b, `"./.env"`) || strings.Contains(b, `"./.git/"`) || !strings.Contains(b, `"./.well-known/"`) {
		t.Errorf("listing: %q", b)
	}
	h = fileserve.New(testFS(), &fileserve.Options{Dotfiles: true})
	for _, target := range []string{"/.env", "/.git/config", "/sub/.hidden.txt"} {
		if resp := serve(t, h, http.MethodGet, target); resp.StatusCode != 200 {
			t.Errorf("Dotfiles: %s: status %d", target, resp.StatusCode)
		}
	}
}

// noPathFS serves fsys with its files' *os.File hidden, as a file system
// that is not the kernel's would: the handler cannot learn where an open
// file really is, and must resolve links itself.
type noPathFS struct{ fsys fs.FS }

func (n noPathFS) Open(name string) (fs.File, error) {
	f, err := n.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	return noPathFile{f}, nil
}

func (n noPathFS) Stat(name string) (fs.FileInfo, error)  { return fs.Stat(n.fsys, name) }
func (n noPathFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(n.fsys, name) }
func (n noPathFS) ReadLink(name string) (string, error)   { return fs.ReadLink(n.fsys, name) }

// noPathFile is a file that hides every method but those of fs.File,
// io.Seeker and fs.ReadDirFile.
type noPathFile struct{ fs.File }

func (f noPathFile) Seek(offset int64, whence int) (int64, error) {
	return f.File.(io.Seeker).Seek(offset, whence)
}

func (f noPathFile) ReadDir(n int) ([]fs.DirEntry, error) {
	return f.File.(fs.ReadDirFile).ReadDir(n)
}
