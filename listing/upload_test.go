package listing

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestHTMLUploadArea checks that the upload area and its script are on the
// page only when HTMLOptions.Upload asks, and that the folder's download
// links are on every page.
func TestHTMLUploadArea(t *testing.T) {
	l, err := Read(context.Background(), goldenFS(), ".", "/x/", Options{})
	must(t, err)
	area := []string{
		`<script src="/.a/upload.js?asset" defer></script>`,
		`<form id="upload-form" class="upload-form" method="post" action="./" enctype="multipart/form-data">`,
		`<input id="upload-files" type="file" name="file" multiple>`,
		`<input id="mkdir-name" name="mkdir" required`,
		`<ul id="upload-list" class="upload-list" aria-live="polite"></ul>`,
	}
	// Buttons of a GET form, not links: mirroring clients follow links
	// but submit no form, so wget -r does not archive every folder.
	downloads := []string{`<form class="downloads" method="get" action="./">`, `<button name="download" value="zip">.zip</button>`, `<button name="download" value="tar.gz">.tar.gz</button>`}
	for _, upload := range []bool{false, true} {
		var buf bytes.Buffer
		must(t, l.WriteHTML(&buf, HTMLOptions{AssetPrefix: "/.a/", Upload: upload}))
		page := buf.String()
		for _, s := range area {
			if strings.Contains(page, s) != upload {
				t.Errorf("Upload %v: the page has %q: %v", upload, s, !upload)
			}
		}
		for _, s := range downloads {
			if !strings.Contains(page, s) {
				t.Errorf("Upload %v: no %q", upload, s)
			}
		}
	}
}
