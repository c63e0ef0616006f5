package fileserve_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/simplehttp/simplehttp/dav"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/browsertest"
	"github.com/simplehttp/simplehttp/upload"
)

// serveManaged serves a fresh folder as the command does with -w: the
// WebDAV handler in front of uploads and the file server, whose listings
// show the upload area and the delete, rename and move form.
func serveManaged(t *testing.T) (srvURL, dir string) {
	t.Helper()
	root, dir := tempRoot(t, map[string]string{
		"a.txt": "a\n", "b.txt": "b\n", "old.txt": "old\n", "sub/c.txt": "c\n", "dest/": "",
	})
	// As the command does by default: else Chromium may show a listing
	// from its cache (it has a Last-Modified, no Cache-Control) when the
	// test opens the folder again after changing it.
	files := fileserve.NewRoot(root, &fileserve.Options{UploadForm: true, ManageForm: true, CacheControl: "no-cache"})
	h := dav.New(root, upload.New(root, files, &upload.Options{Overwrite: true}), &dav.Options{Upload: true, Delete: true})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, dir
}

// TestBrowserManage ticks entries in the listing and deletes (after a
// confirmation that names them), renames and moves them with the
// script; then does the same with scripts off, through the forms and the
// server's confirmation page.
func TestBrowserManage(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir := serveManaged(t)
	var mu sync.Mutex
	var dialogs []string
	opening := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range opening {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			go chromedp.Do(ctx, call(page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})) //nolint:errcheck // the test checks the effect
		}
	}()
	gone := func(name string) bool { _, err := os.Lstat(filepath.Join(dir, name)); return err != nil }

	do(t, ctx, "open the listing", chromedp.Navigate(srvURL+"/"), chromedp.WaitVisible(chromedp.CSS("#manage-form")))
	checkStyled(t, ctx)
	if label := eval[string](t, ctx, `document.querySelector("input.pick[value='a.txt']").getAttribute("aria-label")`); label != "Select a.txt" {
		t.Errorf("a tick box is labelled %q", label)
	}
	browsertest.Screenshot(t, ctx, "listing-manage")

	reloadAfter(t, ctx, "delete a.txt and sub/",
		chromedp.Click(chromedp.CSS(`input.pick[value="a.txt"]`)),
		chromedp.Click(chromedp.CSS(`input.pick[value="sub"]`)),
		chromedp.Click(chromedp.CSS(`button[data-action="delete"]`)))
	mu.Lock()
	said := strings.Join(dialogs, "\n")
	mu.Unlock()
	if !strings.Contains(said, "a.txt") || !strings.Contains(said, "sub/  (a folder, with everything in it)") {
		t.Errorf("the confirmation said %q, not naming both entries", said)
	}
	if !gone("a.txt") || !gone("sub") {
		t.Error("a.txt or sub/ is still there")
	}

	reloadAfter(t, ctx, "rename old.txt",
		chromedp.Click(chromedp.CSS(`input.pick[value="old.txt"]`)),
		chromedp.SetValue(chromedp.CSS("#manage-to"), "new name.txt"),
		chromedp.Click(chromedp.CSS(`button[data-action="rename"]`)))
	reloadAfter(t, ctx, "move b.txt to /dest/",
		chromedp.Click(chromedp.CSS(`input.pick[value="b.txt"]`)),
		chromedp.SetValue(chromedp.CSS("#manage-to"), "/dest/"),
		chromedp.Click(chromedp.CSS(`button[data-action="move"]`)))
	if !gone("old.txt") || gone("new name.txt") || gone("dest/b.txt") {
		t.Errorf("after rename and move: %v", names(t, dir))
	}

	do(t, ctx, "a refusal shows", chromedp.Click(chromedp.CSS(`button[data-action="rename"]`)),
		chromedp.WaitVisible(chromedp.CSS("#manage-status")))
	if got := eval[string](t, ctx, `document.getElementById("manage-status").textContent`); got != "Tick the entries first." {
		t.Errorf("status %q", got)
	}
	browsertest.CheckNoCSPViolations(t, ctx)

	// Without scripts: the form posts, the server asks, the entry goes.
	do(t, ctx, "turn scripts off", call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}),
		chromedp.Navigate(srvURL+"/"), chromedp.WaitVisible(chromedp.CSS("#manage-form")))
	reloadAfter(t, ctx, "delete new name.txt without scripts",
		chromedp.Click(chromedp.CSS(`input.pick[value="new name.txt"]`)),
		chromedp.Click(chromedp.CSS(`button[data-action="delete"]`)))
	if text := eval[string](t, ctx, `document.body.textContent`); !strings.Contains(text, "Delete 1 entry?") || !strings.Contains(text, "new name.txt") {
		t.Errorf("the confirmation page says %q", text)
	}
	if gone("new name.txt") {
		t.Fatal("deleted before it was confirmed")
	}
	browsertest.Screenshot(t, ctx, "manage-confirm")
	reloadAfter(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	if !gone("new name.txt") {
		t.Error("new name.txt is still there after the confirmed delete")
	}
	reloadAfter(t, ctx, "rename without scripts",
		chromedp.Click(chromedp.CSS(`input.pick[value="dest"]`)),
		chromedp.SetValue(chromedp.CSS("#manage-to"), "renamed"),
		chromedp.Click(chromedp.CSS(`button[data-action="rename"]`)))
	if got := names(t, dir); !slices.Equal(got, []string{"renamed", "renamed/b.txt"}) {
		t.Errorf("after the forms: %q", got)
	}
}

// TestBrowserManageScreenshots renders the listing with the manage form,
// and an entry's page of forms, light, dark and on a phone, and checks
// the phone's pages do not scroll sideways.
func TestBrowserManageScreenshots(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, _ := serveManaged(t)
	for _, s := range []struct {
		name          string
		width, height int64
		scheme        string
	}{
		{"manage-light", 1200, 700, "light"},
		{"manage-dark", 1200, 700, "dark"},
		{"manage-375px", 375, 812, "light"},
		{"manage-375px-dark", 375, 812, "dark"},
	} {
		do(t, ctx, s.name,
			call(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: s.width, Height: s.height, DeviceScaleFactor: 1, Mobile: s.width < 500}),
			call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s.scheme}}}),
			chromedp.Navigate(srvURL+"/"),
			chromedp.WaitVisible(chromedp.CSS("#manage-form")),
			chromedp.Click(chromedp.CSS(`input.pick[value="b.txt"]`)))
		browsertest.Screenshot(t, ctx, s.name)
		if s.width < 500 {
			checkNarrow(t, ctx)
		}
		do(t, ctx, s.name+" entry", chromedp.Navigate(srvURL+"/?do=entry&name=b.txt"), chromedp.WaitVisible(chromedp.CSS("#rename-to")))
		browsertest.Screenshot(t, ctx, s.name+"-entry")
		if width := eval[int](t, ctx, `document.documentElement.scrollWidth`); width > int(s.width) {
			t.Errorf("%s: the entry's page is %d px wide", s.name, width)
		}
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

// TestBrowserManageEntry renames, moves and deletes single entries from
// their rows: each row's Edit link, reached with the keyboard, opens the
// entry's page of forms, which looks like the listing, runs no script
// and works the same with scripts off.
func TestBrowserManageEntry(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir := serveManaged(t)
	gone := func(name string) bool { _, err := os.Lstat(filepath.Join(dir, name)); return err != nil }
	do(t, ctx, "open the listing", chromedp.Navigate(srvURL+"/"), chromedp.WaitVisible(chromedp.CSS("#manage-form")))
	edit := `a.edit[aria-label="Rename, move or delete old.txt"]`
	if n := eval[int](t, ctx, `document.querySelectorAll("a.edit").length`); n != 5 {
		t.Errorf("%d Edit links, want one per entry (5)", n)
	}
	reloadAfter(t, ctx, "follow old.txt's Edit link with the keyboard",
		chromedp.Focus(chromedp.CSS(edit)), chromedp.KeyEvent("\r"))
	do(t, ctx, "the entry's page", chromedp.WaitVisible(chromedp.CSS("#rename-to")))
	checkManagePage(t, ctx)
	if got := eval[string](t, ctx, `document.getElementById("rename-to").value`); got != "old.txt" {
		t.Errorf("the new name starts as %q", got)
	}
	reloadAfter(t, ctx, "rename old.txt",
		chromedp.SetValue(chromedp.CSS("#rename-to"), "new.txt"),
		chromedp.Click(chromedp.CSS(`form[action="./?do=rename"] button`)))
	if gone("new.txt") || !gone("old.txt") {
		t.Errorf("after the rename: %v", names(t, dir))
	}

	do(t, ctx, "turn scripts off", call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	reloadAfter(t, ctx, "open b.txt's page", chromedp.Navigate(srvURL+"/?do=entry&name=b.txt"))
	reloadAfter(t, ctx, "move b.txt",
		chromedp.SetValue(chromedp.CSS("#move-to"), "/dest/"),
		chromedp.Click(chromedp.CSS(`form[action="./?do=move"] button`)))
	if gone("dest/b.txt") {
		t.Errorf("after the move: %v", names(t, dir))
	}
	reloadAfter(t, ctx, "open sub's page, then Delete…",
		chromedp.Navigate(srvURL+"/?do=entry&name=sub"))
	reloadAfter(t, ctx, "Delete…", chromedp.Click(chromedp.CSS(`form[action="./?do=delete"] button`)))
	if text := eval[string](t, ctx, `document.querySelector("main").textContent`); !strings.Contains(text, "sub/, a folder, with everything in it") {
		t.Errorf("the confirmation says %q", text)
	}
	checkManagePage(t, ctx)
	browsertest.Screenshot(t, ctx, "manage-confirm-entry")
	if gone("sub/c.txt") {
		t.Fatal("deleted before it was confirmed")
	}
	reloadAfter(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`button.danger`)))
	if !gone("sub") {
		t.Errorf("sub is still there: %v", names(t, dir))
	}
}

// checkManagePage checks that a page of manage.html has the listing's
// style sheet applied and no script.
func checkManagePage(t *testing.T, ctx context.Context) {
	t.Helper()
	if radius := eval[string](t, ctx, `getComputedStyle(document.querySelector(".manage-card")).borderTopLeftRadius`); radius != "12px" {
		t.Errorf("the style sheet is not applied (a card's corner is %q)", radius)
	}
	if n := eval[int](t, ctx, `document.scripts.length`); n != 0 {
		t.Errorf("the page has %d scripts", n)
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

// reloadAfter runs actions that end in a new page (a reload, a form's
// answer) and waits until that page has loaded.
func reloadAfter(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	eval[bool](t, ctx, `window.__before = true`)
	do(t, ctx, step, actions...)
	waitUntil(t, ctx, `!window.__before && document.readyState === "complete"`)
}

// waitUntil waits until the JavaScript condition holds in the page,
// which may be reloading meanwhile.
func waitUntil(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	browsertest.WaitUntil(t, ctx, cond, `(document.getElementById("manage-status") || {}).textContent + " | to=" + (document.getElementById("manage-to")||{}).value + " | ticked=" + document.querySelectorAll("input.pick:checked").length + " | " + location.href`)
}

// names lists every name under dir, as sorted slash paths.
func names(t *testing.T, dir string) []string {
	t.Helper()
	var list []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		list = append(list, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(list)
	return list
}
