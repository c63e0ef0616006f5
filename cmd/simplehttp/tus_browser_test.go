package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tusPage is the test's page: tus-js-client's browser bundle uploads the
// file chosen in #file to the folder the page is served from, in 1 MiB
// chunks, and upload() resolves with "done" or the error.
const tusPage = `<!DOCTYPE html>
<title>tus-js-client</title>
<script src="tus.min.js"></script>
<input type="file" id="file">
<script>
function upload() {
	return new Promise((resolve) => {
		const file = document.getElementById("file").files[0];
		const up = new tus.Upload(file, {
			endpoint: location.origin + "/",
			chunkSize: 1048576,
			metadata: { filename: file.name, filetype: file.type },
			retryDelays: Array(100).fill(200),
			onError: (err) => resolve(String(err)),
			onSuccess: () => resolve("done"),
		});
		up.start();
	});
}
</script>
`

// TestTusJSChromium uploads 200 MiB with tus-js-client in headless
// Chromium through nginx with client_max_body_size 1m. The page and the
// bundle come from the test (nginx sends /tus-test/ to it), on the same
// origin as the server, as a site of one's own that uploads there would.
func TestTusJSChromium(t *testing.T) {
	chromium := requireTool(t, "chromium")
	_, clientDir := tusClientDir(t)
	bundle, err := os.ReadFile(filepath.Join(clientDir, "node_modules", "tus-js-client", "dist", "tus.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	pages := httptest.NewServer(http.StripPrefix("/tus-test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(tusPage))
		case "/tus.min.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(bundle)
		default:
			http.NotFound(w, r)
		}
	})))
	defer pages.Close()
	s := &tusSite{dir: t.TempDir(), partials: t.TempDir(), port: freePort(t)}
	s.start(t)
	s.proxy = startProxy(t, "127.0.0.1:"+s.port, "location /tus-test/ { proxy_pass "+pages.URL+"; }")
	src, sum := bigFile(t, bigUpload, 8)
	video := filepath.Join(filepath.Dir(src), "video.mp4")
	if err := os.Rename(src, video); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	err = chromedp.Do(ctx,
		chromedp.Navigate("http://127.0.0.1:"+s.proxy.port+"/tus-test/"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{video}))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	result, err := chromedp.Run(ctx, chromedp.Evaluate[string](`upload()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if result != "done" {
		t.Fatalf("tus-js-client in Chromium: %s", result)
	}
	if got := fileSum(t, filepath.Join(s.dir, "video.mp4")); got != sum {
		t.Error("video.mp4 arrived with another SHA-256")
	}
	if n := s.proxy.refusals(t); n != 0 {
		t.Errorf("nginx refused %d requests with 413", n)
	}
}
