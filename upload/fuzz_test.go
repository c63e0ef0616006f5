package upload_test

import (
	"encoding/base64"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/simplehttp/simplehttp/upload"
)

// nameSeeds are names worth trying, good and hostile.
var nameSeeds = []string{
	"a.txt", "", ".", "..", "...", ".env", "a/b", `a\b`, "../x", "a\x00b", "a\nb", "\x7f", "caf\xe9",
	"\u202etxt.exe", "日本.txt", "emoji-\U0001F600", "%2e%2e", "a%2Fb", " ", "con", strings.Repeat("x", 256),
}

func FuzzCheckName(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if upload.CheckName(name) != nil {
			return
		}
		// An accepted name is one element, valid as a file-system name,
		// printable, and what path.Base of it says.
		switch {
		case !fs.ValidPath(name), name == ".", strings.ContainsAny(name, `/\`), path.Base(name) != name:
			t.Errorf("accepted %q, which is no single element", name)
		case !utf8.ValidString(name), len(name) > 255:
			t.Errorf("accepted %q", name)
		case strings.IndexFunc(name, unicode.IsControl) >= 0:
			t.Errorf("accepted %q, with a control character", name)
		}
	})
}

func FuzzSplitTarget(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add("/" + s)
		f.Add("/sub/" + s + "/")
	}
	for _, s := range []string{"/", "", "x", "//", "/a//b", "/a/%2e%2e/b", "/%2F", "/a%00/b", "/a/b/c/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, escaped string) {
		dir, last, err := upload.SplitTarget(escaped)
		if err != nil {
			return
		}
		full := path.Join(dir, last)
		// What is accepted names a place under the root, cleaned, with no
		// element the file system would read as a way up or a separator.
		if !fs.ValidPath(dir) || !fs.ValidPath(full) || path.Clean(full) != full {
			t.Fatalf("%q split into %q and %q", escaped, dir, last)
		}
		for _, elem := range strings.Split(full, "/") {
			if elem == ".." || strings.Contains(elem, `\`) || (elem == "." && full != ".") {
				t.Fatalf("%q split into %q and %q", escaped, dir, last)
			}
		}
		if last != "" && upload.CheckName(last) != nil {
			t.Fatalf("%q: the name %q does not pass checkName", escaped, last)
		}
	})
}

// FuzzMultipart posts arbitrary bodies as a multipart form to a fresh
// folder. Whatever the body, the handler must not panic or fail with a
// 5xx, must leave no temporary file, and may create only checked names
// in the target folder, nothing outside it.
func FuzzMultipart(f *testing.F) {
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	seeds := []string{
		"--B\nContent-Disposition: form-data; name=file; filename=a.txt\n\nhello\n--B--\n",
		"--B\nContent-Disposition: form-data; name=file; filename=\"a/b\"\n\nx\n--B--\n",
		"--B\nContent-Disposition: form-data; name=file; filename*=UTF-8''%2e%2e%2fx\n\nx\n--B--\n",
		"--B\nContent-Disposition: form-data; name=mkdir\n\nnew\n--B\nContent-Disposition: form-data; name=f; filename=n\n\n\n--B--\n",
		"--B\nContent-Disposition: form-data; name=file; filename=cut\n\nhalf",
		"--B\nContent-Disposition: form-data; name=file; filename=\"\"\n\n\n--B--\n",
		"--B\nContent-Disposition: form-data; name=file; filename=q\nContent-Transfer-Encoding: quoted-printable\n\n=41\n--B--\n",
		"--B\nContent-Disposition: attachment; filename=x\n\nx\n--B--\n",
		"--B--\n",
	}
	for _, s := range seeds {
		f.Add(crlf(s))
	}
	f.Fuzz(func(t *testing.T, body string) {
		s := newSite(t, upload.Options{MaxSize: 1 << 20})
		before := tree(t, s.dir)
		r := httptest.NewRequest(http.MethodPost, "/sub/", strings.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		resp, answer := s.do(t, r)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d: %q", resp.StatusCode, answer)
		}
		checkNoTemp(t, s.dir)
		for _, name := range tree(t, s.dir) {
			rest, inSub := strings.CutPrefix(name, "sub/")
			if !inSub || rest == "" {
				continue
			}
			rest = strings.TrimSuffix(rest, "/")
			if upload.CheckName(rest) != nil || strings.HasPrefix(rest, ".") {
				t.Errorf("made %q", name)
			}
		}
		for _, name := range before {
			if !strings.HasPrefix(name, "sub/") && !contains(tree(t, s.dir), name) {
				t.Errorf("%s vanished", name)
			}
		}
		if n := len(tree(t, s.dir)) - len(before); n > 0 && resp.StatusCode >= 400 && !strings.Contains(answer, "created") {
			t.Errorf("status %d but %d new names", resp.StatusCode, n)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FuzzParseChecksum: an Upload-Checksum is taken only as "sha256 " and
// the standard base64 of exactly 32 bytes, which it decodes to.
func FuzzParseChecksum(f *testing.F) {
	for _, s := range []string{
		"sha256 LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", "sha256 ", "sha256", "SHA256 LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
		"md5 XUFAKrxLKna5cZ2REBfFkg==", "sha256  LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", "sha256 LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ",
		"sha256 AAAA", "", " ", "sha256 LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		sum, err := upload.ParseChecksum(v)
		if err != nil {
			if sum != nil {
				t.Errorf("%q: a digest and an error", v)
			}
			return
		}
		encoded, ok := strings.CutPrefix(v, "sha256 ")
		if !ok || base64.StdEncoding.EncodeToString(sum[:]) != encoded {
			t.Errorf("took %q as %x", v, sum)
		}
	})
}
