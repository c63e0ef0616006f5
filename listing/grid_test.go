package listing

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/internal/etag"
)

// jpegOnly is an HTMLOptions.Thumbnails that accepts JPEG files.
func jpegOnly(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".jpg") }

// gridPage renders the golden folder with query and thumbnails.
func gridPage(t *testing.T, query string, thumbnails func(string) bool) string {
	t.Helper()
	l, err := Read(context.Background(), goldenFS(), ".", "/x/", Options{Query: ParseQuery(query)})
	must(t, err)
	var buf bytes.Buffer
	must(t, l.WriteHTML(&buf, HTMLOptions{AssetPrefix: "/.a/", Thumbnails: thumbnails}))
	return buf.String()
}

func TestGridView(t *testing.T) {
	photo := goldenFS()["photo.JPG"]
	thumb := `<a class="image" href="./photo.JPG"><img src="./photo.JPG?thumb=` + etag.Version(photo.ModTime, int64(len(photo.Data))) +
		`" alt="" loading="lazy" decoding="async">photo.JPG</a>`
	grid := gridPage(t, "view=grid&sort=size", jpegOnly)
	for _, want := range []string{
		`<table id="entries" class="grid">`,
		thumb,
		`<a class="code" href="./main.go">main.go</a>`, // no thumbnail: its icon
		`<script src="/.a/preview.js?asset" defer></script>`,
		`<link rel="stylesheet" href="/.a/preview.css?asset">`,
		// The toggle is a form button, which mirrors do not follow, and
		// keeps the order; sort links keep the grid.
		`<form class="view-toggle" method="get" action="./"><input type="hidden" name="sort" value="size"><button name="view" value="list" class="toggle">List view</button></form>`,
		`href="?sort=size&amp;order=desc&amp;view=grid"`,
	} {
		if !strings.Contains(grid, want) {
			t.Errorf("grid page lacks %s", want)
		}
	}

	list := gridPage(t, "sort=size", jpegOnly)
	if strings.Contains(list, "<img") || strings.Contains(list, `class="grid"`) {
		t.Error("the list view has thumbnails")
	}
	for _, want := range []string{`<button name="view" value="grid" class="toggle">Grid view</button>`, `<script src="/.a/preview.js?asset" defer></script>`} {
		if !strings.Contains(list, want) {
			t.Errorf("list page lacks %s", want)
		}
	}
}

func TestNoGridWithoutThumbnails(t *testing.T) {
	// Without Thumbnails, ?view=grid changes nothing: the page is the one
	// the folder always had.
	plain := gridPage(t, "sort=size", nil)
	if asked := gridPage(t, "sort=size&view=grid", nil); asked != plain {
		t.Error("?view=grid changed a page without previews")
	}
	for _, absent := range []string{"preview.js", "preview.css", "view-toggle", "<img", "view=grid"} {
		if strings.Contains(plain, absent) {
			t.Errorf("a page without previews has %s", absent)
		}
	}
}

func TestParseView(t *testing.T) {
	for query, want := range map[string]View{"view=grid": ViewGrid, "view=list": ViewList, "view=GRID": ViewList, "": ViewList, "view": ViewList} {
		if got := ParseQuery(query).View; got != want {
			t.Errorf("ParseQuery(%q).View = %v, want %v", query, got, want)
		}
	}
	if got := ParseQuery("view=grid&sort=time").Encode(); got != "?sort=time&view=grid" {
		t.Errorf("Encode = %q", got)
	}
}
