package dav_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/dav"
	"github.com/simplehttp/simplehttp/fileserve"
)

// benchFolder is a served folder holding a 10,000-entry folder "big",
// as make bench-peers's listing fixture.
func benchFolder(b *testing.B) *os.Root {
	b.Helper()
	dir := b.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.Mkdir(big, 0o755); err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		if err := os.WriteFile(filepath.Join(big, fmt.Sprintf("file-%05d.txt", i)), []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return root
}

// rclonePropfind is the body rclone sends; davfs2's and Finder's name a
// similar handful of DAV: properties.
const rclonePropfind = `<?xml version="1.0" encoding="UTF-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:getlastmodified/><d:getcontentlength/><d:resourcetype/><d:getcontenttype/><d:getetag/></d:prop></d:propfind>`

// BenchmarkFolder10k answers a 10,000-entry folder: PROPFIND Depth 1
// (as rclone asks, and as allprop, which reads dead properties too)
// beside the file server's JSON listing of the same folder. An allprop
// of a folder where no entry has dead properties reads them once, and
// remembers (see bareFolders); allprop-with-props is the folder once one
// entry has some, where each allprop reads every entry's.
func BenchmarkFolder10k(b *testing.B) {
	root := benchFolder(b)
	files := fileserve.NewRoot(root, nil)
	// The folder was just made: a clock an hour ahead counts it as
	// changed long enough ago to be remembered.
	later := func() time.Time { return time.Now().Add(time.Hour) }
	h := dav.New(root, files, &dav.Options{Upload: true, Now: later})
	for _, bench := range []struct {
		name, method, body string
		header             []string
	}{
		{"json-listing", "GET", "", []string{"Accept", "application/json"}},
		{"propfind-depth1", "PROPFIND", rclonePropfind, []string{"Depth", "1"}},
		{"propfind-depth1-allprop", "PROPFIND", "", []string{"Depth", "1"}},
		{"propfind-depth1-allprop-with-props", "PROPFIND", "", []string{"Depth", "1"}},
	} {
		if strings.HasSuffix(bench.name, "with-props") {
			patch := `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:k xmlns:Z="urn:z">v</Z:k></D:prop></D:set></D:propertyupdate>`
			r := httptest.NewRequest("PROPPATCH", "/big/file-05000.txt", strings.NewReader(patch))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != 207 || !strings.Contains(rec.Body.String(), "200 OK") {
				b.Fatalf("PROPPATCH: %d %s", rec.Code, rec.Body)
			}
		}
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				r := httptest.NewRequest(bench.method, "/big/", strings.NewReader(bench.body))
				for i := 0; i+1 < len(bench.header); i += 2 {
					r.Header.Set(bench.header[i], bench.header[i+1])
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				if rec.Code != http.StatusOK && rec.Code != 207 {
					b.Fatalf("%s: %d", bench.name, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/op")
		})
	}
}
