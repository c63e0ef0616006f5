package live

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/browsertest"
)

// newBrowser starts headless Chromium for one test (browsertest.New).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.New(t)
}

// liveSite serves a new folder holding files with live reload, as
// simplehttp --live does, and returns the folder and the server's URL.
func liveSite(t *testing.T, files map[string]string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		writeFile(t, dir, name, data)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	rl, err := New(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(encode.New(rl.Handler(fileserve.NewRoot(root, nil)), nil))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { rl.Close() }) // first: it ends the streams srv.Close waits for
	return dir, srv.URL
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	// Written beside and renamed, as editors save.
	if err := os.WriteFile(p+".tmp~", []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".tmp~", p); err != nil {
		t.Fatal(err)
	}
}

// open navigates to url and waits until the page's stream is connected.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browsertest.StepTimeout)
	defer cancel()
	if _, err := chromedp.Run(sctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	waitJS(t, ctx, `document.querySelector('script[data-state="ready"]') !== null`)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, ctx, expr)
}

// waitJS waits until the expression is true in the page (across
// reloads).
func waitJS(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	browsertest.WaitUntil(t, ctx, expr, "")
}

const countLoads = `<script>sessionStorage.loads = (+sessionStorage.loads || 0) + 1</script>`

func TestBrowserReloadsAnEditedPage(t *testing.T) {
	ctx := newBrowser(t)
	dir, url := liveSite(t, map[string]string{"page.html": "<!doctype html><title>v1</title>" + countLoads + "<p>one</p>",
		"notes.log": "x", "other.html": "x"})
	open(t, ctx, url+"/page.html")
	// Files the page did not load do not reload it.
	writeFile(t, dir, "notes.log", "changed")
	writeFile(t, dir, "other.html", "changed")
	writeFile(t, dir, "page.html", "<!doctype html><title>v2</title>"+countLoads+"<p>two</p>")
	waitJS(t, ctx, `document.title === "v2"`)
	if loads := eval[string](t, ctx, "sessionStorage.loads"); loads != "2" {
		t.Errorf("the page loaded %s times, want 2: once, and once for its own edit", loads)
	}
}

func TestBrowserSwapsStylesheetsInPlace(t *testing.T) {
	ctx := newBrowser(t)
	dir, url := liveSite(t, map[string]string{
		"index.html":         `<!doctype html><html><head><link rel="stylesheet" href="css/site.css"></head><body><p id="p">x</p><h1 id="h">y</h1></body></html>`,
		"css/site.css":       `@import "parts/text.css"; h1 { color: rgb(1, 1, 1) }`,
		"css/parts/text.css": `p { color: rgb(10, 10, 10) }`,
	})
	open(t, ctx, url+"/")
	eval[bool](t, ctx, `window.kept = "state set by the page"; true`)
	writeFile(t, dir, "css/site.css", `@import "parts/text.css"; h1 { color: rgb(2, 2, 2) }`)
	waitJS(t, ctx, `getComputedStyle(document.getElementById("h")).color === "rgb(2, 2, 2)"`)
	writeFile(t, dir, "css/parts/text.css", `p { color: rgb(20, 20, 20) }`)
	waitJS(t, ctx, `getComputedStyle(document.getElementById("p")).color === "rgb(20, 20, 20)"`)
	if kept := eval[string](t, ctx, `window.kept || "lost"`); kept != "state set by the page" {
		t.Errorf("the page's state is %q: it was reloaded, not restyled in place", kept)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('link[rel="stylesheet"]').length`); n != 1 {
		t.Errorf("%d stylesheet links after the swaps, want 1", n)
	}
}

func TestBrowserListingShowsNewFiles(t *testing.T) {
	ctx := newBrowser(t)
	dir, url := liveSite(t, map[string]string{"inbox/first.txt": "1", "inbox/gone.txt": "2"})
	open(t, ctx, url+"/inbox/")
	eval[bool](t, ctx, `window.kept = 1; true`)
	writeFile(t, dir, "inbox/second.txt", "a new upload")
	if err := os.Remove(filepath.Join(dir, "inbox", "gone.txt")); err != nil {
		t.Fatal(err)
	}
	rows := `Array.from(document.querySelectorAll("#entries tbody tr:not(.up) .name a")).map(a => a.textContent).join(",")`
	waitJS(t, ctx, rows+` === "first.txt,second.txt"`)
	if eval[int](t, ctx, `window.kept || 0`) != 1 {
		t.Error("the listing was reloaded, not updated in place")
	}
	if s := eval[string](t, ctx, `document.getElementById("summary").textContent`); s != "2 entries" {
		t.Errorf("summary %q, want 2 entries", s)
	}
}

// A build that writes 200 files reloads the page once.
func TestBrowserBurstReloadsOnce(t *testing.T) {
	ctx := newBrowser(t)
	files := map[string]string{"index.html": `<!doctype html>` + countLoads + `<script src="build/app.js"></script>`}
	dir, url := liveSite(t, files)
	for i := range 200 {
		writeFile(t, dir, fmt.Sprintf("build/chunk%d.js", i), "x")
	}
	writeFile(t, dir, "build/app.js", "window.version = 1")
	open(t, ctx, url+"/")
	for i := range 200 {
		writeFile(t, dir, fmt.Sprintf("build/chunk%d.js", i), "y")
	}
	writeFile(t, dir, "build/app.js", "window.version = 2")
	waitJS(t, ctx, `window.version === 2`)
	// One more edit, later: had the burst reloaded the page twice, the
	// second reload would come before this one's.
	waitJS(t, ctx, `document.querySelector('script[data-state="ready"]') !== null`)
	writeFile(t, dir, "build/app.js", "window.version = 3")
	waitJS(t, ctx, `window.version === 3`)
	if loads := eval[string](t, ctx, "sessionStorage.loads"); loads != "3" {
		t.Errorf("the page loaded %s times, want 3: once, once for the burst, once for the last edit", loads)
	}
}
