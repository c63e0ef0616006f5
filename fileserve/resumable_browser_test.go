package fileserve_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/browsertest"
	"github.com/simplehttp/simplehttp/upload"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// exchangeLog records the method, target, Upload-Offset, body length and
// status of every request a server answered, and counts those it is
// still answering.
type exchangeLog struct {
	mu    sync.Mutex
	lines []string
	open  int
}

// begin notes that a request came in; add ends it with its line.
func (l *exchangeLog) begin() {
	l.mu.Lock()
	l.open++
	l.mu.Unlock()
}

func (l *exchangeLog) add(line string) {
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.open--
	l.mu.Unlock()
}

// waitIdle waits until the server answers no request, and fails the test
// if that takes longer than stepTimeout.
func (l *exchangeLog) waitIdle(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(stepTimeout); ; time.Sleep(20 * time.Millisecond) {
		l.mu.Lock()
		open := l.open
		l.mu.Unlock()
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server still answers %d requests after %s", open, stepTimeout)
		}
	}
}

// find returns the lines that contain every one of words.
func (l *exchangeLog) find(words ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var found []string
	for _, line := range l.lines {
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			found = append(found, line)
		}
	}
	return found
}

// statusRecorder keeps the status an answer was sent with.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 && code >= 200 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// capBodies answers 413, as nginx with client_max_body_size does, to a
// request whose body is over limit bytes, and logs every exchange.
func capBodies(next http.Handler, limit int64, log *exchangeLog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.begin()
		rec := &statusRecorder{ResponseWriter: w}
		if r.ContentLength > limit {
			http.Error(rec, "413 Request Entity Too Large", http.StatusRequestEntityTooLarge)
		} else {
			next.ServeHTTP(rec, r)
		}
		log.add(r.Method + " " + r.URL.RequestURI() + " offset=" + r.Header.Get("Upload-Offset") +
			" length=" + strconv.FormatInt(r.ContentLength, 10) + " status=" + strconv.Itoa(rec.code))
	})
}

// serveResumable serves a fresh folder with resumable uploads, behind a
// 1 MiB cap on bodies, reading bodies at about 4 MB/s.
func serveResumable(t *testing.T) (srvURL, dir, partsDir string, log *exchangeLog) {
	t.Helper()
	root, dir := tempRoot(t, map[string]string{"existing.txt": "existing\n"})
	partsDir = t.TempDir()
	store, err := parts.Open(partsDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	files := fileserve.NewRoot(root, &fileserve.Options{UploadForm: true})
	log = &exchangeLog{}
	srv := httptest.NewServer(capBodies(slowBodies(upload.New(root, files, &upload.Options{Resumable: store})), 1<<20, log))
	t.Cleanup(srv.Close)
	return srv.URL, dir, partsDir, log
}

// waitRow waits until the first upload row's progress reaches at least
// min and the row tells the time left, and returns its status text then.
func waitRow(t *testing.T, ctx context.Context, min float64) string {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		v := eval[float64](t, ctx, `(document.querySelector("#upload-list progress") || {value: 0}).value`)
		status := eval[string](t, ctx, `(document.querySelector("#upload-list .upload-status") || {}).textContent || ""`)
		if v >= min && strings.HasSuffix(status, " left") {
			return status
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the upload's progress never reached %v", min)
	return ""
}

// TestBrowserResumableUpload uploads a 12 MiB file from the listing
// through a proxy that refuses bodies over 1 MiB: the page goes
// resumable, halves its chunks until the proxy takes them, shows speed and
// time left, and the file arrives whole; nothing is sent with PUT.
func TestBrowserResumableUpload(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir, partsDir, log := serveResumable(t)
	big := noise(12<<20, 1)
	src := filepath.Join(t.TempDir(), "big upload.bin")
	if err := os.WriteFile(src, big, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "open the listing", chromedp.Navigate(srvURL+"/"), chromedp.WaitVisible(chromedp.CSS("#upload-files")))
	do(t, ctx, "choose the file", chromedp.SetUploadFiles(chromedp.CSS("#upload-files"), []string{src}))
	status := waitRow(t, ctx, 0.2)
	if !strings.Contains(status, " of 12.0 MiB, ") || !strings.Contains(status, "/s, ") || !strings.HasSuffix(status, " left") {
		t.Errorf("while uploading the row says %q, want the bytes, the speed and the time left", status)
	}
	browsertest.Screenshot(t, ctx, "listing-resumable-upload")
	do(t, ctx, "the upload ends", chromedp.WaitVisible(chromedp.CSS("#upload-list li.done")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="./big%20upload.bin"]`)))
	if got := eval[string](t, ctx, `document.querySelector("#upload-list li").textContent`); got != "big upload.bin12.0 MiB, uploaded" {
		t.Errorf("the finished row says %q", got)
	}
	sameContent(t, filepath.Join(dir, "big upload.bin"), big)
	if puts := log.find("PUT "); len(puts) != 0 {
		t.Errorf("the page sent PUTs: %q", puts)
	}
	if refused := log.find("PATCH ", "status=413"); len(refused) == 0 {
		t.Error("no chunk was refused by the 1 MiB cap: the test proves nothing about adapting")
	}
	if taken := log.find("PATCH ", "length=1048576", "status=204"); len(taken) < 11 {
		t.Errorf("%d chunks of 1 MiB taken, want 11 or more: %q", len(taken), log.find("PATCH "))
	}
	if left, _ := filepath.Glob(filepath.Join(partsDir, "*.part")); len(left) != 0 {
		t.Errorf("parts left: %q", left)
	}
	browsertest.CheckNoCSPViolations(t, ctx)
}

// TestBrowserResumablePauseAndReload pauses an upload and resumes it;
// then leaves the page in the middle of another, comes back, chooses the
// same file again, and the upload goes on from where the server was.
func TestBrowserResumablePauseAndReload(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir, _, log := serveResumable(t)
	data := noise(8<<20, 2)
	src := filepath.Join(t.TempDir(), "movie.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "count the chunks the page sends", countPatches)
	do(t, ctx, "open the listing", chromedp.Navigate(srvURL+"/"), chromedp.WaitVisible(chromedp.CSS("#upload-files")))
	do(t, ctx, "choose the file", chromedp.SetUploadFiles(chromedp.CSS("#upload-files"), []string{src}))
	waitRow(t, ctx, 0.15)
	do(t, ctx, "pause", chromedp.Click(chromedp.CSS("#upload-list .upload-controls button")),
		chromedp.WaitVisible(chromedp.CSS("#upload-list li.paused")))
	paused := eval[float64](t, ctx, `document.querySelector("#upload-list progress").value`)
	if status := eval[string](t, ctx, `document.querySelector("#upload-list .upload-status").textContent`); !strings.HasPrefix(status, "paused at ") {
		t.Errorf("a paused row says %q", status)
	}
	// The page counts the chunks it sends, so a chunk that pausing cut
	// off, which the server may log well after the row shows paused on a
	// loaded machine, is not taken for one sent while paused.
	patches := eval[int](t, ctx, `window.patchesSent`)
	if patches == 0 {
		t.Fatal("the page counted no chunk before the pause, yet its row moved")
	}
	log.waitIdle(t)
	time.Sleep(500 * time.Millisecond) // long enough for a chunk to go, were one going
	if now := eval[int](t, ctx, `window.patchesSent`); now != patches {
		t.Errorf("%d chunks were sent while paused", now-patches)
	}
	if _, err := os.Stat(filepath.Join(dir, "movie.bin")); err == nil {
		t.Fatal("the file is there before the upload ended")
	}
	do(t, ctx, "resume", chromedp.Click(chromedp.CSS("#upload-list .upload-controls button")))
	waitRow(t, ctx, paused+0.1)
	do(t, ctx, "leave the page mid-upload", chromedp.Navigate(srvURL+"/existing.txt"))
	heads := len(log.find("HEAD "))
	do(t, ctx, "come back and choose the file again", chromedp.Navigate(srvURL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#upload-files")),
		chromedp.SetUploadFiles(chromedp.CSS("#upload-files"), []string{src}),
		chromedp.WaitVisible(chromedp.CSS("#upload-list li.done")))
	sameContent(t, filepath.Join(dir, "movie.bin"), data)
	if len(log.find("HEAD ", "?upload=", "status=200")) <= heads {
		t.Error("the page did not ask the server for the offset of the upload it remembered")
	}
	if creations := log.find("POST ", "status=201"); len(creations) != 1 {
		t.Errorf("%d uploads created, want 1 resumed: %q", len(creations), creations)
	}
}

// countPatches makes every page the browser opens from now on count, in
// window.patchesSent, the PATCH requests it sends.
var countPatches = call(page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
window.patchesSent = 0;
const open = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (method, ...rest) {
  if (String(method).toUpperCase() === "PATCH") window.patchesSent++;
  return open.call(this, method, ...rest);
};`})

// TestBrowserResumableCancel cancels an upload: the server is told, and
// nothing of it stays.
func TestBrowserResumableCancel(t *testing.T) {
	ctx := newBrowser(t)
	srvURL, dir, partsDir, log := serveResumable(t)
	src := filepath.Join(t.TempDir(), "gone.bin")
	if err := os.WriteFile(src, noise(8<<20, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "open the listing", chromedp.Navigate(srvURL+"/"), chromedp.WaitVisible(chromedp.CSS("#upload-files")))
	do(t, ctx, "choose the file", chromedp.SetUploadFiles(chromedp.CSS("#upload-files"), []string{src}))
	waitRow(t, ctx, 0.15)
	do(t, ctx, "cancel", chromedp.Click(chromedp.CSS("#upload-list .upload-controls button:last-child")),
		chromedp.WaitVisible(chromedp.CSS("#upload-list li.failed")))
	deadline := time.Now().Add(stepTimeout)
	for len(log.find("DELETE ", "status=204")) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(log.find("DELETE ", "status=204")) != 1 {
		t.Errorf("the server was not told: %q", log.find("DELETE "))
	}
	if left, _ := filepath.Glob(filepath.Join(partsDir, "*")); len(left) != 0 {
		t.Errorf("the canceled upload left %q", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone.bin")); err == nil {
		t.Error("the canceled file is there")
	}
}

// noise returns n reproducible bytes that do not compress.
func noise(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}
