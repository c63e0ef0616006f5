package fileserve

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// noneMatchSeeds are If-None-Match values worth trying against etagInTest.
var noneMatchSeeds = []string{
	`"abc-3"`, `W/"abc-3"`, `"other"`, `"other", "abc-3"`, `"other","abc-3"`, ` , ,"abc-3"`,
	`*`, ` *`, `"other", *`, `abc-3`, `"abc-3`, `"ab c-3"`, `"bad`, `"bad" "abc-3"`,
	`W/"other", W/"abc-3"`, `"", "abc-3"`, `"x"junk, "abc-3"`, `W/`, `W/"`, `"`, "\t\"abc-3\"\r\n",
	"\"\x80\", \"abc-3\"", `W/ "abc-3"`, `"abc-3"garbage`,
}

// etagInTest is the strong ETag of the file in these tests.
const etagInTest = `"abc-3"`

// servesNotModified reports whether http.ServeContent answers 304 to a
// GET with If-None-Match: inm for a file whose ETag is etagInTest.
func servesNotModified(inm string) bool {
	r := httptest.NewRequest(http.MethodGet, "/f", nil)
	r.Header["If-None-Match"] = []string{inm}
	w := httptest.NewRecorder()
	w.Header().Set("ETag", etagInTest)
	http.ServeContent(w, r, "", time.Time{}, strings.NewReader("abc"))
	return w.Code == http.StatusNotModified
}

// TestNoneMatch: noneMatch agrees with http.ServeContent on every seed,
// and the seeds include both answers.
func TestNoneMatch(t *testing.T) {
	matched := 0
	for _, inm := range noneMatchSeeds {
		want := servesNotModified(inm)
		if got := noneMatch(inm, etagInTest); got != want {
			t.Errorf("noneMatch(%q) = %v, ServeContent says %v", inm, got, want)
		}
		if want {
			matched++
		}
	}
	if matched == 0 || matched == len(noneMatchSeeds) {
		t.Errorf("%d of %d seeds match: the table tests only one side", matched, len(noneMatchSeeds))
	}
}

// FuzzNoneMatch: for any If-None-Match a client sends, the 304 from
// memory is sent exactly when http.ServeContent would send it.
func FuzzNoneMatch(f *testing.F) {
	for _, s := range noneMatchSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, inm string) {
		if inm == "" {
			return // no header: not a conditional request
		}
		if got, want := noneMatch(inm, etagInTest), servesNotModified(inm); got != want {
			t.Errorf("noneMatch(%q) = %v, ServeContent says %v", inm, got, want)
		}
	})
}
