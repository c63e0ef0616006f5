package fileserve_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
)

// TestLargeListingStreams: a listing too big to send whole goes out
// without a Content-Length, complete; a small one keeps its length; HEAD
// gets the headers and no body.
func TestLargeListingStreams(t *testing.T) {
	root, dir := tempRoot(t, map[string]string{"small/a.txt": "a", "big/": ""})
	for i := range 3000 {
		name := filepath.Join(dir, "big", fmt.Sprintf("file-with-a-longish-name-%05d.txt", i))
		if err := os.WriteFile(name, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := fileserve.NewRoot(root, nil)
	for _, format := range []string{"", "?format=json"} {
		resp := serve(t, h, "GET", "/big/"+format)
		page := body(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Length") != "" || len(page) <= 256<<10 {
			t.Errorf("big%s: %d, Content-Length %q, %d bytes", format, resp.StatusCode, resp.Header.Get("Content-Length"), len(page))
		}
		for _, name := range []string{"file-with-a-longish-name-00000.txt", "file-with-a-longish-name-02999.txt"} {
			if !strings.Contains(page, name) {
				t.Errorf("big%s: no %s", format, name)
			}
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("big%s: no security headers: %v", format, resp.Header)
		}
	}
	if !strings.HasSuffix(body(t, serve(t, h, "GET", "/big/")), "</html>\n") {
		t.Error("the streamed page does not end as a page does")
	}
	resp := serve(t, h, "GET", "/small/")
	page := body(t, resp)
	if n, _ := strconv.Atoi(resp.Header.Get("Content-Length")); n != len(page) || n == 0 {
		t.Errorf("small: Content-Length %q for %d bytes", resp.Header.Get("Content-Length"), len(page))
	}
	if resp := serve(t, h, "HEAD", "/big/"); resp.StatusCode != 200 || body(t, resp) != "" {
		t.Errorf("HEAD big: %d", resp.StatusCode)
	}
}
