package fileserve_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/browsertest"
	"github.com/simplehttp/simplehttp/upload"
)

// slowBodies slows the reading of request bodies to about 4 MB/s, so a
// browser's upload lasts long enough to be watched.
func slowBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r2 := *r
			r2.Body = slowBody{r.Body}
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}

type slowBody struct{ io.ReadCloser }

func (b slowBody) Read(p []byte) (int, error) {
	time.Sleep(4 * time.Millisecond)
	return b.ReadCloser.Read(p[:min(len(p), 16<<10)])
}

// serveUploads serves a fresh folder with uploads on, through
// fileserve.NewRoot with UploadForm and upload.New in front, as the
// command does with --upload.
func serveUploads(t *testing.T) (srvURL, dir string) {
	t.Helper()
	root, dir := tempRoot(t, map[string]string{"existing.txt": "existing\n", "sub/": ""})
	files := fileserve.NewRoot(root, &fileserve.Options{UploadForm: true})
	srv := httptest.NewServer(slowBodies(upload.New(root, files, nil)))
	t.Cleanup(srv.Close)
	return srv.URL, dir
}

// TestBrowserUpload chooses two files in the listing's upload area:
// each gets a progress bar that moves, then both rows appear in the
// table, and the files on disk are the ones chosen. Then it makes a
// folder with the form, and drops a file on the page.
func TestBrowserUpload(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir := serveUploads(t)
	src := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 6<<20/16) // 6 MiB: 1.5 s at 4 MB/s
	small := []byte("a small file\n")
	bigPath, smallPath := filepath.Join(src, "big upload.bin"), filepath.Join(src, "small é.txt")
	if err := os.WriteFile(bigPath, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(smallPath, small, 0o644); err != nil {
		t.Fatal(err)
	}

	do(t, ctx, "open the listing", chromedp.Navigate(srvURL+"/"), chromedp.WaitVisible(chromedp.CSS("#upload-files")))
	checkStyled(t, ctx)
	if hidden := eval[string](t, ctx, `getComputedStyle(document.querySelector("#upload-form button")).display`); hidden != "none" {
		t.Errorf("with the script, the Upload button shows (display %q): files upload when chosen", hidden)
	}
	do(t, ctx, "choose two files", chromedp.SetUploadFiles(chromedp.CSS("#upload-files"), []string{bigPath, smallPath}))

	// Watch the big file's bar move while it uploads.
	var seen []float64
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		values := eval[[]float64](t, ctx, `Array.from(document.querySelectorAll("#upload-list progress")).map(p => p.value)`)
		if len(values) == 2 {
			seen = append(seen, values[0])
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("#upload-list li.done").length`); n == 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !slices.ContainsFunc(seen, func(v float64) bool { return v > 0 && v < 1 }) {
		t.Errorf("the big file's progress bar went %v, never between 0 and 1", seen)
	}
	statuses := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#upload-list li")).map(li => li.className + ": " + li.textContent)`)
	want := []string{"done: big upload.bin6.0 MiB, uploaded", "done: small é.txt13 B, uploaded"}
	if !slices.Equal(statuses, want) {
		t.Errorf("upload list %q, want %q", statuses, want)
	}
	do(t, ctx, "the table shows both", chromedp.WaitVisible(chromedp.CSS(`a[href="./small%20%C3%A9.txt"]`)))
	names := eval[[]string](t, ctx, rowNames)
	if !slices.Equal(names, []string{"big upload.bin", "existing.txt", "small é.txt", "sub/"}) {
		t.Errorf("rows after the upload: %q", names)
	}
	if summary := eval[string](t, ctx, `document.getElementById("summary").textContent`); summary != "4 entries" {
		t.Errorf("summary %q", summary)
	}
	sameContent(t, filepath.Join(dir, "big upload.bin"), big)
	sameContent(t, filepath.Join(dir, "small é.txt"), small)

	// The same name again: refused, said so in the list.
	do(t, ctx, "choose an existing name", chromedp.SetUploadFiles(chromedp.CSS("#upload-files"), []string{smallPath}),
		chromedp.WaitVisible(chromedp.CSS("#upload-list li.failed")))
	if got := eval[string](t, ctx, `document.querySelector("#upload-list li.failed .upload-status").textContent`); !strings.Contains(got, "exists") {
		t.Errorf("a refused upload says %q", got)
	}
	browsertest.Screenshot(t, ctx, "listing-upload")

	do(t, ctx, "make a folder",
		chromedp.SendKeys(chromedp.CSS("#mkdir-name"), "new folder"),
		chromedp.Submit(chromedp.CSS("#mkdir-name")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="./new%20folder/"]`)))
	if loc := eval[string](t, ctx, "location.href"); loc != srvURL+"/" {
		t.Errorf("after making a folder the page is %s", loc)
	}
	if info, err := os.Stat(filepath.Join(dir, "new folder")); err != nil || !info.IsDir() {
		t.Errorf("no folder made: %v", err)
	}

	// Drop a file on the page, as a drag from the desktop does.
	do(t, ctx, "drop a file", chromedp.Evaluate[chromedp.Void](`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["dropped\n"], "dropped.txt", {type: "text/plain"}));
		document.body.dispatchEvent(new DragEvent("dragenter", {dataTransfer: dt, bubbles: true}));
		document.body.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`), chromedp.WaitVisible(chromedp.CSS(`a[href="./dropped.txt"]`)))
	sameContent(t, filepath.Join(dir, "dropped.txt"), []byte("dropped\n"))
	browsertest.CheckNoCSPViolations(t, ctx)
}

// TestBrowserUploadWithoutScript uploads with JavaScript off: the form
// posts both files in one multipart POST, and the browser follows the
// redirect back to the listing, which shows them.
func TestBrowserUploadWithoutScript(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir := serveUploads(t)
	src := t.TempDir()
	a, b := filepath.Join(src, "a.txt"), filepath.Join(src, "b.txt")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte(filepath.Base(p)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do(t, ctx, "turn JavaScript off",
		call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	do(t, ctx, "open the listing and post the form",
		chromedp.Navigate(srvURL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#upload-files")),
		chromedp.SetUploadFiles(chromedp.CSS("#upload-files"), []string{a, b}),
		chromedp.Click(chromedp.CSS("#upload-form button")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="./b.txt"]`)))
	if loc := eval[string](t, ctx, "location.href"); loc != srvURL+"/" {
		t.Errorf("after the post the page is %s", loc)
	}
	sameContent(t, filepath.Join(dir, "a.txt"), []byte("a.txt\n"))
	sameContent(t, filepath.Join(dir, "b.txt"), []byte("b.txt\n"))
}

// TestBrowserCrossOriginForm submits, from a page of another origin, a
// form that posts to the upload server: the browser sends it, and the
// server refuses it without making anything.
func TestBrowserCrossOriginForm(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir := serveUploads(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><title>evil</title>
<form id="f" method="post" action="%s/" enctype="multipart/form-data"><input name="mkdir" value="pwned"><button>go</button></form>`, srvURL)
	}))
	defer evil.Close()
	do(t, ctx, "open the other origin's page", chromedp.Navigate(evil.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#f")))
	do(t, ctx, "submit its form", chromedp.Click(chromedp.CSS("#f button")), chromedp.WaitVisible(chromedp.CSS("h1")))
	if title := eval[string](t, ctx, "document.title"); title != "403 Forbidden" {
		t.Errorf("the cross-origin post got %q, want 403 Forbidden", title)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("a cross-origin form made a folder")
	}
}

// screenshot saves the page as artifacts/screenshots/name.png.
// sameContent checks that the file name holds want.
func sameContent(t *testing.T, name string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes, not the %d uploaded", name, len(got), len(want))
	}
}
