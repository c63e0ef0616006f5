package page

import (
	"bytes"
	"html"
	"net/http"
	"strconv"
	"testing"
)

// TestStatusPages checks that the pages rendered on first use are the
// template's, with their length, for every status net/http knows, that
// each is rendered once, and that a status it does not know, or out of
// range, still gets a page.
func TestStatusPages(t *testing.T) {
	for code := 100; code < 600; code++ {
		reason := http.StatusText(code)
		if reason == "" {
			continue
		}
		page := statusPageOf(code)
		if want := renderStatusPage(code); !bytes.Equal(page.body, want) {
			t.Errorf("status %d: cached page differs from the template's", code)
		}
		if want := strconv.Itoa(len(page.body)); page.length != want {
			t.Errorf("status %d: Content-Length %q, want %s", code, page.length, want)
		}
		if !bytes.Contains(page.body, []byte("<h1>"+strconv.Itoa(code)+" "+html.EscapeString(reason)+"</h1>")) {
			t.Errorf("status %d: page lacks its heading:\n%s", code, page.body)
		}
		if again := statusPageOf(code); again != page {
			t.Errorf("status %d: rendered again, not kept", code)
		}
	}
	for _, code := range []int{599, 999} {
		if page := statusPageOf(code); !bytes.Contains(page.body, []byte(strconv.Itoa(code))) {
			t.Errorf("status %d: page lacks its code:\n%s", code, page.body)
		}
	}
}

// TestSuccessHeadersCanonical: DropSuccessHeaders deletes its keys from
// the header map as they are, so they must be in canonical form.
func TestSuccessHeadersCanonical(t *testing.T) {
	for _, k := range successHeaders {
		if c := http.CanonicalHeaderKey(k); c != k {
			t.Errorf("%q is not canonical (%q)", k, c)
		}
	}
}
