package fileserve

import (
	"bytes"
	"html"
	"net/http"
	"strconv"
	"testing"
)

// TestStatusPages checks that the pages rendered once at start are the
// template's, for every status net/http knows, and that a status it does
// not know still gets a page.
func TestStatusPages(t *testing.T) {
	for code := 100; code < 600; code++ {
		reason := http.StatusText(code)
		page, ok := statusPages[code]
		if ok != (reason != "") {
			t.Fatalf("status %d: cached = %v, want %v", code, ok, reason != "")
		}
		if !ok {
			continue
		}
		if want := renderStatusPage(code); !bytes.Equal(page, want) {
			t.Errorf("status %d: cached page differs from the template's", code)
		}
		if !bytes.Contains(page, []byte("<h1>"+strconv.Itoa(code)+" "+html.EscapeString(reason)+"</h1>")) {
			t.Errorf("status %d: page lacks its heading:\n%s", code, page)
		}
	}
	if page := renderStatusPage(599); !bytes.Contains(page, []byte("599")) {
		t.Errorf("unknown status: page lacks its code:\n%s", page)
	}
}
