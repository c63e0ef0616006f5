package fileserve_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
)

// TestBrowserHotCoded has Chromium load a page whose two scripts the
// file server keeps compressed (one small enough to hold as it is too,
// one held compressed only), in its own Accept-Encoding and then in each
// coding, twice each (the first made compressed, the second sent from
// memory): the scripts run, and came compressed, smaller on the wire.
func TestBrowserHotCoded(t *testing.T) {
	ctx := newBrowser(t)
	small := "document.body.dataset.small = 'ran';\n" + strings.Repeat("// a line of padding for the compressor\n", 100)
	big := "document.body.dataset.big = 'ran';\n/*\n" + string(pseudoText(40<<10)) + "\n*/\n" // it holds no */
	root, _ := tempRoot(t, map[string]string{
		"index.html": `<!doctype html><title>page</title><body><script src="small.js"></script><script src="big.js"></script>`,
		"small.js":   small,
		"big.js":     big,
	})
	h := fileserve.NewRoot(root, &fileserve.Options{Precompressed: true})
	needDirect(t, h)
	h.SettleAll()
	srv := httptest.NewServer(encode.New(h, nil))
	t.Cleanup(srv.Close)

	do(t, ctx, "enable the network domain", call(network.Enable, network.EnableParams{}))
	do(t, ctx, "disable the cache", call(network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}))
	for _, accept := range []string{"", "zstd", "br", "gzip"} {
		if accept != "" {
			do(t, ctx, "send Accept-Encoding: "+accept, call(network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Encoding": accept}}))
		}
		for round := range 2 {
			navigate(t, ctx, srv.URL+"/?accept="+accept)
			if ran := eval[string](t, ctx, "document.body.dataset.small + ' ' + document.body.dataset.big"); ran != "ran ran" {
				t.Errorf("%q, round %d: the scripts did not both run (%q)", accept, round, ran)
			}
			sizes := eval[[]int](t, ctx, `performance.getEntriesByType("resource").
				filter(e => e.name.endsWith(".js")).flatMap(e => [e.encodedBodySize, e.decodedBodySize])`)
			if len(sizes) != 4 || sizes[0] >= sizes[1] || sizes[2] >= sizes[3] {
				t.Errorf("%q, round %d: the scripts' encoded and decoded sizes %v, want both smaller on the wire", accept, round, sizes)
			}
		}
		want := accept
		if want == "" {
			want = "br" // Chromium's "gzip, deflate, br, zstd": for a kept body, ties go to brotli
		}
		for _, name := range []string{"small.js", "big.js"} {
			if held, worth := h.HoldsCoded(name, want); !held || !worth {
				t.Errorf("%q: %s is not held in %s", accept, name, want)
			}
		}
	}
}
