package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/discard"
	"github.com/simplehttp/simplehttp/internal/localfs"
	"github.com/simplehttp/simplehttp/netlimit"
)

// BenchmarkChain measures the whole handler chain the server runs with
// -q (front door, compression, file server) for its commonest answers: a
// 1 KiB text file, asked for as curl asks and as Chrome asks (which gets
// it compressed, kept so in memory), and over HTTP/2 (where each request
// has a goroutine of its own), and a missing name. The network is left out, and so is the
// test's own garbage (the request is built once, the ResponseWriter
// discards what it is given), so the allocations counted are the chain's.
func BenchmarkChain(b *testing.B) {
	s, o := smallFileSite(b)
	h := netlimit.StreamDeadlines(newFrontDoor(s, o, defaultLimits, os.Stderr), defaultLimits.write)
	discard.Bench(b, h,
		discard.Case{Name: "small", Target: "/small.txt", Code: http.StatusOK},
		discard.Case{Name: "chrome-small", Target: "/small.txt", Header: chromeNavigation, Code: http.StatusOK},
		discard.Case{Name: "h2-small", Target: "/small.txt", HTTP2: true, Code: http.StatusOK},
		discard.Case{Name: "h2-chrome-small", Target: "/small.txt", Header: chromeNavigation, HTTP2: true, Code: http.StatusOK},
		discard.Case{Name: "missing", Target: "/no-such-dir/no-such-file.txt", Code: http.StatusNotFound})
}

// chromeNavigation is what Chromium sends with a file opened in a tab
// (bench/peers captured it), but Connection, which net/http removes.
var chromeNavigation = http.Header{
	"Accept":                    {"text/html,application/xhtml+xml,application/xml;q=0.9,image/jxl,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"},
	"Accept-Encoding":           {"gzip, deflate, br, zstd"},
	"Accept-Language":           {"en-US,en;q=0.9"},
	"Sec-Ch-Ua":                 {`"Not:A-Brand";v="8", "Chromium";v="156"`},
	"Sec-Ch-Ua-Mobile":          {"?0"},
	"Sec-Ch-Ua-Platform":        {`"Linux"`},
	"Sec-Fetch-Dest":            {"document"},
	"Sec-Fetch-Mode":            {"navigate"},
	"Sec-Fetch-Site":            {"none"},
	"Sec-Fetch-User":            {"?1"},
	"Upgrade-Insecure-Requests": {"1"},
	"User-Agent":                {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"},
}

// smallFileContent is bench/peers' 1 KiB file.
var smallFileContent = bytes.Repeat([]byte("simplehttp bench-peers fixture.\n"), 32)

// smallFileSite is the site the server opens with -q for a folder that
// holds bench/peers' 1 KiB file, small.txt, once the file has settled:
// the file server holds a file in memory only once it has not changed for
// localfs.SettleTime, as bench/peers' fixtures have not (a file's change
// time cannot be set).
func smallFileSite(tb testing.TB) (*site, *options) {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), smallFileContent, 0o644); err != nil {
		tb.Fatal(err)
	}
	time.Sleep(localfs.SettleTime + 100*time.Millisecond)
	o, err := parseArgs([]string{"-q", "-d", dir})
	if err != nil {
		tb.Fatal(err)
	}
	s, err := openSite(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.root.Close() })
	return s, o
}
