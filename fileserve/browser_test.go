package fileserve_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/browsertest"
)

// browserFixture builds a folder worth looking at: every icon category,
// sizes far apart, a symlink, nested folders and a README.
func browserFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]int{
		"alpha.txt": 10, "Beta.png": 3000, "file2.txt": 20, "file10.txt": 30,
		"zeta-archive.zip": 2 << 20, "song.mp3": 4 << 20, "clip.webm": 9 << 20,
		"main.go": 700, "paper.pdf": 90 << 10, "notes.md": 1200, "data.bin": 512,
		"a very long file name that keeps going and going until it must wrap somewhere.txt": 5,
		"docs/inner/deep.txt": 1, "docs/guide.md": 2048, "photos/2024/beach.jpg": 1 << 20,
	}
	for name, size := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat("x", size)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	readme := "# Fixture folder\n\nFiles for the **browser tests**; see [the docs](docs/). <script>alert('no')</script>\n\n" +
		"- `alpha.txt`: ten bytes\n- `song.mp3`: four MiB\n\n```\nsimplehttp 8000\n```\n"
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("docs", filepath.Join(dir, "latest-docs")); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2023, 6, 1, 9, 30, 0, 0, time.UTC)
	for i, name := range []string{"alpha.txt", "Beta.png", "file2.txt", "zeta-archive.zip"} {
		at := old.Add(time.Duration(i) * 24 * time.Hour)
		if err := os.Chtimes(filepath.Join(dir, name), at, at); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newBrowser starts headless Chromium for one test (browsertest.New).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.New(t)
}

// rowNames are the names in the listing's rows that are shown.
const rowNames = `Array.from(document.querySelectorAll("#entries tbody tr:not(.up)"))
	.filter(r => !r.hidden).map(r => r.querySelector(".name a").textContent)`

// serveBrowserFixture serves the browser fixture over loopback until the
// test ends.
func serveBrowserFixture(t *testing.T) *httptest.Server {
	t.Helper()
	root, err := os.OpenRoot(browserFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	srv := httptest.NewServer(fileserve.New(root.FS(), nil))
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowserListing(t *testing.T) {
	ctx := newBrowser(t)
	srv := serveBrowserFixture(t)

	do(t, ctx, "open the root", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#entries")))
	if title := eval[string](t, ctx, "document.title"); title != "Directory listing for /" {
		t.Errorf("title %q", title)
	}
	names := eval[[]string](t, ctx, rowNames)
	if len(names) == 0 || !strings.HasPrefix(names[0], "a very long file name") || names[len(names)-1] != "zeta-archive.zip" {
		t.Errorf("default order %q", names)
	}
	checkStyled(t, ctx)
	checkKeyboard(t, ctx)

	do(t, ctx, "sort by size",
		chromedp.Click(chromedp.CSS("th.size a")),
		chromedp.WaitVisible(chromedp.CSS(`th.size[aria-sort="descending"]`)))
	if loc := eval[string](t, ctx, "location.search"); loc != "?sort=size&order=desc" {
		t.Errorf("after clicking Size the query is %s", loc)
	}
	names = eval[[]string](t, ctx, rowNames)
	if len(names) < 3 || !slices.Equal(names[:3], []string{"clip.webm", "song.mp3", "zeta-archive.zip"}) {
		t.Errorf("size order %q, want the largest first", names)
	}
	do(t, ctx, "reverse the size order",
		chromedp.Click(chromedp.CSS("th.size a")),
		chromedp.WaitVisible(chromedp.CSS(`th.size[aria-sort="ascending"]`)))
	if names = eval[[]string](t, ctx, rowNames); names[len(names)-1] != "clip.webm" {
		t.Errorf("ascending size order %q", names)
	}

	do(t, ctx, "filter as one types",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#filter")),
		chromedp.SendKeys(chromedp.CSS("#filter"), "FILE"))
	want := []string{"a very long file name that keeps going and going until it must wrap somewhere.txt", "file10.txt", "file2.txt"}
	if names = eval[[]string](t, ctx, rowNames); !slices.Equal(names, want) {
		t.Errorf("rows shown while filtering: %q, want %q", names, want)
	}
	do(t, ctx, "submit the filter to the server",
		chromedp.Submit(chromedp.CSS("#filter")),
		chromedp.WaitVisible(chromedp.CSS(`#filter[value="FILE"]`)))
	if loc := eval[string](t, ctx, "location.search"); loc != "?q=FILE" {
		t.Errorf("server filter query %s", loc)
	}
	if names = eval[[]string](t, ctx, rowNames); !slices.Equal(names, want) {
		t.Errorf("server filter shows %q, want %q", names, want)
	}

	do(t, ctx, "follow folder links",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#entries")),
		chromedp.Click(chromedp.CSS(`a[href="./docs/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="./inner/"]`)),
		chromedp.Click(chromedp.CSS(`a[href="./inner/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="./deep.txt"]`)))
	if title := eval[string](t, ctx, "document.title"); title != "Directory listing for /docs/inner/" {
		t.Errorf("after two folder links the title is %q", title)
	}
	// The archive downloads are buttons of a GET form (mirrors submit no
	// form); what the .zip button asks for, as the browser would send it.
	const zipRequest = `(() => {
		const b = document.querySelector(".downloads button[value=zip]");
		const u = new URL(b.form.action);
		u.search = new URLSearchParams(new FormData(b.form, b)).toString();
		return u.pathname + u.search + " " + b.form.method + " " + getComputedStyle(b).cursor;
	})()`
	if got := eval[string](t, ctx, zipRequest); got != "/docs/inner/?download=zip get pointer" {
		t.Errorf("the .zip button submits %q, want /docs/inner/?download=zip get pointer", got)
	}
	do(t, ctx, "follow a breadcrumb",
		chromedp.Click(chromedp.CSS(`.crumbs a[href="../../"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="./docs/"]`)))
	if loc := eval[string](t, ctx, "location.href"); loc != srv.URL+"/" {
		t.Errorf("the root breadcrumb led to %s", loc)
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

// checkStyled checks that the style sheet, the icons and the script
// all loaded under the page's Content-Security-Policy.
func checkStyled(t *testing.T, ctx context.Context) {
	t.Helper()
	collapse := eval[string](t, ctx, `getComputedStyle(document.querySelector("table")).borderCollapse`)
	if collapse != "collapse" {
		t.Errorf("style sheet not applied (border-collapse %q)", collapse)
	}
	loaded := eval[[]string](t, ctx, `performance.getEntriesByType("resource").map(e => e.name.split("/").pop().split(/[?#]/)[0])`)
	for _, asset := range []string{"style.css", "listing.js", "icons.svg"} {
		if !slices.Contains(loaded, asset) {
			t.Errorf("%s not loaded; loaded %q", asset, loaded)
		}
	}
	mask := eval[string](t, ctx, `getComputedStyle(document.querySelector("td.name a.folder"), "::before").maskImage`)
	if !strings.HasSuffix(mask, `/icons.svg?asset#folder")`) {
		t.Errorf("a folder's icon is drawn with mask-image %s, want the sprite's #folder", mask)
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

// checkKeyboard checks that "/" jumps to the filter box and that Tab
// reaches the links with a visible focus outline.
func checkKeyboard(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "press /", chromedp.KeyEvent("/"))
	if id := eval[string](t, ctx, "document.activeElement.id"); id != "filter" {
		t.Errorf("after pressing / the focus is on %q, want the filter box", id)
	}
	do(t, ctx, "tab to the links", chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	focused := eval[string](t, ctx, "document.activeElement.textContent")
	outline := eval[string](t, ctx, "getComputedStyle(document.activeElement).outlineStyle")
	if focused != "Folders first (off; turn on)" || outline == "none" {
		t.Errorf("two Tabs after the filter: focus on %q with outline %q, want the Folders first link, outlined", focused, outline)
	}
}

// TestBrowserScreenshots renders the listing light, dark and on a phone,
// saves the screenshots under artifacts/screenshots, and checks that a
// 375 px wide screen shows names and sizes without scrolling sideways.
func TestBrowserScreenshots(t *testing.T) {
	ctx := newBrowser(t)
	srv := serveBrowserFixture(t)
	shots := []struct {
		name          string
		width, height int64
		scheme, path  string
	}{
		{"listing-light", 1200, 900, "light", "/"},
		{"listing-dark", 1200, 900, "dark", "/"},
		{"listing-375px", 375, 812, "light", "/"},
		{"listing-375px-dark", 375, 812, "dark", "/photos/2024/"},
		{"listing-paged-dark", 1200, 700, "dark", "/?sort=size&order=desc&dirs=first&limit=5&offset=5"},
	}
	for _, s := range shots {
		do(t, ctx, s.name,
			call(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: s.width, Height: s.height, DeviceScaleFactor: 1, Mobile: s.width < 500}),
			call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s.scheme}}}),
			chromedp.Navigate(srv.URL+s.path),
			chromedp.WaitVisible(chromedp.CSS("#entries")))
		browsertest.Screenshot(t, ctx, s.name)
		// The page follows prefers-color-scheme (--bg in style.css).
		bg := map[string]string{"light": "rgb(246, 247, 249)", "dark": "rgb(15, 18, 23)"}[s.scheme]
		if got := eval[string](t, ctx, "getComputedStyle(document.body).backgroundColor"); got != bg {
			t.Errorf("%s: background %s, want %s", s.name, got, bg)
		}
		if s.width < 500 {
			checkNarrow(t, ctx)
		}
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

// checkNarrow checks a phone-sized page: no sideways scrolling, name and
// size shown, the time column hidden.
func checkNarrow(t *testing.T, ctx context.Context) {
	t.Helper()
	scrollWidth := eval[int](t, ctx, `document.documentElement.scrollWidth`)
	innerWidth := eval[int](t, ctx, `window.innerWidth`)
	if scrollWidth > innerWidth {
		t.Errorf("375 px page scrolls sideways: %d px wide in a %d px window", scrollWidth, innerWidth)
	}
	sizeWidth := eval[int](t, ctx, `document.querySelector("#entries tbody td.size").offsetWidth`)
	timeWidth := eval[int](t, ctx, `document.querySelector("#entries tbody td.time").offsetWidth`)
	if sizeWidth == 0 || timeWidth != 0 {
		t.Errorf("375 px page: size column %d px, time column %d px; want size shown, time hidden", sizeWidth, timeWidth)
	}
}

// stepTimeout bounds each browser step.
const stepTimeout = browsertest.StepTimeout

// do runs actions as one named step, failing the test on error.
func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Do(t, ctx, step, actions...)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, ctx, expr)
}

// call is the DevTools protocol command c as an action.
func call[P, R any](c cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return browsertest.Call(c, params)
}
