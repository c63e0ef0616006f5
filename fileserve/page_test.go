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
		if want := renderStatusPage(code); !bytes.Equal(page.body, want) {
			t.Errorf("status %d: cached page differs from the template's", code)
		}
		if want := strconv.Itoa(len(page.body)); len(page.length) != 1 || page.length[0] != want {
			t.Errorf("status %d: Content-Length %q, want %s", code, page.length, want)
		}
		if !bytes.Contains(page.body, []byte("<h1>"+strconv.Itoa(code)+" "+html.EscapeString(reason)+"</h1>")) {
			t.Errorf("status %d: page lacks its heading:\n%s", code, page.body)
		}
	}
	if page := renderStatusPage(599); !bytes.Contains(page, []byte("599")) {
		t.Errorf("unknown status: page lacks its code:\n%s", page)
	}
}

// TestSuccessHeadersCanonical: dropSuccessHeaders deletes its keys from
// the header map as they are, so they must be in canonical form.
func TestSuccessHeadersCanonical(t *testing.T) {
	for _, k := range successHeaders {
		if c := http.CanonicalHeaderKey(k); c != k {
			t.Errorf("%q is not canonical (%q)", k, c)
		}
	}
}
