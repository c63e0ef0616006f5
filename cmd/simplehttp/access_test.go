package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// curlStatus runs curl with args and returns the status line's code and
// the headers curl printed (-i output, body included).
func curlHead(t *testing.T, args ...string) string {
	t.Helper()
	return string(runTool(t, nil, append([]string{"curl", "-sS", "-i", "--max-time", "10"}, args...)...))
}

// statusIs reports whether the final status in curl's -i output (after
// any 100 Continue) is code.
func statusIs(out, code string) bool {
	all := regexp.MustCompile(`(?m)^HTTP/[\d.]+ (\d+) `).FindAllStringSubmatch(out, -1)
	return len(all) > 0 && all[len(all)-1][1] == code
}

// authFile writes a --auth-file with bob's password "hunter2" as a bcrypt
// hash.
func authFile(t *testing.T) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("hunter2"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(name, []byte("# who may read\nbob:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestBinaryAuth: with --auth and --auth-file, curl and wget are refused
// without credentials or with wrong ones, and served with right ones;
// no password reaches the log.
func TestBinaryAuth(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir, "--auth", "ann:s3cret", "--auth-file", authFile(t))
	s.stdout.waitFor(t, regexp.MustCompile(`Password protected: every request needs one of 2 user names and passwords \(sent readable over plain HTTP`), patience)
	url := s.url + "/hello.txt"

	out := curlHead(t, url)
	if !statusIs(out, "401") || !strings.Contains(strings.ToLower(out), `www-authenticate: basic realm="simplehttp", charset="utf-8"`) || strings.Contains(out, "hello, world") {
		t.Errorf("no credentials:\n%s", out)
	}
	for _, user := range []string{"ann:bad-pw", "bob:s3cret", "eve:s3cret"} {
		if out := curlHead(t, "-u", user, url); !statusIs(out, "401") {
			t.Errorf("-u %s:\n%s", user, out)
		}
	}
	for _, user := range []string{"ann:s3cret", "bob:hunter2"} {
		if out := curlHead(t, "-u", user, url); !statusIs(out, "200") || !strings.HasSuffix(out, "hello, world\n") {
			t.Errorf("-u %s:\n%s", user, out)
		}
	}
	dest := filepath.Join(t.TempDir(), "hello.txt")
	runTool(t, nil, "wget", "-q", "--user=bob", "--password=hunter2", "-O", dest, url)
	if got, err := os.ReadFile(dest); err != nil || string(got) != "hello, world\n" {
		t.Errorf("wget with credentials: %q, %v", got, err)
	}
	s.stderr.waitFor(t, regexp.MustCompile(`auth: wrong user name or password" user=eve`), patience)
	for _, secret := range []string{"bad-pw", "s3cret", "hunter2"} {
		if strings.Contains(s.stderr.String(), secret) {
			t.Errorf("the log shows a password %q:\n%s", secret, s.stderr)
		}
	}
}

// TestBinaryAuthUploadOnly: reads stay open, writes need the password.
func TestBinaryAuthUploadOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "hello.txt", []byte("hello\n"))
	s := startBinary(t, nil, "-d", dir, "--upload", "--auth-file", authFile(t), "--auth-upload-only")
	s.stdout.waitFor(t, regexp.MustCompile(`Password protected: uploads need one of 1 user`), patience)
	if out := curlHead(t, s.url+"/hello.txt"); !statusIs(out, "200") {
		t.Errorf("GET without credentials:\n%s", out)
	}
	up := filepath.Join(t.TempDir(), "new.txt")
	writeFile(t, filepath.Dir(up), "new.txt", []byte("new\n"))
	if out := curlHead(t, "-T", up, s.url+"/"); !statusIs(out, "401") {
		t.Errorf("PUT without credentials:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.txt")); err == nil {
		t.Fatal("a refused upload was stored")
	}
	if out := curlHead(t, "-u", "bob:hunter2", "-T", up, s.url+"/"); !statusIs(out, "201") {
		t.Errorf("PUT with credentials:\n%s", out)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "new.txt")); string(got) != "new\n" {
		t.Errorf("stored %q", got)
	}
}

// TestBinaryAuthFileErrors: a bad --auth-file is one line and exit 1,
// alone or beside --auth.
func TestBinaryAuthFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "users")
	if err := os.WriteFile(bad, []byte("ann:plain-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		bad:                           `simplehttp: ` + bad + `, line 1: the password of "ann" is not a bcrypt hash (make one with: htpasswd -nBC 10 ann)`,
		empty:                         `simplehttp: --auth-file "` + empty + `" holds no user`,
		filepath.Join(dir, "missing"): `simplehttp: cannot read --auth-file "` + filepath.Join(dir, "missing") + `": no such file`,
	} {
		for _, more := range [][]string{nil, {"--auth", "bob:pw"}} {
			args := append([]string{"-d", dir, "--auth-file", file, "0"}, more...)
			code, stdout, stderr := runArgs(t, args...)
			if code != exitFailure || stderr != want+"\n" || stdout != "" || strings.Contains(stderr, "plain-password") {
				t.Errorf("%v: exit %d, stderr %q, want %d and %q", args, code, stderr, exitFailure, want)
			}
		}
	}
}

// TestBinaryCORS: a preflight gets 204 and the CORS headers, with --auth
// too (preflights carry no credentials); reads carry Allow-Origin.
func TestBinaryCORS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-q", "-d", f.dir, "--cors", "--auth", "ann:pw")
	out := curlHead(t, "-X", "OPTIONS", "-H", "Origin: https://app.example", "-H", "Access-Control-Request-Method: GET",
		"-H", "Access-Control-Request-Headers: range", s.url+"/hello.txt")
	for _, want := range []string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET, HEAD, OPTIONS",
		"Access-Control-Allow-Headers: range", "Access-Control-Max-Age: 7200"} {
		if !statusIs(out, "204") || !strings.Contains(out, want) {
			t.Errorf("preflight: no %q:\n%s", want, out)
		}
	}
	out = curlHead(t, "-u", "ann:pw", "-H", "Origin: https://app.example", s.url+"/hello.txt")
	if !statusIs(out, "200") || !strings.Contains(out, "Access-Control-Allow-Origin: *") {
		t.Errorf("GET:\n%s", out)
	}
	plain := startBinary(t, nil, "-q", "-d", f.dir)
	if out := curlHead(t, "-H", "Origin: https://app.example", plain.url+"/hello.txt"); strings.Contains(out, "Access-Control") {
		t.Errorf("CORS headers without --cors:\n%s", out)
	}
}

// TestBinaryCacheControl: no-cache by default on files and listings,
// --cache-control overrides, error pages carry none of it.
func TestBinaryCacheControl(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-q", "-d", f.dir)
	for _, path := range []string{"/hello.txt", "/sub/"} {
		if out := curlHead(t, "-I", s.url+path); !strings.Contains(out, "Cache-Control: no-cache\r\n") {
			t.Errorf("HEAD %s:\n%s", path, out)
		}
	}
	if out := curlHead(t, "-I", s.url+"/missing"); strings.Contains(out, "no-cache") {
		t.Errorf("404 with the files' caching:\n%s", out)
	}
	other := startBinary(t, nil, "-q", "-d", f.dir, "--cache-control", "public, max-age=600")
	if out := curlHead(t, "-I", "--compressed", other.url+"/hello.txt"); !strings.Contains(out, "Cache-Control: public, max-age=600\r\n") {
		t.Errorf("--cache-control:\n%s", out)
	}
}

// TestBinarySiteMode: --spa answers unknown paths with index.html and
// 200; 404.html is the 404 page with status 404.
func TestBinarySiteMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "index.html", []byte("<p>the app</p>\n"))
	writeFile(t, dir, "app.js", []byte("js\n"))
	writeFile(t, dir, "404.html", []byte("<p>not here</p>\n"))
	spa := startBinary(t, nil, "-q", "-d", dir, "--spa")
	for path, want := range map[string]string{"/settings/profile": "<p>the app</p>", "/app.js": "js"} {
		if out := curlHead(t, spa.url+path); !statusIs(out, "200") || !strings.Contains(out, want) {
			t.Errorf("--spa GET %s:\n%s", path, out)
		}
	}
	site := startBinary(t, nil, "-q", "-d", dir)
	if out := curlHead(t, site.url+"/settings/profile"); !statusIs(out, "404") || !strings.HasSuffix(out, "<p>not here</p>\n") {
		t.Errorf("404.html:\n%s", out)
	}
}

// TestBinaryVerbose: -v prints the request's and the answer's headers,
// and never a credential or a cookie.
func TestBinaryVerbose(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir, "-v", "--auth", "ann:s3cret")
	curlHead(t, "-u", "ann:s3cret", "-H", "Cookie: session=c00kie", "-H", "X-Note: a\tb\u202ec", "--compressed", s.url+"/hello.txt")
	block := s.stderr.waitFor(t, regexp.MustCompile(`(?s)> GET /hello.txt HTTP/1.1\n.*?\n<\n`), patience)[0]
	for _, want := range []string{"> Host: 127.0.0.1:", "> Authorization: Basic [redacted]\n", "> Cookie: [redacted]\n",
		`> X-Note: a\x09b\u{202e}c`, "< HTTP/1.1 200 OK\n", "< Cache-Control: no-cache\n", "< Content-Type: text/plain; charset=utf-8\n", "< Etag: \""} {
		if !strings.Contains(block, want) {
			t.Errorf("no %q in:\n%s", want, block)
		}
	}
	for _, secret := range []string{"s3cret", "YW5uOnMzY3JldA", "c00kie", "hello, world"} {
		if strings.Contains(s.stderr.String(), secret) {
			t.Errorf("-v shows %q:\n%s", secret, s.stderr)
		}
	}
}
