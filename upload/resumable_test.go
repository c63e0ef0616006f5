package upload_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/upload"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// resumableSite is a site with resumable uploads on, their parts in a
// folder outside the served one.
func resumableSite(t *testing.T, opt upload.Options, popt *parts.Options) (*site, string) {
	t.Helper()
	partsDir := filepath.Join(t.TempDir(), "parts")
	store, err := parts.Open(partsDir, popt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	opt.Resumable = store
	return newSite(t, opt), partsDir
}

// tus sends a request of the tus protocol (Tus-Resumable: 1.0.0) with the
// header pairs given.
func (s *site) tus(t *testing.T, method, target, body string, header ...string) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Tus-Resumable", "1.0.0")
	if method == http.MethodPatch || (method == http.MethodPost && body != "") {
		r.Header.Set("Content-Type", "application/offset+octet-stream")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return s.do(t, r)
}

// create starts a tus upload of name into folder (a URL path ending in
// "/") of length n and returns its URL.
func (s *site) create(t *testing.T, folder, name string, n int, header ...string) string {
	t.Helper()
	hdr := append([]string{"Upload-Length", strconv.Itoa(n), "Upload-Metadata", "filename " + b64(name)}, header...)
	resp, body := s.tus(t, http.MethodPost, folder, "", hdr...)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating %s%s: %d %q", folder, name, resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "./") {
		t.Fatalf("Location %q is not relative to the folder", loc)
	}
	return folder + loc[len("./"):]
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// sha256Header is the Upload-Checksum of data.
func sha256Header(data string) string {
	sum := sha256.Sum256([]byte(data))
	return "sha256 " + base64.StdEncoding.EncodeToString(sum[:])
}

var uploadURL = regexp.MustCompile(`^\./new\.txt\?upload=[0-9a-f]{32}$`)

// TestTusUpload creates an upload, sends it in two chunks, and checks
// at each step that nothing is visible in the served tree until the file
// takes its name whole, then that the upload reports itself finished.
func TestTusUpload(t *testing.T) {
	s, partsDir := resumableSite(t, upload.Options{}, nil)
	before := tree(t, s.dir)

	resp, body := s.tus(t, http.MethodPost, "/sub/", "", "Upload-Length", "11", "Upload-Metadata", "filename "+b64("new.txt")+",filetype "+b64("text/plain"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d %q", resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); !uploadURL.MatchString(loc) {
		t.Errorf("Location %q", loc)
	}
	if resp.Header.Get("Tus-Resumable") != "1.0.0" {
		t.Errorf("no Tus-Resumable in the answer: %v", resp.Header)
	}
	expires, err := http.ParseTime(resp.Header.Get("Upload-Expires"))
	if err != nil || expires.Before(time.Now().Add(23*time.Hour)) {
		t.Errorf("Upload-Expires %q: want a day from now", resp.Header.Get("Upload-Expires"))
	}
	target := "/sub/" + resp.Header.Get("Location")[len("./"):]

	resp, body = s.tus(t, http.MethodPatch, target, "hello ", "Upload-Offset", "0")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != "6" {
		t.Fatalf("first PATCH: %d %q, offset %q", resp.StatusCode, body, resp.Header.Get("Upload-Offset"))
	}
	if resp.Header.Get("Upload-Expires") == "" {
		t.Error("a PATCH answer without Upload-Expires")
	}
	if got := tree(t, s.dir); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Errorf("the served tree changed before the upload ended: %q", got)
	}
	if resp, _ := s.do(t, httptest.NewRequest(http.MethodGet, "/sub/new.txt", nil)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET of the unfinished file: %d, want 404", resp.StatusCode)
	}
	resp, _ = s.tus(t, http.MethodHead, target, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Upload-Offset") != "6" || resp.Header.Get("Upload-Length") != "11" ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("HEAD: %d, headers %v", resp.StatusCode, resp.Header)
	}

	resp, body = s.tus(t, http.MethodPatch, target, "world", "Upload-Offset", "6", "Upload-Checksum", sha256Header("world"))
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != "11" {
		t.Fatalf("last PATCH: %d %q", resp.StatusCode, body)
	}
	if got := s.read(t, "sub/new.txt"); got != "hello world" {
		t.Errorf("the file holds %q", got)
	}
	resp, _ = s.tus(t, http.MethodHead, target, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Upload-Offset") != "11" || resp.Header.Get("Upload-Expires") != "" {
		t.Errorf("HEAD of the finished upload: %d, headers %v", resp.StatusCode, resp.Header)
	}
	resp, _ = s.tus(t, http.MethodPatch, target, "", "Upload-Offset", "11")
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("an empty PATCH at the end of a finished upload: %d, want 204", resp.StatusCode)
	}
	if parts := tree(t, partsDir); len(parts) != 1 || !strings.HasSuffix(parts[0], ".info") {
		t.Errorf("left in the parts folder: %q, want the finished upload's record only", parts)
	}
	resp, _ = s.tus(t, http.MethodDelete, target, "")
	if resp.StatusCode != http.StatusNoContent || s.read(t, "sub/new.txt") != "hello world" {
		t.Errorf("DELETE of a finished upload: %d, and the file holds %q: the file must stay", resp.StatusCode, s.read(t, "sub/new.txt"))
	}
	checkNoTemp(t, s.dir)
}

// TestTusRefusals are the answers to requests that break a rule, each
// checked to change nothing in the served tree.
func TestTusRefusals(t *testing.T) {
	create := func(name string, n int, extra ...string) []string {
		return append([]string{"Upload-Length", strconv.Itoa(n), "Upload-Metadata", "filename " + b64(name)}, extra...)
	}
	for _, tc := range []struct {
		name   string
		opt    upload.Options
		method string
		target string // "" for the upload's URL made by a creation of new.txt (11 bytes) in /sub/
		body   string
		header []string
		code   int
		says   string // in the body
	}{
		{name: "exists", method: "POST", target: "/", header: create("a.txt", 3), code: 409, says: "exists"},
		{name: "a folder exists", opt: upload.Options{Overwrite: true}, method: "POST", target: "/", header: create("sub", 3), code: 409},
		{name: "no name", method: "POST", target: "/sub/", header: []string{"Upload-Length", "3"}, code: 400, says: "filename"},
		{name: "bad name", method: "POST", target: "/sub/", header: create("../x", 3), code: 400},
		{name: "control character", method: "POST", target: "/sub/", header: create("a\nb", 3), code: 400},
		{name: "hidden name", method: "POST", target: "/sub/", header: create(".env", 3), code: 403},
		{name: "hidden folder", method: "POST", target: "/.git/", header: create("x", 3), code: 404},
		{name: "folder outside", method: "POST", target: "/out/", header: create("x", 3), code: 404},
		{name: "no such folder", method: "POST", target: "/missing/", header: create("x", 3), code: 404},
		{name: "bad folder", method: "POST", target: "/%2e%2e/", header: create("x", 3), code: 400},
		{name: "too large", opt: upload.Options{MaxSize: 10}, method: "POST", target: "/sub/", header: create("x", 11), code: 413, says: "10 B"},
		{name: "no length", method: "POST", target: "/sub/", header: []string{"Upload-Metadata", "filename " + b64("x")}, code: 400},
		{name: "deferred length", method: "POST", target: "/sub/", header: []string{"Upload-Defer-Length", "1", "Upload-Metadata", "filename " + b64("x")}, code: 501},
		{name: "another version", method: "POST", target: "/sub/", header: append(create("x", 3), "Tus-Resumable", "0.2.2"), code: 412},
		{name: "cross-site", method: "POST", target: "/sub/", header: append(create("x", 3), "Sec-Fetch-Site", "cross-site"), code: 403},
		{name: "wrong offset", method: "PATCH", body: "abc", header: []string{"Upload-Offset", "3"}, code: 409},
		{name: "no offset", method: "PATCH", body: "abc", code: 400},
		{name: "beyond the length", method: "PATCH", body: "hello world!", header: []string{"Upload-Offset", "0"}, code: 413},
		{name: "wrong checksum", method: "PATCH", body: "hello", header: []string{"Upload-Offset", "0", "Upload-Checksum", sha256Header("jello")}, code: 460, says: "SHA-256"},
		{name: "other algorithm", method: "PATCH", body: "hello", header: []string{"Upload-Offset", "0", "Upload-Checksum", "md5 XUFAKrxLKna5cZ2REBfFkg=="}, code: 400},
		{name: "malformed checksum", method: "PATCH", body: "hello", header: []string{"Upload-Offset", "0", "Upload-Checksum", "sha256 !!"}, code: 400},
		{name: "wrong content type", method: "PATCH", body: "hello", header: []string{"Upload-Offset", "0", "Content-Type", "text/plain"}, code: 400},
		{name: "PATCH cross-site", method: "PATCH", body: "hello", header: []string{"Upload-Offset", "0", "Sec-Fetch-Site", "cross-site"}, code: 403},
		{name: "unknown upload", method: "HEAD", target: "/sub/new.txt?upload=0123456789abcdef0123456789abcdef", code: 404},
		{name: "not an ID", method: "PATCH", target: "/sub/new.txt?upload=../../etc/passwd", body: "x", header: []string{"Upload-Offset", "0"}, code: 404},
		{name: "another name", method: "HEAD", target: "/sub/other.txt?upload=", code: 404},
		{name: "another folder", method: "HEAD", target: "/new.txt?upload=", code: 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := resumableSite(t, tc.opt, nil)
			target := tc.target
			if target == "" || strings.HasSuffix(target, "?upload=") {
				u := s.create(t, "/sub/", "new.txt", 11)
				id := u[strings.Index(u, "=")+1:]
				target = strings.Replace(target, "?upload=", "?upload="+id, 1)
				if target == "" {
					target = u
				}
			}
			before := tree(t, s.dir)
			resp, body := s.tus(t, tc.method, target, tc.body, tc.header...)
			if resp.StatusCode != tc.code || !strings.Contains(body, tc.says) {
				t.Errorf("%s %s: %d %q, want %d saying %q", tc.method, target, resp.StatusCode, body, tc.code, tc.says)
			}
			if got := tree(t, s.dir); strings.Join(got, " ") != strings.Join(before, " ") {
				t.Errorf("the served tree changed: %q, was %q", got, before)
			}
			if strings.Contains(body, s.dir) || strings.Contains(body, os.TempDir()) {
				t.Errorf("the answer shows a file-system path: %q", body)
			}
		})
	}
}

// TestTusChecksumKeepsNothing sends a chunk whose checksum is wrong: the
// offset stays where it was, and the right chunk is then taken.
func TestTusChecksumKeepsNothing(t *testing.T) {
	s, _ := resumableSite(t, upload.Options{}, nil)
	u := s.create(t, "/", "new.txt", 5)
	resp, _ := s.tus(t, http.MethodPatch, u, "hellO", "Upload-Offset", "0", "Upload-Checksum", sha256Header("hello"))
	if resp.StatusCode != 460 {
		t.Fatalf("wrong checksum: %d, want 460", resp.StatusCode)
	}
	if resp, _ := s.tus(t, http.MethodHead, u, ""); resp.Header.Get("Upload-Offset") != "0" {
		t.Errorf("offset after a refused chunk: %q, want 0", resp.Header.Get("Upload-Offset"))
	}
	resp, body := s.tus(t, http.MethodPatch, u, "hello", "Upload-Offset", "0", "Upload-Checksum", sha256Header("hello"))
	if resp.StatusCode != http.StatusNoContent || s.read(t, "new.txt") != "hello" {
		t.Errorf("the right chunk: %d %q, file %q", resp.StatusCode, body, s.read(t, "new.txt"))
	}
}

// TestTusCreationWithUpload sends the whole file with the creation, and
// an empty file with none.
func TestTusCreationWithUpload(t *testing.T) {
	s, _ := resumableSite(t, upload.Options{}, nil)
	resp, body := s.tus(t, http.MethodPost, "/sub", "all of it", "Upload-Length", "9", "Upload-Metadata", "filename "+b64("whole.txt"))
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Upload-Offset") != "9" {
		t.Fatalf("POST with the body: %d %q", resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "./sub/whole.txt?upload=") {
		t.Errorf("Location %q, want it relative to /sub (the folder ./sub/)", loc)
	}
	if got := s.read(t, "sub/whole.txt"); got != "all of it" {
		t.Errorf("the file holds %q", got)
	}
	resp, body = s.tus(t, http.MethodPost, "/", "", "Upload-Length", "0", "Upload-Metadata", "filename "+b64("empty.txt"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST of an empty file: %d %q", resp.StatusCode, body)
	}
	if info, err := os.Stat(filepath.Join(s.dir, "empty.txt")); err != nil || info.Size() != 0 {
		t.Errorf("the empty file: %v", err)
	}
}

// TestTusNameTakenMeanwhile completes an upload whose name a plain PUT
// took while it ran: 409, the other file kept, the upload given up.
func TestTusNameTakenMeanwhile(t *testing.T) {
	s, partsDir := resumableSite(t, upload.Options{}, nil)
	u := s.create(t, "/", "new.txt", 5)
	if resp, body := s.put(t, "/new.txt", "first"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %d %q", resp.StatusCode, body)
	}
	resp, body := s.tus(t, http.MethodPatch, u, "later", "Upload-Offset", "0")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "appeared while it was uploaded") {
		t.Errorf("completion over a new file: %d %q, want 409", resp.StatusCode, body)
	}
	if got := s.read(t, "new.txt"); got != "first" {
		t.Errorf("the file that came first holds %q", got)
	}
	if left := tree(t, partsDir); len(left) != 0 {
		t.Errorf("the refused upload left %q", left)
	}
	if resp, _ := s.tus(t, http.MethodHead, u, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD of the refused upload: %d, want 404", resp.StatusCode)
	}
}

// TestTusOverwrite replaces a file with --overwrite, at completion.
func TestTusOverwrite(t *testing.T) {
	s, _ := resumableSite(t, upload.Options{Overwrite: true}, nil)
	u := s.create(t, "/", "a.txt", 3)
	if resp, body := s.tus(t, http.MethodPatch, u, "new", "Upload-Offset", "0"); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH: %d %q", resp.StatusCode, body)
	}
	if got := s.read(t, "a.txt"); got != "new" {
		t.Errorf("a.txt holds %q", got)
	}
}

// TestTusTermination gives an unfinished upload up: its parts go, and
// it is unknown from then on.
func TestTusTermination(t *testing.T) {
	s, partsDir := resumableSite(t, upload.Options{}, nil)
	u := s.create(t, "/", "new.txt", 10)
	s.tus(t, http.MethodPatch, u, "hello", "Upload-Offset", "0")
	if resp, body := s.tus(t, http.MethodDelete, u, ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %q", resp.StatusCode, body)
	}
	if left := tree(t, partsDir); len(left) != 0 {
		t.Errorf("the parts folder holds %q", left)
	}
	for _, m := range []string{http.MethodHead, http.MethodPatch, http.MethodDelete} {
		if resp, _ := s.tus(t, m, u, "", "Upload-Offset", "5"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s after DELETE: %d, want 404", m, resp.StatusCode)
		}
	}
}

// TestTusExpiry lets an upload go quiet past its expiry: 410 while its
// parts are there, then a sweep removes them and it is 404.
func TestTusExpiry(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	s, partsDir := resumableSite(t, upload.Options{}, &parts.Options{Expiry: time.Hour, Now: clock})
	u := s.create(t, "/", "new.txt", 10)
	now = now.Add(59 * time.Minute)
	if resp, _ := s.tus(t, http.MethodHead, u, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD before the expiry: %d", resp.StatusCode)
	}
	now = now.Add(2 * time.Minute)
	resp, body := s.tus(t, http.MethodPatch, u, "hello", "Upload-Offset", "0")
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "expired") {
		t.Errorf("PATCH after the expiry: %d %q, want 410", resp.StatusCode, body)
	}
	store, err := parts.Open(partsDir, &parts.Options{Expiry: time.Hour, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if left := tree(t, partsDir); len(left) != 0 {
		t.Errorf("opening the store left the expired upload: %q", left)
	}
	if resp, _ := s.tus(t, http.MethodHead, u, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD once swept: %d, want 404", resp.StatusCode)
	}
}

// TestTusRestart resumes an upload through a new handler over the same
// folder of parts, as after a restart of the server.
func TestTusRestart(t *testing.T) {
	s, partsDir := resumableSite(t, upload.Options{}, nil)
	u := s.create(t, "/", "new.txt", 10)
	s.tus(t, http.MethodPatch, u, "hello", "Upload-Offset", "0")

	store, err := parts.Open(partsDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	s.h = upload.New(root, fileserve.NewRoot(root, nil), &upload.Options{Resumable: store})
	resp, _ := s.tus(t, http.MethodHead, u, "")
	if resp.Header.Get("Upload-Offset") != "5" {
		t.Fatalf("offset after the restart: %q, want 5", resp.Header.Get("Upload-Offset"))
	}
	if resp, body := s.tus(t, http.MethodPatch, u, "world", "Upload-Offset", "5"); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH after the restart: %d %q", resp.StatusCode, body)
	}
	if got := s.read(t, "new.txt"); got != "helloworld" {
		t.Errorf("the file holds %q", got)
	}
}

// TestTusDiskBound refuses an upload that the bound on unfinished
// uploads leaves no room for, with 507, before a byte of it is sent.
func TestTusDiskBound(t *testing.T) {
	s, _ := resumableSite(t, upload.Options{}, &parts.Options{MaxBytes: 100})
	s.create(t, "/", "a.bin", 60)
	resp, body := s.tus(t, http.MethodPost, "/", "", "Upload-Length", "41", "Upload-Metadata", "filename "+b64("b.bin"))
	if resp.StatusCode != http.StatusInsufficientStorage || !strings.Contains(body, "no room") {
		t.Errorf("an upload past the bound: %d %q, want 507", resp.StatusCode, body)
	}
	s.create(t, "/", "c.bin", 40)
}

// TestTusOptions answers tus's discovery, with the extensions and the
// size limit.
func TestTusOptions(t *testing.T) {
	s, _ := resumableSite(t, upload.Options{MaxSize: 1000}, nil)
	resp, _ := s.do(t, httptest.NewRequest(http.MethodOptions, "/sub/", nil))
	for k, v := range map[string]string{
		"Tus-Version":            "1.0.0",
		"Tus-Extension":          "creation,creation-with-upload,termination,expiration,checksum",
		"Tus-Checksum-Algorithm": "sha256",
		"Tus-Max-Size":           "1000",
		"Allow":                  upload.AllowedMethods,
	} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

// TestIETFDraft speaks the IETF draft: a PUT of a file in two parts,
// the first cut short as a dropped connection leaves it, then a POST of
// a whole file named by Content-Disposition.
func TestIETFDraft(t *testing.T) {
	s, _ := resumableSite(t, upload.Options{}, nil)
	srv := httptest.NewServer(s.h) // a recorder takes the 104 for the answer
	defer srv.Close()
	draft := func(method, target, body string, header ...string) (*http.Response, string) {
		r, err := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Upload-Draft-Interop-Version", "6")
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := draft(http.MethodPut, "/sub/draft.txt", "hello ", "Upload-Complete", "?0", "Upload-Length", "11")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %d %q", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "./draft.txt?upload=") {
		t.Fatalf("Location %q", loc)
	}
	target := "/sub/" + loc[len("./"):]
	resp, _ = draft(http.MethodHead, target, "")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != "6" || resp.Header.Get("Upload-Complete") != "?0" {
		t.Errorf("HEAD: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = draft(http.MethodPatch, target, "world", "Upload-Offset", "6", "Upload-Complete", "?1", "Content-Type", "application/partial-upload")
	if resp.StatusCode != http.StatusNoContent || s.read(t, "sub/draft.txt") != "hello world" {
		t.Errorf("PATCH: %d %q, file %q", resp.StatusCode, body, s.read(t, "sub/draft.txt"))
	}
	resp, body = draft(http.MethodPost, "/sub/", "whole", "Upload-Complete", "?1", "Content-Disposition", `attachment; filename="posted.txt"`)
	if resp.StatusCode != http.StatusCreated || s.read(t, "sub/posted.txt") != "whole" {
		t.Errorf("POST: %d %q, file %q", resp.StatusCode, body, s.read(t, "sub/posted.txt"))
	}
	resp, _ = draft(http.MethodPut, "/a.txt", "x", "Upload-Complete", "?1")
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("PUT of an existing name: %d, want 409", resp.StatusCode)
	}
}
