package dav_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/dav"
)

// propfindBodies are PROPFIND bodies of every kind, well-formed and not.
var propfindBodies = []string{
	"",
	`<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>`,
	rclonePropfind,
	`<D:propfind xmlns:D="DAV:"><D:prop><Z:color xmlns:Z="urn:z"/><Z:missing xmlns:Z="urn:z"/><D:creationdate/><D:getcontentlength/><D:lockdiscovery/><D:supportedlock/></D:prop></D:propfind>`,
	`<propfind xmlns="DAV:"><prop><getetag/><foo xmlns=""/><D:x xmlns:D="DAV:"/></prop></propfind>`,
	`<!-- c --><D:propfind xmlns:D="DAV:"><D:prop><!-- c --><D:getetag><!-- c --></D:getetag></D:prop></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:foo><bar/></D:foo><D:propname/></D:propfind>`,
	`<D:propfind xmlns:D="DAV:">text<D:prop>text<D:getetag/></D:prop><D:prop><D:displayname/></D:prop></D:propfind>`,
	`<D:propfind xmlns:D="DAV:" xmlns:Z="urn:z"><D:prop><Z:lang/></D:prop></D:propfind>`,
	// Refused, 400:
	"  ",
	`<x/>`,
	`<D:propfind xmlns:D="DAV:"/>`,
	`<D:propfind xmlns:D="DAV:"><D:prop/></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:allprop/><D:propname/></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:allprop/><D:prop><D:getetag/></D:prop></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:propname/><D:prop><D:getetag/></D:prop></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:include><D:getetag/></D:include></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:allprop/><D:include/></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag>x</D:getetag></D:prop></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag> </D:getetag></D:prop></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag><D:x/></D:getetag></D:prop></D:propfind>`,
	`<D:propfind xmlns:D="DAV:"><D:prop><:x/></D:prop></D:propfind>`,
}

// propfindSite is a site whose entries have dead properties (a.txt, the
// folder sub), a lock (b.txt), a name that needs escaping and a file
// whose extension names no type.
func propfindSite(t testing.TB, opt dav.Options) *site {
	t.Helper()
	s := newSite(t, opt)
	writeFile(t, filepath.Join(s.dir, "we ird&<ü.md"), "x")
	writeFile(t, filepath.Join(s.dir, "noext"), "\x00\x01")
	if !opt.Upload {
		return s
	}
	for target, value := range map[string]string{"/a.txt": "blue", "/sub": `<Z:b xmlns:Z="urn:z">bold</Z:b> &amp; more`} {
		patch := `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop>` +
			`<Z:color>` + value + `</Z:color><Z:lang xml:lang="fr">bleu</Z:lang><D:dead>d</D:dead></D:prop></D:set></D:propertyupdate>`
		if resp, body := s.do(t, "PROPPATCH", target, patch); resp.StatusCode != 207 || !strings.Contains(body, "200 OK") {
			t.Fatalf("PROPPATCH %s: %d %s", target, resp.StatusCode, body)
		}
	}
	s.lock(t, "/b.txt", "shared", "0")
	return s
}

// TestPropfindMatchesLibrary compares the handler's PROPFIND with
// x/net/webdav's over the same files, for every kind of body, both
// depths, folders and files: the same status, and the same responses
// with the same properties and values once parsed. The library's
// DAV:supportedlock names exclusive locks only; the values of that one
// are compared by TestSupportedLock.
func TestPropfindMatchesLibrary(t *testing.T) {
	s := propfindSite(t, allWrites)
	lib := dav.Library(s.h.(*dav.Handler))
	for _, body := range propfindBodies {
		for _, target := range []string{"/", "/sub/", "/a.txt", "/inside.txt", "/noext", "/.git/", "/nope"} {
			for _, depth := range []string{"0", "1"} {
				comparePropfind(t, s.h, lib, target, depth, body)
			}
		}
	}
}

// An allprop's DAV:include names more properties to answer (RFC 4918
// §9.1); the library ignores it. The answer to one is the library's to
// the allprop and to a prop naming the include's, together.
func TestPropfindInclude(t *testing.T) {
	s := propfindSite(t, allWrites)
	lib := dav.Library(s.h.(*dav.Handler))
	const names = `<D:creationdate/><D:lockdiscovery/><D:getetag/><Z:color/><Z:none/>`
	include := `<D:propfind xmlns:D="DAV:" xmlns:Z="urn:z"><D:allprop/><D:include>` + names + `</D:include></D:propfind>`
	prop := `<D:propfind xmlns:D="DAV:" xmlns:Z="urn:z"><D:prop>` + names + `</D:prop></D:propfind>`
	for _, target := range []string{"/", "/a.txt"} {
		code, body := serve(s.h, target, "1", include)
		got, err := parseMultistatus(body)
		if code != 207 || err != nil {
			t.Fatalf("PROPFIND %s: %d %v", target, code, err)
		}
		_, all := serve(lib, target, "1", "")
		_, named := serve(lib, target, "1", prop)
		want, err := parseMultistatus(all, named)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PROPFIND %s with an include:\nours:\n%s\nthe library's, allprop and prop:\n%s", target, got, want)
		}
	}
}

// comparePropfind compares the answers of ours and lib to one PROPFIND.
func comparePropfind(t *testing.T, ours, lib http.Handler, target, depth, body string) {
	t.Helper()
	got, gotBody := serve(ours, target, depth, body)
	want, wantBody := serve(lib, target, depth, body)
	if got == http.StatusBadRequest && dav.CheckXML([]byte(body)) != nil {
		return // a body the library takes and the shape check refuses
	}
	if got != want {
		t.Errorf("PROPFIND %s Depth %s %q: %d, the library %d\n%s", target, depth, body, got, want, gotBody)
		return
	}
	if got != http.StatusMultiStatus {
		return
	}
	g, err := parseMultistatus(gotBody)
	if err != nil {
		t.Fatalf("PROPFIND %s Depth %s %q: %v\n%s", target, depth, body, err, gotBody)
	}
	w, err := parseMultistatus(wantBody)
	if err != nil {
		t.Fatalf("the library's PROPFIND %s: %v\n%s", target, err, wantBody)
	}
	if g != w {
		t.Errorf("PROPFIND %s Depth %s %q:\nours:\n%s\nthe library's:\n%s", target, depth, body, g, w)
	}
}

// serve answers a PROPFIND with h.
func serve(h http.Handler, target, depth, body string) (int, string) {
	r := httptest.NewRequest("PROPFIND", target, strings.NewReader(body))
	r.Header.Set("Depth", depth)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String()
}

// parseMultistatus reads 207 bodies into a canonical text: a line per
// status of each response, in order, with its properties sorted, each
// as {namespace}name[lang](value), the value's elements and text alike.
// Several bodies are read as one answer. The values of
// DAV:supportedlock are left out.
func parseMultistatus(bodies ...string) (string, error) {
	lines := map[string]bool{}
	for _, body := range bodies {
		root, err := parseTree(body)
		if err != nil {
			return "", err
		}
		if root.name != (xml.Name{Space: "DAV:", Local: "multistatus"}) {
			return "", fmt.Errorf("the root is %v", root.name)
		}
		for _, resp := range root.children {
			if resp.name.Local != "response" {
				return "", fmt.Errorf("a %v in the multistatus", resp.name)
			}
			href := find(resp, "href").text
			for _, part := range resp.children {
				switch part.name.Local {
				case "status":
					lines[href+" "+part.text] = true
				case "propstat":
					prop, status := find(part, "prop"), find(part, "status")
					for _, p := range prop.children {
						if p.name == (xml.Name{Space: "DAV:", Local: "supportedlock"}) {
							p.children = nil
						}
						lines[href+" "+status.text+" "+p.String()] = true
					}
				}
			}
		}
	}
	return strings.Join(slices.Sorted(maps.Keys(lines)), "\n"), nil
}

// node is an XML element, its namespaces resolved.
type node struct {
	name     xml.Name
	lang     string
	text     string // its character data, trimmed
	children []*node
}

func (n *node) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "{%s}%s", n.name.Space, n.name.Local)
	if n.lang != "" {
		fmt.Fprintf(&b, "[%s]", n.lang)
	}
	b.WriteString("(" + n.text)
	for _, c := range n.children {
		b.WriteString(c.String())
	}
	b.WriteString(")")
	return b.String()
}

// parseTree reads an XML document into its tree of elements.
func parseTree(body string) (*node, error) {
	d := xml.NewDecoder(strings.NewReader(body))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if root == nil || len(stack) > 0 {
				return nil, errors.New("cut off")
			}
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name}
			for _, a := range t.Attr {
				if a.Name.Local == "lang" && a.Name.Space == "http://www.w3.org/XML/1998/namespace" {
					n.lang = a.Value
				}
			}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += strings.TrimSpace(string(t))
			}
		}
	}
}

func TestSupportedLock(t *testing.T) {
	for _, tc := range []struct {
		opt  dav.Options
		want []string
	}{
		{allWrites, []string{"exclusive", "shared"}},
		{dav.Options{Delete: true}, []string{"exclusive", "shared"}},
		{dav.Options{}, nil},
	} {
		s := newSite(t, tc.opt)
		_, body := s.do(t, "PROPFIND", "/a.txt", `<D:propfind xmlns:D="DAV:"><D:prop><D:supportedlock/></D:prop></D:propfind>`, "Depth", "0")
		root, err := parseTree(body)
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.opt, err, body)
		}
		var scopes []string
		for _, entry := range find(root, "supportedlock").children {
			if find(entry, "write") == nil {
				t.Errorf("%v: a lock entry of another type: %s", tc.opt, entry)
			}
			scopes = append(scopes, find(entry, "lockscope").children[0].name.Local)
		}
		if !slices.Equal(scopes, tc.want) {
			t.Errorf("%+v: DAV:supportedlock names %v, want %v", tc.opt, scopes, tc.want)
		}
	}
}

// find is the first element named local (in DAV:) in n's tree, or nil.
func find(n *node, local string) *node {
	if n.name == (xml.Name{Space: "DAV:", Local: local}) {
		return n
	}
	for _, c := range n.children {
		if f := find(c, local); f != nil {
			return f
		}
	}
	return nil
}

// TestPropfindLargeFolder lists a folder larger than one write: the
// answer is sent in parts as it is made, and holds every entry once.
func TestPropfindLargeFolder(t *testing.T) {
	s := newSite(t, dav.Options{})
	const n = 500
	for i := range n {
		writeFile(t, filepath.Join(s.dir, "big", fmt.Sprintf("file-%03d.txt", i)), "x")
	}
	resp, body := s.do(t, "PROPFIND", "/big/", "", "Depth", "1")
	if resp.StatusCode != http.StatusMultiStatus || resp.ContentLength != -1 {
		t.Fatalf("PROPFIND: %d, Content-Length %d; want 207, sent in parts", resp.StatusCode, resp.ContentLength)
	}
	root, err := parseTree(body)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range root.children {
		seen[find(r, "href").text] = true
	}
	if len(root.children) != n+1 || len(seen) != n+1 || !seen["/big/"] || !seen["/big/file-499.txt"] {
		t.Errorf("%d responses, %d hrefs, want %d", len(root.children), len(seen), n+1)
	}
	small, _ := s.do(t, "PROPFIND", "/a.txt", "", "Depth", "0")
	if small.ContentLength <= 0 {
		t.Errorf("a small answer has no Content-Length")
	}
}

// TestPropfindUnreadableProperties: an entry whose dead properties the
// server may not read has none; one whose properties fail to read is
// answered with a 500 of its own, and the rest of the listing goes on.
func TestPropfindUnreadableProperties(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status string
	}{
		{syscall.EACCES, "200 OK"},
		{syscall.EIO, "500 Internal Server Error"},
	} {
		s := propfindSite(t, allWrites)
		dav.FailPropertyReads(s.h.(*dav.Handler), "a.txt", tc.err)
		resp, body := s.do(t, "PROPFIND", "/", "", "Depth", "1")
		root, err := parseTree(body)
		if resp.StatusCode != 207 || err != nil {
			t.Fatalf("%v: %d %v", tc.err, resp.StatusCode, err)
		}
		statuses, answers := map[string]string{}, map[string]string{}
		for _, r := range root.children {
			href := find(r, "href").text
			statuses[href], answers[href] = find(r, "status").text, r.String()
		}
		if !strings.HasSuffix(statuses["/a.txt"], tc.status) || strings.Contains(answers["/a.txt"], "blue") ||
			!strings.HasSuffix(statuses["/sub/"], "200 OK") || !strings.Contains(answers["/sub/"], "bold") {
			t.Errorf("%v: statuses %v\n%s", tc.err, statuses, body)
		}
		if logged := strings.Contains(s.logs.String(), "dead properties"); logged != (tc.err == syscall.EIO) {
			t.Errorf("%v: logged %v: %s", tc.err, logged, s.logs)
		}
	}
}

// TestPropfindRemembersBareFolders: a folder whose entries hold no dead
// properties is read once; its next PROPFIND reads none, until a
// property changes or the folder does.
func TestPropfindRemembersBareFolders(t *testing.T) {
	s := propfindSite(t, allWrites)
	h := s.h.(*dav.Handler)
	s.clock.advance(24 * time.Hour * 365 * 10) // every folder changed long ago
	allprop := func() string {
		t.Helper()
		resp, body := s.do(t, "PROPFIND", "/sub/", "", "Depth", "1")
		if resp.StatusCode != 207 {
			t.Fatalf("PROPFIND: %d %s", resp.StatusCode, body)
		}
		return body
	}
	allprop() // /sub/ holds c.txt, without properties: remembered
	dav.FailPropertyReads(h, "sub/c.txt", syscall.EIO)
	if body := allprop(); strings.Contains(body, "500") {
		t.Fatalf("a remembered folder's entries were read:\n%s", body)
	}
	// A property set anywhere, and the folder is read again.
	patch := `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:k xmlns:Z="urn:z">v</Z:k></D:prop></D:set></D:propertyupdate>`
	s.do(t, "PROPPATCH", "/b.txt", patch)
	if body := allprop(); !strings.Contains(body, "500 Internal Server Error") {
		t.Fatalf("after a PROPPATCH, the folder's entries were not read:\n%s", body)
	}
	dav.FailPropertyReads(h, "", nil)
	allprop() // remembered again
	// A file that comes with its properties changes the folder.
	if err := os.Rename(filepath.Join(s.dir, "a.txt"), filepath.Join(s.dir, "sub", "a.txt")); err != nil {
		t.Fatal(err)
	}
	if body := allprop(); !strings.Contains(body, "blue") {
		t.Errorf("a file moved in shows no properties:\n%s", body)
	}
}

// TestPropfindRacyFolder: a folder that changed within the last two
// seconds is not remembered, since a change in the same tick of the file
// system's clock would not change its times.
func TestPropfindRacyFolder(t *testing.T) {
	s := propfindSite(t, allWrites) // the clock: the folders changed just now, or later
	h := s.h.(*dav.Handler)
	s.do(t, "PROPFIND", "/sub/", "", "Depth", "1")
	dav.FailPropertyReads(h, "sub/c.txt", syscall.EIO)
	if _, body := s.do(t, "PROPFIND", "/sub/", "", "Depth", "1"); !strings.Contains(body, "500 Internal Server Error") {
		t.Errorf("a folder that just changed was remembered:\n%s", body)
	}
}
