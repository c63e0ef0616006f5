package fileserve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
)

// TestBrowserCompressed has Chromium fetch the listing, in its three
// formats, compressed in each coding (its own Accept-Encoding first, then
// one coding at a time), and checks through the DevTools protocol that
// the answer came compressed and that the page rendered. It also loads a
// page whose script is sent as a precompressed sibling.
func TestBrowserCompressed(t *testing.T) {
	ctx := newBrowser(t)
	dir := browserFixture(t)
	writePrecompressedPage(t, dir)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	srv := httptest.NewServer(encode.New(fileserve.New(root.FS(), &fileserve.Options{Precompressed: true}), nil))
	t.Cleanup(srv.Close)

	do(t, ctx, "enable the network domain", call(network.Enable, network.EnableParams{}))
	for _, accept := range []string{"", "zstd", "br", "gzip"} {
		if accept != "" {
			do(t, ctx, "send Accept-Encoding: "+accept, call(network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Encoding": accept}}))
		}
		want := accept // "": whichever coding Chromium prefers (it sends "gzip, deflate, br, zstd")
		// Each listing URL is new to the browser, so it is fetched again.
		query := "?accept=" + accept
		resp := navigate(t, ctx, srv.URL+"/"+query)
		checkEncoding(t, "HTML listing", resp, want)
		do(t, ctx, "wait for the listing", chromedp.WaitVisible(chromedp.CSS("#entries")))
		if names := eval[[]string](t, ctx, rowNames); len(names) < 10 {
			t.Errorf("%s: the listing shows %q", want, names)
		}
		checkStyled(t, ctx)

		resp = navigate(t, ctx, srv.URL+"/"+query+"&format=json")
		checkEncoding(t, "JSON listing", resp, want)
		var listing struct{ Entries []struct{ Name string } }
		text := eval[string](t, ctx, `document.querySelector("pre").textContent`)
		if err := json.Unmarshal([]byte(text), &listing); err != nil || len(listing.Entries) < 10 {
			t.Errorf("%s: JSON listing %q: %v", want, shortenString(text), err)
		}

		resp = navigate(t, ctx, srv.URL+"/"+query+"&format=txt")
		checkEncoding(t, "text listing", resp, want)
		if text := eval[string](t, ctx, "document.body.innerText"); !strings.HasPrefix(text, "# Directory listing for /") {
			t.Errorf("%s: text listing %q", want, shortenString(text))
		}
	}

	do(t, ctx, "send Accept-Encoding: br, gzip", call(network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Encoding": "br, gzip"}}))
	resp := navigate(t, ctx, srv.URL+"/precompressed/")
	checkEncoding(t, "a page", resp, "br")
	if ran := eval[string](t, ctx, "document.body.dataset.ran"); ran != "from the .br sibling" {
		t.Errorf("the script sent as app.js.br did not run (data-ran %q)", ran)
	}
	sizes := eval[[]int](t, ctx, `performance.getEntriesByType("resource").
		filter(e => e.name.endsWith("/app.js")).flatMap(e => [e.encodedBodySize, e.decodedBodySize])`)
	if len(sizes) != 2 || sizes[0] >= sizes[1] {
		t.Errorf("app.js loaded with encoded and decoded sizes %v, want it smaller on the wire", sizes)
	}
}

// writePrecompressedPage adds precompressed/index.html, a page that loads
// app.js, whose app.js.br sibling (made here, with the brotli library)
// says it ran from the sibling. app.js itself would say otherwise.
func writePrecompressedPage(t *testing.T, dir string) {
	t.Helper()
	sub := filepath.Join(dir, "precompressed")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	page := "<!doctype html><title>page</title><body><script src=\"app.js\"></script>\n"
	script := "document.body.dataset.ran = 'from the plain file';\n" + strings.Repeat("// padding\n", 200)
	sibling := "document.body.dataset.ran = 'from the .br sibling';\n" + strings.Repeat("// padding\n", 200)
	var br bytes.Buffer
	w := brotli.NewWriter(&br)
	w.Write([]byte(sibling))
	w.Close()
	// In this order: a sibling older than its file is stale, and not sent.
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"index.html", []byte(page + strings.Repeat("<!-- padding -->\n", 100))},
		{"app.js", []byte(script)},
		{"app.js.br", br.Bytes()},
	} {
		if err := os.WriteFile(filepath.Join(sub, f.name), f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// navigate loads url and returns the response of its document.
func navigate(t *testing.T, ctx context.Context, url string) *network.Response {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	return resp
}

// checkEncoding checks that resp came with Content-Encoding want, or
// with any of zstd, br and gzip when want is "".
func checkEncoding(t *testing.T, what string, resp *network.Response, want string) {
	t.Helper()
	var got string
	for k, v := range resp.Headers {
		if strings.EqualFold(k, "Content-Encoding") {
			got, _ = v.(string)
		}
	}
	ok := got == want
	if want == "" {
		ok = got == "zstd" || got == "br" || got == "gzip"
	}
	if resp.Status != 200 || !ok {
		t.Errorf("%s: status %d, Content-Encoding %q; want 200, %q", what, resp.Status, got, want)
	}
}

// shortenString cuts s for an error message.
func shortenString(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
