package fileserve

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/simplehttp/simplehttp/listing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept []string
		want   listing.Format
	}{
		{nil, listing.FormatHTML},
		{[]string{"*/*"}, listing.FormatHTML}, // curl, wget
		{[]string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, listing.FormatHTML},
		{[]string{"application/json"}, listing.FormatJSON},
		{[]string{"application/json, */*;q=0.5"}, listing.FormatJSON},
		{[]string{"text/plain"}, listing.FormatText},
		{[]string{"text/plain", "application/json;q=0.5"}, listing.FormatText},
		{[]string{"text/*"}, listing.FormatHTML}, // a tie: HTML first
		{[]string{"text/html;q=0.1, text/*;q=0.5"}, listing.FormatText},
		{[]string{"application/json;q=0.9, text/html;q=0.8"}, listing.FormatJSON},
		{[]string{"APPLICATION/JSON"}, listing.FormatJSON},
		{[]string{"image/png"}, listing.FormatHTML}, // nothing acceptable: HTML, not 406
		{[]string{"application/json;q=NaN"}, listing.FormatHTML},
		{[]string{"application/json;q=2"}, listing.FormatHTML},
		{[]string{";;,,=q"}, listing.FormatHTML},
		// RFC 9110's qvalue grammar: "1e-1" is no weight, so JSON is
		// not asked for at all.
		{[]string{"text/html;q=0.05, application/json;q=1e-1"}, listing.FormatHTML},
		{[]string{"text/html;q=0.05, application/json;q=0.1"}, listing.FormatJSON},
		{[]string{"*/*;q=0.5, text/html;q=bogus"}, listing.FormatHTML},
	}
	for _, tt := range tests {
		if got := negotiate(tt.accept); got != tt.want {
			t.Errorf("negotiate(%q) = %v, want %v", tt.accept, got, tt.want)
		}
	}
}

var listingT0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func listingTestFS() fstest.MapFS {
	return fstest.MapFS{
		".":          {Mode: fs.ModeDir | 0o755, ModTime: listingT0},
		"a.txt":      {Data: []byte("hello"), ModTime: listingT0.Add(-time.Hour)},
		"b.json":     {Data: []byte("{}"), ModTime: listingT0.Add(2 * time.Hour)},
		"sub/c.png":  {Data: []byte("png"), ModTime: listingT0},
		"sub":        {Mode: fs.ModeDir | 0o755, ModTime: listingT0},
		".secret":    {Data: []byte("no"), ModTime: listingT0.Add(9 * time.Hour)},
		"README":     {Data: []byte("read <me>"), ModTime: listingT0},
		"sub/d.html": {Data: []byte("<p>"), ModTime: listingT0},
	}
}

func TestServeListingFormats(t *testing.T) {
	h := New(listingTestFS(), nil)
	tests := []struct {
		target, accept string
		wantType       string
		wantBody       []string
	}{
		{"/", "", "text/html; charset=utf-8", []string{"<title>Directory listing for /</title>", `href="./a.txt"`, "read &lt;me&gt;"}},
		{"/", "*/*", "text/html; charset=utf-8", []string{"<table"}},
		{"/", "application/json", "application/json", []string{`"total":4`, `"name":"b.json"`, `"mime":"application/json"`}},
		{"/?format=json", "text/html", "application/json", []string{`"path":"/"`}},
		{"/?format=txt", "", "text/plain; charset=utf-8", []string{"# Directory listing for /: 4 entries\n", "a.txt   5 B  2024-05-06 06:08\n"}},
		{"/", "text/plain", "text/plain; charset=utf-8", []string{"sub/"}},
		{"/sub/?sort=name&order=desc&format=txt", "", "text/plain; charset=utf-8", []string{"/sub/: 2 entries\nd.html"}},
		{"/?limit=1&offset=1&format=json", "", "application/json", []string{`"total":4`, `"limit":1`, `"offset":1`, `"next":"?limit=1\u0026offset=2\u0026format=json"`}},
		{"/?format=txt&limit=2&offset=99", "", "text/plain; charset=utf-8", []string{"# Directory listing for /: no entries past the first 4\n"}},
		// Untrusted parameters fall back to defaults, never an error.
		{"/?sort=%ff&order=sideways&limit=-1&offset=abc&q=%&format=xml", "", "text/html; charset=utf-8", []string{"4 entries"}},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", tt.target, nil)
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		body := rec.Body.String()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s (Accept %q): status %d", tt.target, tt.accept, res.StatusCode)
			continue
		}
		hdr := res.Header
		if hdr.Get("Content-Type") != tt.wantType || hdr.Get("Vary") != "Accept" ||
			hdr.Get("Content-Security-Policy") == "" || hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s (Accept %q): headers %v", tt.target, tt.accept, hdr)
		}
		for _, w := range tt.wantBody {
			if !strings.Contains(body, w) {
				t.Errorf("%s (Accept %q): body lacks %q:\n%s", tt.target, tt.accept, w, body)
			}
		}
		if strings.Contains(body, ".secret") {
			t.Errorf("%s: a hidden file is listed", tt.target)
		}
	}
}

func TestServeListingJSONDecodes(t *testing.T) {
	rec := httptest.NewRecorder()
	New(listingTestFS(), nil).ServeHTTP(rec, httptest.NewRequest("GET", "/?format=json&sort=size", nil))
	var got struct {
		Path    string
		Total   int
		Entries []struct {
			Name, URL, Kind, MIME string
			Size                  int64
			Modified              time.Time
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Path != "/" || got.Total != 4 || len(got.Entries) != 4 {
		t.Fatalf("got %+v", got)
	}
	first, last := got.Entries[0], got.Entries[3]
	if first.Name != "sub" || first.Kind != "dir" || first.URL != "./sub/" {
		t.Errorf("smallest entry %+v, want the folder sub", first)
	}
	if last.Name != "README" || last.Size != 9 || !last.Modified.Equal(listingT0) {
		t.Errorf("largest entry %+v, want README, 9 bytes", last)
	}
}

func TestServeListingConditional(t *testing.T) {
	h := New(listingTestFS(), nil)
	newest := listingT0.Add(2 * time.Hour).Format(http.TimeFormat) // b.json; .secret is hidden
	tests := []struct {
		name   string
		method string
		header map[string]string
		want   int
	}{
		{"plain", "GET", nil, http.StatusOK},
		{"same time", "GET", map[string]string{"If-Modified-Since": newest}, http.StatusNotModified},
		{"later", "GET", map[string]string{"If-Modified-Since": listingT0.Add(5 * time.Hour).Format(http.TimeFormat)}, http.StatusNotModified},
		{"earlier", "GET", map[string]string{"If-Modified-Since": listingT0.Format(http.TimeFormat)}, http.StatusOK},
		{"bad date", "GET", map[string]string{"If-Modified-Since": "yesterday"}, http.StatusOK},
		{"If-None-Match wins", "GET", map[string]string{"If-Modified-Since": newest, "If-None-Match": `"x"`}, http.StatusOK},
		{"HEAD", "HEAD", map[string]string{"If-Modified-Since": newest}, http.StatusNotModified},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, "/", nil)
		for k, v := range tt.header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, rec.Code, tt.want)
		}
		if got := rec.Header().Get("Last-Modified"); got != newest {
			t.Errorf("%s: Last-Modified %q, want %q", tt.name, got, newest)
		}
		if rec.Header().Get("Vary") != "Accept" {
			t.Errorf("%s: no Vary: Accept", tt.name)
		}
		if tt.want == http.StatusNotModified && rec.Body.Len() != 0 {
			t.Errorf("%s: 304 with a body", tt.name)
		}
	}
}

func TestServeListingHEAD(t *testing.T) {
	h := New(listingTestFS(), nil)
	get, head := httptest.NewRecorder(), httptest.NewRecorder()
	h.ServeHTTP(get, httptest.NewRequest("GET", "/?format=json", nil))
	h.ServeHTTP(head, httptest.NewRequest("HEAD", "/?format=json", nil))
	if head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", head.Code, head.Body.Len())
	}
	if cl := head.Header().Get("Content-Length"); cl == "" || cl != get.Header().Get("Content-Length") {
		t.Errorf("HEAD Content-Length %q, GET %q", cl, get.Header().Get("Content-Length"))
	}
}

// TestServeListingClientGone checks that a listing whose client left is
// dropped quietly, not logged as a failure.
func TestServeListingClientGone(t *testing.T) {
	var logged bytes.Buffer
	h := New(listingTestFS(), &Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	if logged.Len() > 0 || rec.Body.Len() > 0 {
		t.Errorf("cancelled listing: logged %q, answered %q", logged.String(), rec.Body.String())
	}
}

// TestServeListingClock: a listing's relative times ("3 hours ago") are
// from the Handler's clock, so that two Handlers, or two requests, at the
// same moment render the same page (TestHotFileNeverStale compares them).
func TestServeListingClock(t *testing.T) {
	h := New(listingTestFS(), nil)
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{listingT0.Add(3 * time.Hour), `title="3 hours ago"`},
		{listingT0.Add(time.Second), `title="1 second ago"`},
		{listingT0, `title="now"`},
	} {
		h.now = func() time.Time { return tc.now }
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/sub/", nil))
		if body := rec.Body.String(); !strings.Contains(body, tc.want) {
			t.Errorf("at %v the listing lacks %s:\n%s", tc.now, tc.want, body)
		}
	}
}
