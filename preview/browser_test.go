package preview

import (
	"context"
	"encoding/json"
	"image/color"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/browsertest"
)

// gallerySite serves a folder of photos, code and text, with the preview
// handler in front of fileserve as the command mounts them.
func gallerySite(t *testing.T) (*site, *httptest.Server) {
	t.Helper()
	s := newSite(t, nil)
	files := fileserve.NewRoot(s.root, &fileserve.Options{Thumbnails: HasThumbnail})
	s.h = New(s.root.FS(), files, nil)
	colours := []color.RGBA{{220, 60, 50, 255}, {40, 160, 90, 255}, {50, 90, 210, 255}, {230, 180, 40, 255}}
	for i, c := range colours {
		s.write(t, "photo"+strconv.Itoa(i+1)+".jpg", photo(t, 480, 320, c))
	}
	s.write(t, "main.go", []byte("package main\n\n// main says hello.\nfunc main() {\n\tprintln(\"hello\")\n}\n"))
	s.write(t, "notes.txt", []byte("plain notes\n"))
	s.write(t, "sub/inner.txt", []byte("x"))
	srv := httptest.NewServer(s.h)
	t.Cleanup(srv.Close)
	return s, srv
}

func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Do(t, ctx, step, actions...)
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, ctx, expr)
}

// waitFor polls the JavaScript condition until it holds, within a step's
// time.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	do(t, ctx, what, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// thumbsLoaded holds once every tile's thumbnail has loaded.
const thumbsLoaded = `(() => { const imgs = Array.from(document.querySelectorAll("#entries img"));
	return imgs.length === 4 && imgs.every(i => i.complete && i.naturalWidth > 0); })()`

func TestBrowserGrid(t *testing.T) {
	ctx := browsertest.New(t)
	_, srv := gallerySite(t)
	shots := []struct {
		name          string
		width, height int64
		scheme        string
	}{
		{"preview-grid-light", 1200, 800, "light"},
		{"preview-grid-dark", 1200, 800, "dark"},
		{"preview-grid-phone", 390, 844, "light"},
	}
	for _, s := range shots {
		do(t, ctx, s.name,
			browsertest.Call(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: s.width, Height: s.height, DeviceScaleFactor: 1, Mobile: s.width < 500}),
			browsertest.Call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s.scheme}}}),
			chromedp.Navigate(srv.URL+"/?view=grid"),
			chromedp.WaitVisible(chromedp.CSS("#entries.grid")))
		waitFor(t, ctx, s.name+": thumbnails load", thumbsLoaded)
		if w := eval[int](t, ctx, `Math.max(...Array.from(document.querySelectorAll("#entries img")).map(i => i.naturalWidth))`); w > 320 {
			t.Errorf("%s: a thumbnail %d pixels wide", s.name, w)
		}
		browsertest.Screenshot(t, ctx, s.name)
		perRow := eval[int](t, ctx, `(() => { const tops = Array.from(document.querySelectorAll("#entries tbody tr")).map(r => r.getBoundingClientRect().top);
			return tops.filter(x => x === tops[0]).length; })()`)
		if s.width < 500 && (perRow < 2 || perRow > 3) || s.width > 1000 && perRow < 4 {
			t.Errorf("%s: %d tiles to a row", s.name, perRow)
		}
	}
	// The toggle remembers: the folder without ?view opens as a list
	// after "List view", as a grid after "Grid view".
	do(t, ctx, "switch to the list", chromedp.Click(chromedp.CSS(".view-toggle button")), chromedp.WaitVisible(chromedp.CSS("#entries:not(.grid)")))
	do(t, ctx, "open the folder bare", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#entries")))
	if grid := eval[bool](t, ctx, `document.getElementById("entries").classList.contains("grid")`); grid {
		t.Error("after List view, the folder opens as a grid")
	}
	do(t, ctx, "switch to the grid", chromedp.Click(chromedp.CSS(".view-toggle button")), chromedp.WaitVisible(chromedp.CSS("#entries.grid")))
	do(t, ctx, "open the folder bare again", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#entries.grid")))
	// The arrow keys move between tiles.
	do(t, ctx, "focus the first tile", chromedp.Focus(chromedp.CSS("#entries tbody tr:first-child td.name a")), chromedp.KeyEvent(kb.ArrowRight))
	if name := eval[string](t, ctx, `document.activeElement.textContent`); !strings.HasPrefix(name, "notes.txt") {
		t.Errorf("after the right arrow the focus is on %q, want the second tile", name)
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

func TestBrowserLightbox(t *testing.T) {
	ctx := browsertest.New(t)
	_, srv := gallerySite(t)
	do(t, ctx, "open the grid", chromedp.Navigate(srv.URL+"/?view=grid"), chromedp.WaitVisible(chromedp.CSS("#entries.grid")))
	do(t, ctx, "click the first photo", chromedp.Click(chromedp.CSS(`#entries a[href="./photo1.jpg"]`)))
	waitFor(t, ctx, "the lightbox opens", `document.querySelector("dialog.viewer[open] img.content")?.complete === true`)
	if src := eval[string](t, ctx, `document.querySelector("dialog.viewer img.content").getAttribute("src")`); src != "./photo1.jpg" {
		t.Errorf("the lightbox shows %q, want the photo itself", src)
	}
	browsertest.Screenshot(t, ctx, "preview-lightbox")
	if u := eval[string](t, ctx, `location.search`); u != "?view=grid" {
		t.Errorf("the page navigated to %q: the viewer must open over it", u)
	}
	do(t, ctx, "next", chromedp.KeyEvent(kb.ArrowRight))
	waitFor(t, ctx, "the next photo", `document.querySelector("dialog.viewer img.content")?.getAttribute("src") === "./photo2.jpg"`)
	do(t, ctx, "previous", chromedp.KeyEvent(kb.ArrowLeft))
	waitFor(t, ctx, "back to the first", `document.querySelector("dialog.viewer img.content")?.getAttribute("src") === "./photo1.jpg"`)
	do(t, ctx, "close", chromedp.KeyEvent(kb.Escape))
	waitFor(t, ctx, "the lightbox closes", `!document.querySelector("dialog.viewer").open`)
	// Code opens as its ?view page in the viewer's frame.
	do(t, ctx, "click the code", chromedp.Click(chromedp.CSS(`#entries a[href="./main.go"]`)))
	waitFor(t, ctx, "the code's frame", `document.querySelector("dialog.viewer[open] iframe.content")?.contentDocument?.querySelector("code.hljs .hljs-keyword") != null`)
	browsertest.CheckNoCSPViolations(t, ctx)
}

func TestBrowserCodePreview(t *testing.T) {
	ctx := browsertest.New(t)
	s, srv := gallerySite(t)
	s.write(t, "guide.md", []byte("# Guide\n\n```go\n// f does nothing.\nfunc f() {}\n```\n\n```nosuchlanguage\nfunc g() {}\n```\n"))
	for _, scheme := range []struct{ name, keyword string }{
		{"light", "rgb(215, 58, 73)"},  // github's #d73a49, from highlight.css
		{"dark", "rgb(255, 123, 114)"}, // github-dark's #ff7b72
	} {
		do(t, ctx, "open main.go?view, "+scheme.name,
			browsertest.Call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme.name}}}),
			chromedp.Navigate(srv.URL+"/main.go?view"))
		waitFor(t, ctx, "main.go is highlighted", `document.querySelector("code.language-go.hljs .hljs-keyword") != null`)
		keyword := eval[string](t, ctx, `getComputedStyle(document.querySelector("code.hljs .hljs-keyword")).color`)
		comment := eval[string](t, ctx, `getComputedStyle(document.querySelector("code.hljs .hljs-comment")).color`)
		text := eval[string](t, ctx, `getComputedStyle(document.querySelector("code.hljs")).color`)
		if keyword != scheme.keyword || comment == text || keyword == comment {
			t.Errorf("%s: keyword %s (want %s), comment %s, text %s", scheme.name, keyword, scheme.keyword, comment, text)
		}
		browsertest.Screenshot(t, ctx, "preview-code-"+scheme.name)
	}
	if lines := eval[string](t, ctx, `document.querySelector("pre.lines").textContent`); lines != "1\n2\n3\n4\n5\n6\n" {
		t.Errorf("line numbers %q, want 1 to 6", lines)
	}
	// The gutter and the code keep one line height: the numbers stay level
	// with their lines.
	if level := eval[bool](t, ctx, `(() => { const [a, b] = document.querySelectorAll(".code pre");
		return getComputedStyle(a).lineHeight === getComputedStyle(b).lineHeight && a.offsetHeight === b.offsetHeight; })()`); !level {
		t.Error("the line numbers are not level with the code")
	}
	if href := eval[string](t, ctx, `document.querySelector("a.download").getAttribute("href")`); href != "./main.go" {
		t.Errorf("download link %q", href)
	}
	// Every language the server names is one highlight.js knows.
	var names []string
	for _, m := range []map[string]string{byName, byExtension} {
		for _, lang := range m {
			names = append(names, lang)
		}
	}
	list, _ := json.Marshal(names)
	if unknown := eval[[]string](t, ctx, string(list)+`.filter(l => !hljs.getLanguage(l))`); len(unknown) > 0 {
		t.Errorf("languages highlight.js does not know: %v", unknown)
	}

	// A Markdown file's fenced block of a known language is highlighted;
	// one of an unknown language stays plain.
	do(t, ctx, "open guide.md?view", chromedp.Navigate(srv.URL+"/guide.md?view"))
	waitFor(t, ctx, "the go block is highlighted", `document.querySelector(".markdown code.language-go.hljs .hljs-comment") != null`)
	if spans := eval[int](t, ctx, `document.querySelectorAll(".markdown code.language-nosuchlanguage span").length`); spans != 0 {
		t.Errorf("the block of an unknown language has %d spans", spans)
	}

	// A file of no language stays plain, and its page loads no script.
	do(t, ctx, "open notes.txt?view", chromedp.Navigate(srv.URL+"/notes.txt?view"), chromedp.WaitReady(chromedp.CSS("pre code")))
	if plain := eval[bool](t, ctx, `typeof hljs === "undefined" && document.querySelector("pre code").children.length === 0`); !plain {
		t.Error("notes.txt is not shown plain")
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

// TestBrowserCodePreviewLarge checks the bound on highlighting: a preview
// of MaxText bytes of code is highlighted at its start and plain at its
// end, with every character of it shown.
func TestBrowserCodePreviewLarge(t *testing.T) {
	ctx := browsertest.New(t)
	s, srv := gallerySite(t)
	line := "x = f(1, \"two\") # three\n"
	text := strings.Repeat(line, MaxText/len(line))
	s.write(t, "big.py", []byte(text))
	do(t, ctx, "open big.py?view", chromedp.Navigate(srv.URL+"/big.py?view"))
	waitFor(t, ctx, "big.py is highlighted", `document.querySelector("code.hljs .hljs-comment") != null`)
	if got := eval[string](t, ctx, `document.querySelector("code").textContent`); got != text {
		t.Errorf("the page shows %d characters of the %d", len(got), len(text))
	}
	if last := eval[string](t, ctx, `document.querySelector("code").lastChild.nodeName`); last != "#text" {
		t.Errorf("the code ends in a %s, want plain text", last)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("code .hljs-comment").length`); n == 0 || n >= MaxText/len(line) {
		t.Errorf("%d of %d lines highlighted, want some but not all", n, MaxText/len(line))
	}
}

// ffmpeg returns the path of ffmpeg, which makes the test video. CI
// installs it; elsewhere its absence skips the test.
func ffmpeg(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("ffmpeg is not installed, and CI=true requires it")
		}
		t.Skip("skipping: ffmpeg is not installed, so there is no video to play (CI would fail here)")
	}
	return p
}

func TestBrowserVideoPlaysAndSeeks(t *testing.T) {
	tool := ffmpeg(t)
	ctx := browsertest.New(t)
	s, srv := gallerySite(t)
	out := filepath.Join(s.dir, "clip.webm")
	cmd := exec.Command(tool, "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=4:size=160x120:rate=10",
		"-c:v", "libvpx", "-b:v", "200k", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	do(t, ctx, "open clip.webm?view", chromedp.Navigate(srv.URL+"/clip.webm?view"), chromedp.WaitReady(chromedp.CSS("video")))
	eval[bool](t, ctx, `(() => { const v = document.querySelector("video"); v.muted = true; v.play(); return true; })()`)
	waitFor(t, ctx, "the video plays", `document.querySelector("video").currentTime > 0.2`)
	eval[bool](t, ctx, `(() => { const v = document.querySelector("video"); v.pause();
		window.__seeked = false; v.addEventListener("seeked", () => window.__seeked = true); v.currentTime = 3; return true; })()`)
	waitFor(t, ctx, "the video seeks", `window.__seeked === true`)
	if at := eval[float64](t, ctx, `document.querySelector("video").currentTime`); at < 2.9 || at > 3.1 {
		t.Errorf("after seeking to 3 s the video is at %v s", at)
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}
