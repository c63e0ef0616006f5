package fileserve_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/listing"
	"github.com/simplehttp/simplehttp/public"
)

// TestIconSprite checks that the style sheet draws every icon from the
// one sprite, icons.svg?asset#<name> (the query keeps wget -r from
// saving it as a file of the tree), that the sprite frames each such name with
// a <view> of its own, and that the handler serves the sprite as an SVG
// image.
func TestIconSprite(t *testing.T) {
	css, err := fs.ReadFile(public.FS, "style.css")
	if err != nil {
		t.Fatal(err)
	}
	sprite, err := fs.ReadFile(public.FS, "icons.svg")
	if err != nil {
		t.Fatal(err)
	}
	views := spriteViews(t, sprite)

	drawn := map[string]bool{}
	urls := regexp.MustCompile(`url\(\s*['"]?([^'")\s]*)`).FindAllStringSubmatch(string(css), -1)
	if len(urls) == 0 {
		t.Fatal("style.css has no url()")
	}
	for _, m := range urls {
		name, ok := strings.CutPrefix(m[1], "icons.svg?asset#")
		if !ok {
			t.Errorf("style.css draws url(%s), want url(icons.svg?asset#<name>)", m[1])
			continue
		}
		if _, ok := views[name]; !ok {
			t.Errorf("style.css draws url(%s), but icons.svg has no <view id=%q>", m[1], name)
		}
		drawn[name] = true
	}
	// Every category's icon, the parent row's and the filter box's.
	want := []string{"up", "search"}
	for c := listing.CategoryFolder; c <= listing.CategoryOther; c++ {
		want = append(want, c.Icon())
	}
	for _, name := range want {
		if !drawn[name] {
			t.Errorf("style.css never draws icons.svg#%s", name)
		}
	}

	// Each view frames a 24 × 24 square no other view frames.
	framedBy := map[[2]float64]string{}
	for id, box := range views {
		var x, y, w, h float64
		if n, _ := fmt.Sscanf(box, "%g %g %g %g", &x, &y, &w, &h); n != 4 || w != 24 || h != 24 {
			t.Errorf("<view id=%q viewBox=%q>, want a 24 × 24 box", id, box)
			continue
		}
		if other, ok := framedBy[[2]float64{x, y}]; ok {
			t.Errorf("views %q and %q frame the same box %q", id, other, box)
		}
		framedBy[[2]float64{x, y}] = id
	}

	// Served from the versioned prefix the listing links to.
	page := body(t, serve(t, newHandler(), http.MethodGet, "/"))
	m := regexp.MustCompile(`href="([^"?]*/)style\.css\?asset"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no style sheet link in the listing:\n%s", page)
	}
	resp := serve(t, newHandler(), http.MethodGet, "/"+m[1]+"icons.svg")
	if got := body(t, resp); resp.StatusCode != http.StatusOK || got != string(sprite) {
		t.Errorf("GET /%sicons.svg: %s, %d bytes; want 200 and the sprite's %d", m[1], resp.Status, len(got), len(sprite))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("icons.svg served as %q, want image/svg+xml", ct)
	}
}

// spriteViews returns the viewBox of each <view> in the SVG document
// sprite, by id.
func spriteViews(t *testing.T, sprite []byte) map[string]string {
	t.Helper()
	const svgNS = "http://www.w3.org/2000/svg"
	views := map[string]string{}
	d := xml.NewDecoder(strings.NewReader(string(sprite)))
	for first := true; ; {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("icons.svg: %v", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if first && (el.Name != xml.Name{Space: svgNS, Local: "svg"}) {
			t.Fatalf("icons.svg: root element %v, want an <svg> in %s", el.Name, svgNS)
		}
		first = false
		if el.Name.Local != "view" {
			continue
		}
		var id, box string
		for _, a := range el.Attr {
			switch a.Name.Local {
			case "id":
				id = a.Value
			case "viewBox":
				box = a.Value
			}
		}
		if _, dup := views[id]; dup || id == "" {
			t.Errorf("icons.svg: <view id=%q> missing or repeated", id)
		}
		views[id] = box
	}
	if len(views) == 0 {
		t.Fatal("icons.svg has no <view>")
	}
	return views
}
