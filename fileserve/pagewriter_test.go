package fileserve_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/encode"
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

// TestCodedPages: a page the writer codes itself is sent whole, coded,
// with its length, and handed back to be kept; but never larger than it
// is (sent as it is, not kept) unless the client refuses it as it is; and
// streamed, coded, without a length, once its coding outgrows the
// writer's buffer. HEAD gets the headers of GET.
func TestCodedPages(t *testing.T) {
	text := []byte(strings.Repeat("a page of a listing, compressible\n", 300))
	random := randomBytes(10 << 10)
	wholeRandom := randomBytes(256 << 10) // held whole: its coding outgrows the buffer first
	big := []byte(base64Text(1 << 20))    // coded, still more than the buffer
	tests := []struct {
		name, method, accept string
		content              []byte
		coding               string
		sized, kept          bool
	}{
		{"compressible", "GET", chromeAccept, text, "zstd", true, true},
		{"compressible, HEAD", "HEAD", chromeAccept, text, "zstd", true, true},
		{"gzip asked", "GET", "gzip", text, "gzip", true, true},
		{"no coding asked", "GET", "", text, "", true, false},
		{"does not shrink", "GET", chromeAccept, random, "", true, false},
		{"does not shrink, held whole", "GET", chromeAccept, wholeRandom, "", true, false},
		{"identity refused", "GET", "br, identity;q=0", random, "br", true, true},
		{"coded, too long to hold", "GET", chromeAccept, big, "zstd", false, false},
		{"coded, too long to hold, HEAD", "HEAD", chromeAccept, big, "zstd", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var kept []byte
			h := encode.New(fileserve.PageHandler(tc.content, 16<<10, &kept), nil)
			resp := serve(t, h, tc.method, "/", "Accept-Encoding", tc.accept)
			raw := body(t, resp)
			if c := resp.Header.Get("Content-Encoding"); c != tc.coding {
				t.Fatalf("Content-Encoding %q, want %q", c, tc.coding)
			}
			length := resp.Header.Get("Content-Length")
			if (length != "") != tc.sized || (kept != nil) != tc.kept {
				t.Errorf("Content-Length %q, kept %d bytes; want a length %v, kept %v", length, len(kept), tc.sized, tc.kept)
			}
			if tc.method == "HEAD" {
				if raw != "" {
					t.Errorf("HEAD: %d bytes of body", len(raw))
				}
				return
			}
			if length != "" && length != strconv.Itoa(len(raw)) {
				t.Errorf("Content-Length %s for %d bytes", length, len(raw))
			}
			if kept != nil && string(kept) != raw {
				t.Error("the page kept is not the page sent")
			}
			content := raw
			if tc.coding != "" {
				content = decodeString(t, tc.coding, raw)
			}
			if content != string(tc.content) {
				t.Errorf("the page differs: %d bytes, want %d", len(content), len(tc.content))
			}
		})
	}
}
