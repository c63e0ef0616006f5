package dav_test

import (
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/dav"
)

func TestPermissions(t *testing.T) {
	readOnly := "GET, HEAD, OPTIONS, PROPFIND"
	tests := []struct {
		name    string
		opt     dav.Options
		method  string
		target  string
		header  []string
		want    int
		allow   string // the Allow header a 405 carries
		changed string // a name that must (dis)appear when allowed
	}{
		{"no flag: DELETE", dav.Options{}, "DELETE", "/a.txt", nil, 405, readOnly, ""},
		{"no flag: MKCOL", dav.Options{}, "MKCOL", "/new", nil, 405, readOnly, ""},
		{"no flag: PUT", dav.Options{}, "PUT", "/new.txt", nil, 405, readOnly, ""},
		{"no flag: LOCK", dav.Options{}, "LOCK", "/a.txt", nil, 405, readOnly, ""},
		{"no flag: MOVE", dav.Options{}, "MOVE", "/a.txt", []string{"Destination", "/z.txt"}, 405, readOnly, ""},
		{"unknown method", allWrites, "BREW", "/a.txt", nil, 405, "GET, HEAD, OPTIONS, PROPFIND, POST, PUT, MKCOL, COPY, PROPPATCH, DELETE, MOVE, LOCK, UNLOCK", ""},
		{"upload only: DELETE", dav.Options{Upload: true}, "DELETE", "/a.txt", nil, 403, "", ""},
		{"upload only: MOVE", dav.Options{Upload: true}, "MOVE", "/a.txt", []string{"Destination", "/z.txt"}, 403, "", ""},
		{"upload only: COPY over a file", dav.Options{Upload: true}, "COPY", "/a.txt", []string{"Destination", "/b.txt"}, 403, "", ""},
		{"upload only: COPY to a new name", dav.Options{Upload: true}, "COPY", "/a.txt", []string{"Destination", "/z.txt"}, 201, "", "z.txt"},
		{"upload only: MKCOL", dav.Options{Upload: true}, "MKCOL", "/new", nil, 201, "", "new"},
		{"delete only: PUT", dav.Options{Delete: true}, "PUT", "/new.txt", nil, 403, "", ""},
		{"delete only: MKCOL", dav.Options{Delete: true}, "MKCOL", "/new", nil, 403, "", ""},
		{"delete only: DELETE", dav.Options{Delete: true}, "DELETE", "/a.txt", nil, 204, "", "a.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, tt.opt)
			before := tt.changed != "" && s.exists(tt.changed)
			resp, body := s.do(t, tt.method, tt.target, "", tt.header...)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s: %d, want %d\n%s", tt.method, tt.target, resp.StatusCode, tt.want, body)
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow: %q, want %q", got, tt.allow)
			}
			if resp.StatusCode == 403 && !strings.Contains(body, "start it with") {
				t.Errorf("a refusal without its reason: %q", body)
			}
			if tt.changed != "" && s.exists(tt.changed) == before {
				t.Errorf("%s did not change", tt.changed)
			}
			if resp.StatusCode >= 400 && (!s.exists("a.txt") || s.exists("z.txt") || s.exists("new") || s.exists("new.txt")) {
				t.Error("a refused request changed something")
			}
		})
	}
}

func TestOptions(t *testing.T) {
	for _, tt := range []struct {
		opt dav.Options
		dav string
	}{{dav.Options{}, "1"}, {dav.Options{Upload: true}, "1, 2"}, {allWrites, "1, 2"}} {
		s := newSite(t, tt.opt)
		for _, target := range []string{"/", "/a.txt", "/no-such", "/.git/"} {
			resp, _ := s.do(t, "OPTIONS", target, "")
			if resp.StatusCode != 200 || resp.Header.Get("DAV") != tt.dav || resp.Header.Get("MS-Author-Via") != "DAV" {
				t.Errorf("OPTIONS %s: %d DAV %q", target, resp.StatusCode, resp.Header.Get("DAV"))
			}
		}
	}
}

func TestReads(t *testing.T) {
	for method, want := range map[string]bool{"GET": true, "HEAD": true, "OPTIONS": true, "PROPFIND": true,
		"PUT": false, "POST": false, "DELETE": false, "MOVE": false, "COPY": false, "LOCK": false,
		"UNLOCK": false, "PROPPATCH": false, "MKCOL": false, "BREW": false} {
		if dav.Reads(method) != want {
			t.Errorf("Reads(%s) = %v", method, !want)
		}
	}
}

func TestCrossOriginWriteRefused(t *testing.T) {
	s := newSite(t, allWrites)
	resp, _ := s.do(t, "DELETE", "/a.txt", "", "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != 403 || !s.exists("a.txt") {
		t.Fatalf("cross-site DELETE: %d, a.txt exists: %v", resp.StatusCode, s.exists("a.txt"))
	}
}

func TestMoveAndCopySafety(t *testing.T) {
	tests := []struct {
		name, method, target, dest string
		want                       int
	}{
		{"another host", "MOVE", "/a.txt", "http://elsewhere.example/z.txt", 502},
		{"dot-dot climbs no higher than the top", "MOVE", "/a.txt", "/../../z.txt", 201},
		{"encoded dot-dot", "MOVE", "/a.txt", "/%2e%2e/z.txt", 201},
		{"encoded slash", "MOVE", "/a.txt", "/sub%2fz.txt", 400},
		{"a control character", "MOVE", "/a.txt", "/z%0a.txt", 400},
		{"a hidden name", "MOVE", "/a.txt", "/.env", 403},
		{"into a hidden folder", "MOVE", "/a.txt", "/.git/z.txt", 403},
		{"through a link to a hidden folder", "MOVE", "/a.txt", "/hidden-link/z.txt", 403},
		{"through a link out", "MOVE", "/a.txt", "/out/z.txt", 409},
		{"the source itself", "MOVE", "/sub", "/sub/", 403},
		{"inside the source", "MOVE", "/sub", "/sub/deeper", 403},
		{"copy inside the source", "COPY", "/sub", "/sub/copy", 403},
		{"the top", "MOVE", "/", "/elsewhere", 403},
		{"onto the top", "MOVE", "/a.txt", "/", 403},
		{"a hidden source", "MOVE", "/.git", "/git", 404},
		{"no such folder", "MOVE", "/a.txt", "/nowhere/z.txt", 409},
		{"no Destination", "MOVE", "/a.txt", "", 400},
		{"Overwrite: F", "MOVE", "/a.txt", "/b.txt?F", 412},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, allWrites)
			header := []string{"Host", "example.com"}
			dest, noOverwrite := strings.CutSuffix(tt.dest, "?F")
			if dest != "" {
				header = append(header, "Destination", dest)
			}
			if noOverwrite {
				header = append(header, "Overwrite", "F")
			}
			resp, body := s.do(t, tt.method, "http://example.com"+tt.target, "", header...)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s to %q: %d, want %d\n%s", tt.method, tt.target, tt.dest, resp.StatusCode, tt.want, body)
			}
			if tt.want >= 400 {
				if !s.exists("a.txt") || !s.exists("sub/c.txt") || s.exists("z.txt") {
					t.Error("a refused move changed the tree")
				}
				if strings.Contains(body, s.dir) || strings.Contains(body, s.outside) {
					t.Errorf("the answer leaks a path: %s", body)
				}
			}
		})
	}
}

func TestMoveRenamesAndReplaces(t *testing.T) {
	s := newSite(t, allWrites)
	resp, body := s.do(t, "MOVE", "/a.txt", "", "Destination", "/b.txt")
	if resp.StatusCode != 204 || s.exists("a.txt") || s.read(t, "b.txt") != "a\n" {
		t.Fatalf("MOVE over a file: %d %s", resp.StatusCode, body)
	}
	s.do(t, "MKCOL", "/dir", "")
	s.do(t, "PUT", "/dir/d.txt", "d")
	resp, body = s.do(t, "MOVE", "/b.txt", "", "Destination", "/dir/", "Accept", "application/json")
	if resp.StatusCode != 204 || !strings.Contains(body, `"moved /b.txt to /dir"`) || s.read(t, "dir") != "a\n" {
		t.Fatalf("MOVE a file over a folder: %d %s", resp.StatusCode, body)
	}
	resp, body = s.do(t, "MOVE", "/dir", "", "Destination", "/sub/")
	if resp.StatusCode != 403 || !strings.Contains(body, "hidden") || !s.exists("sub/.hidden") || !s.exists("dir") {
		t.Fatalf("MOVE over a folder holding a hidden file: %d %s", resp.StatusCode, body)
	}
}

func TestDelete(t *testing.T) {
	s := newSite(t, allWrites)
	resp, body := s.do(t, "DELETE", "/sub/", "", "Accept", "application/json")
	if resp.StatusCode != 403 || !strings.Contains(body, "hidden") || !s.exists("sub/c.txt") {
		t.Fatalf("DELETE of a folder holding a hidden file: %d %s", resp.StatusCode, body)
	}
	resp, _ = s.do(t, "DELETE", "/.git/config", "")
	if resp.StatusCode != 404 || !s.exists(".git/config") {
		t.Fatalf("DELETE of a hidden file: %d", resp.StatusCode)
	}
	resp, _ = s.do(t, "DELETE", "/hidden-link/config", "")
	if resp.StatusCode != 404 || !s.exists(".git/config") {
		t.Fatalf("DELETE through a link to a hidden folder: %d", resp.StatusCode)
	}
	resp, _ = s.do(t, "DELETE", "/out/secret.txt", "")
	if resp.StatusCode != 404 || !s.exists("../outside/secret.txt") {
		t.Fatalf("DELETE through a link out: %d", resp.StatusCode)
	}
	resp, _ = s.do(t, "DELETE", "/", "")
	if resp.StatusCode != 403 {
		t.Fatalf("DELETE of the top: %d", resp.StatusCode)
	}
	resp, _ = s.do(t, "DELETE", "/out", "")
	if resp.StatusCode != 204 || s.exists("out") || !s.exists("../outside/secret.txt") {
		t.Fatalf("DELETE of a link deletes the link only: %d", resp.StatusCode)
	}
	resp, body = s.do(t, "DELETE", "/no-such", "", "Accept", "application/json")
	if resp.StatusCode != 404 || !strings.Contains(body, `"status":404`) {
		t.Fatalf("DELETE of nothing: %d %s", resp.StatusCode, body)
	}

	dotfiles := newSite(t, dav.Options{Delete: true, Dotfiles: true})
	resp, _ = dotfiles.do(t, "DELETE", "/sub", "")
	if resp.StatusCode != 204 || dotfiles.exists("sub") {
		t.Fatalf("DELETE of a folder with --dotfiles: %d", resp.StatusCode)
	}
}

func TestPropfindDepth(t *testing.T) {
	s := newSite(t, dav.Options{})
	for _, depth := range []string{"", "infinity"} {
		resp, body := s.do(t, "PROPFIND", "/", "", "Depth", depth)
		if resp.StatusCode != 403 || !strings.Contains(body, "propfind-finite-depth") {
			t.Errorf("PROPFIND Depth %q: %d %s", depth, resp.StatusCode, body)
		}
	}
	resp, _ := s.do(t, "PROPFIND", "/", "", "Depth", "2")
	if resp.StatusCode != 400 {
		t.Errorf("PROPFIND Depth 2: %d", resp.StatusCode)
	}
}

func TestPropfindHidesWhatReadsHide(t *testing.T) {
	s := newSite(t, dav.Options{})
	resp, body := s.do(t, "PROPFIND", "/", "", "Depth", "1")
	if resp.StatusCode != 207 {
		t.Fatalf("PROPFIND: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{"<D:href>/a.txt</D:href>", "<D:href>/sub/</D:href>", "<D:href>/inside.txt</D:href>"} {
		if !strings.Contains(body, want) {
			t.Errorf("PROPFIND lacks %s", want)
		}
	}
	for _, leak := range []string{".git", "hidden-link", "/out", "secret"} {
		if strings.Contains(body, leak) {
			t.Errorf("PROPFIND shows %q:\n%s", leak, body)
		}
	}
	for _, target := range []string{"/.git/", "/hidden-link/", "/out/", "/sub/.hidden"} {
		if resp, _ := s.do(t, "PROPFIND", target, "", "Depth", "0"); resp.StatusCode != 404 {
			t.Errorf("PROPFIND %s: %d, want 404", target, resp.StatusCode)
		}
	}
	dotfiles := newSite(t, dav.Options{Dotfiles: true})
	if _, body := dotfiles.do(t, "PROPFIND", "/", "", "Depth", "1"); !strings.Contains(body, "/.git/") {
		t.Error("PROPFIND with Dotfiles does not list .git")
	}
}

func TestPropfindETagAndTypeAreGETs(t *testing.T) {
	s := newSite(t, dav.Options{})
	get, _ := s.do(t, "GET", "/a.txt", "")
	_, body := s.do(t, "PROPFIND", "/", "", "Depth", "1")
	etag := get.Header.Get("ETag")
	if etag == "" || !strings.Contains(body, "<D:getetag>"+strings.ReplaceAll(etag, `"`, "&#34;")+"</D:getetag>") &&
		!strings.Contains(body, "<D:getetag>"+etag+"</D:getetag>") {
		t.Errorf("GET's ETag %s is not in the PROPFIND:\n%s", etag, body)
	}
	if !strings.Contains(body, "<D:getcontenttype>text/plain; charset=utf-8</D:getcontenttype>") {
		t.Errorf("no content type from the extension:\n%s", body)
	}
}

func TestBodyBounds(t *testing.T) {
	s := newSite(t, allWrites)
	deep := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>` + strings.Repeat("<x>", 40) + strings.Repeat("</x>", 40) + `</D:prop></D:propfind>`
	resp, _ := s.do(t, "PROPFIND", "/", deep, "Depth", "0")
	if resp.StatusCode != 400 {
		t.Errorf("PROPFIND of XML 40 deep: %d, want 400", resp.StatusCode)
	}
	huge := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>` + strings.Repeat("<D:x/>", 200000) + `</D:prop></D:propfind>`
	resp, _ = s.do(t, "PROPFIND", "/", huge, "Depth", "0")
	if resp.StatusCode != 413 {
		t.Errorf("PROPFIND of 1.2 MB: %d, want 413", resp.StatusCode)
	}
	resp, _ = s.do(t, "PROPPATCH", "/a.txt", "<not xml", "Depth", "0")
	if resp.StatusCode != 400 {
		t.Errorf("PROPPATCH of bad XML: %d, want 400", resp.StatusCode)
	}
}

func TestDeadPropertiesFollowMoves(t *testing.T) {
	s := newSite(t, allWrites)
	patch := `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop><Z:color>blue</Z:color></D:prop></D:set></D:propertyupdate>`
	resp, body := s.do(t, "PROPPATCH", "/a.txt", patch)
	if resp.StatusCode != 207 || !strings.Contains(body, "200 OK") {
		t.Fatalf("PROPPATCH: %d %s", resp.StatusCode, body)
	}
	if entries, _ := readDirNames(s.dir); strings.Contains(strings.Join(entries, " "), "prop") {
		t.Errorf("dead properties left a file in the tree: %v", entries)
	}
	s.do(t, "MOVE", "/a.txt", "", "Destination", "/moved.txt")
	s.do(t, "COPY", "/moved.txt", "", "Destination", "/copied.txt")
	for _, target := range []string{"/moved.txt", "/copied.txt"} {
		_, body = s.do(t, "PROPFIND", target, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><Z:color xmlns:Z="urn:z"/></D:prop></D:propfind>`, "Depth", "0")
		if !strings.Contains(body, "blue") {
			t.Errorf("%s lost its property:\n%s", target, body)
		}
	}
}

func TestLocks(t *testing.T) {
	s := newSite(t, allWrites)
	tok := s.lock(t, "/a.txt", "exclusive", "0")
	if resp, _ := s.do(t, "LOCK", "/a.txt", lockBody("shared"), "Depth", "0"); resp.StatusCode != 423 {
		t.Errorf("a shared lock on an exclusively locked file: %d", resp.StatusCode)
	}
	if resp, _ := s.do(t, "DELETE", "/a.txt", ""); resp.StatusCode != 423 || !s.exists("a.txt") {
		t.Errorf("DELETE without the token: %d", resp.StatusCode)
	}
	if resp, _ := s.do(t, "PUT", "/a.txt", "x", "If", "(<"+tok+">)"); resp.StatusCode/100 != 2 {
		t.Errorf("PUT with the token: %d", resp.StatusCode)
	}
	// The lock times out.
	s.clock.advance(61 * time.Second)
	if resp, _ := s.do(t, "PUT", "/a.txt", "y"); resp.StatusCode/100 != 2 {
		t.Errorf("PUT once the lock timed out: %d", resp.StatusCode)
	}

	one := s.lock(t, "/b.txt", "shared", "0")
	two := s.lock(t, "/b.txt", "shared", "0")
	if resp, _ := s.do(t, "PUT", "/b.txt", "x"); resp.StatusCode != 423 {
		t.Errorf("PUT of a shared-locked file without a token: %d", resp.StatusCode)
	}
	if resp, _ := s.do(t, "PUT", "/b.txt", "x", "If", "(<"+two+">)"); resp.StatusCode/100 != 2 {
		t.Errorf("PUT with one of two shared tokens: %d", resp.StatusCode)
	}
	_, body := s.do(t, "PROPFIND", "/b.txt", `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/></D:prop></D:propfind>`, "Depth", "0")
	if !strings.Contains(body, one) || !strings.Contains(body, two) || !strings.Contains(body, "<D:shared/>") {
		t.Errorf("lockdiscovery lacks the shared locks:\n%s", body)
	}
	if resp, _ := s.do(t, "UNLOCK", "/b.txt", "", "Lock-Token", "<urn:uuid:nothing>"); resp.StatusCode != 409 {
		t.Errorf("UNLOCK of no lock: %d", resp.StatusCode)
	}

	coll := s.lock(t, "/sub/", "exclusive", "infinity")
	if resp, _ := s.do(t, "MOVE", "/b.txt", "", "Destination", "/sub/b.txt", "If", "(<"+one+">)"); resp.StatusCode != 423 {
		t.Errorf("MOVE into a locked folder without its token: %d", resp.StatusCode)
	}
	if resp, _ := s.do(t, "PUT", "/sub/new.txt", "x", "If", "(<"+coll+">)"); resp.StatusCode/100 != 2 {
		t.Errorf("PUT into a locked folder with its token: %d", resp.StatusCode)
	}
	if resp, _ := s.do(t, "PUT", "/a.txt", "x", "If", "(<"+coll+">)"); resp.StatusCode != 412 {
		t.Errorf("PUT naming a lock that does not cover it: %d", resp.StatusCode)
	}
}

func TestLockCountIsBounded(t *testing.T) {
	s := newSite(t, allWrites)
	dav.SetMaxLocks(s.h.(*dav.Handler), 100)
	for i := range 100 {
		if resp, body := s.do(t, "LOCK", "/a.txt", lockBody("shared"), "Depth", "0"); resp.StatusCode != 200 {
			t.Fatalf("lock %d: %d %s", i, resp.StatusCode, body)
		}
	}
	if resp, _ := s.do(t, "LOCK", "/b.txt", lockBody("exclusive"), "Depth", "0"); resp.StatusCode != 503 {
		t.Errorf("lock 101: %d, want 503", resp.StatusCode)
	}
	s.clock.advance(time.Hour)
	if resp, _ := s.do(t, "LOCK", "/b.txt", lockBody("exclusive"), "Depth", "0"); resp.StatusCode != 200 {
		t.Errorf("a lock once the others timed out: %d, want 200", resp.StatusCode)
	}
}

func TestFinderMetadataIsDiscarded(t *testing.T) {
	s := newSite(t, allWrites)
	for _, name := range []string{"/._a.txt", "/sub/.DS_Store", "/._new"} {
		if resp, _ := s.do(t, "PUT", name, "resource fork"); resp.StatusCode != 201 {
			t.Errorf("PUT %s: %d, want 201", name, resp.StatusCode)
		}
		if s.exists(name[1:]) {
			t.Errorf("PUT %s stored it", name)
		}
	}
	s.lock(t, "/._b.txt", "exclusive", "0")
	if s.exists("._b.txt") {
		t.Error("LOCK of Finder's file made it")
	}
	if resp, _ := s.do(t, "DELETE", "/._a.txt", ""); resp.StatusCode != 204 {
		t.Errorf("DELETE of Finder's file: %d", resp.StatusCode)
	}
	if _, body := s.do(t, "PROPFIND", "/", "", "Depth", "1"); strings.Contains(body, "._") || strings.Contains(body, "DS_Store") {
		t.Errorf("PROPFIND lists Finder's files:\n%s", body)
	}
	if resp, _ := s.do(t, "PUT", "/.env", "x"); resp.StatusCode != 403 || s.exists(".env") {
		t.Errorf("PUT of another hidden name: %d", resp.StatusCode)
	}

	dotfiles := newSite(t, dav.Options{Upload: true, Dotfiles: true})
	if resp, _ := dotfiles.do(t, "PUT", "/._a.txt", "fork"); resp.StatusCode != 201 || dotfiles.read(t, "._a.txt") != "fork" {
		t.Errorf("PUT of ._a.txt with Dotfiles: %d", resp.StatusCode)
	}
}

// TestEntryPage: GET ?do=entry&name=… of a folder is the entry's page of
// forms with --delete, for an entry that exists and is not hidden; else
// a 404, or, without --delete, the folder's listing as before.
func TestEntryPage(t *testing.T) {
	s := newSite(t, allWrites)
	resp, body := s.do(t, "GET", "/?do=entry&name=a.txt", "")
	if resp.StatusCode != 200 || !strings.Contains(body, `action="./?do=rename"`) || !strings.Contains(body, `value="a.txt"`) ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") || strings.Contains(body, "<script") {
		t.Errorf("the page of a.txt: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	if resp, body := s.do(t, "HEAD", "/sub/?do=entry&name=c.txt", ""); resp.StatusCode != 200 || body != "" || resp.ContentLength <= 0 {
		t.Errorf("HEAD of c.txt's page: %d %d %q", resp.StatusCode, resp.ContentLength, body)
	}
	for _, target := range []string{"/?do=entry&name=.git", "/?do=entry&name=nope", "/?do=entry&name=..", "/.git/?do=entry&name=config", "/a.txt?do=entry&name=a.txt"} {
		if resp, _ := s.do(t, "GET", target, ""); resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("GET %s: %d, want 404 or 400", target, resp.StatusCode)
		}
	}
	uploadOnly := newSite(t, dav.Options{Upload: true})
	if _, body := uploadOnly.do(t, "GET", "/?do=entry&name=a.txt", ""); !strings.Contains(body, "Directory listing for") {
		t.Errorf("without --delete, ?do=entry is not the listing:\n%s", body)
	}
}
