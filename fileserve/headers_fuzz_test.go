package fileserve_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
)

// FuzzListingHeaders sends a listing request with arbitrary Accept and
// If-Modified-Since headers, the two a listing parses, and checks what a
// client must be able to rely on: never a panic or a 5xx; 304 exactly when
// the date parses and is no older than the listing; otherwise one of the
// three formats, HTML unless the Accept header names JSON, plain text or
// application/*, and always Vary: Accept.
func FuzzListingHeaders(f *testing.F) {
	modTime := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	fsys := fstest.MapFS{
		"dir":       {Mode: fs.ModeDir | 0o755, ModTime: modTime},
		"dir/a.txt": {Data: []byte("a"), ModTime: modTime},
	}
	h := fileserve.New(fsys, nil)
	for _, seed := range [][2]string{
		{"", ""},
		{"*/*", ""},
		{"application/json", ""},
		{"text/plain;q=0.9, text/html;q=0.8", ""},
		{"text/html;q=NaN, application/json;q=1e400", ""},
		{"", "Mon, 06 May 2024 07:08:09 GMT"},
		{"", "Sunday, 05-May-24 07:08:09 GMT"},
		{"", "Mon May  6 07:08:09 2024"},
		{"", "not a date"},
		{";;;,,,q=", "Mon, 06 May 2024 07:08:08 GMT"},
		{"application/*", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, accept, ims string) {
		r := httptest.NewRequest(http.MethodGet, "/dir/", nil)
		r.Header.Set("Accept", accept)
		r.Header.Set("If-Modified-Since", ims)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		if vary := w.Header().Values("Vary"); !containsFold(vary, "Accept") {
			t.Errorf("Vary = %q, want Accept", vary)
		}
		since, err := http.ParseTime(ims)
		wantNotModified := ims != "" && err == nil && !modTime.After(since)
		if got := w.Code == http.StatusNotModified; got != wantNotModified {
			t.Fatalf("If-Modified-Since %q: status %d, want 304 = %v", ims, w.Code, wantNotModified)
		}
		if wantNotModified {
			return
		}
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		ctype := w.Header().Get("Content-Type")
		switch {
		case strings.HasPrefix(ctype, "text/html"), strings.HasPrefix(ctype, "application/json"), strings.HasPrefix(ctype, "text/plain"):
		default:
			t.Fatalf("Content-Type %q", ctype)
		}
		lower := strings.ToLower(accept)
		named := strings.Contains(lower, "json") || strings.Contains(lower, "text/plain") || strings.Contains(lower, "application/*")
		if !named && !strings.HasPrefix(ctype, "text/html") {
			t.Errorf("Accept %q got %q, want HTML", accept, ctype)
		}
	})
}

// containsFold reports whether values has one equal to want, any case.
func containsFold(values []string, want string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), want) {
				return true
			}
		}
	}
	return false
}
