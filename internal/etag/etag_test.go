package etag

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTags: the elements of a list, as ServeContent reads them.
func TestTags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{``, nil},
		{`"a"`, []string{`"a"`}},
		{` , ,"a" ,W/"b",, "c"`, []string{`"a"`, `W/"b"`, `"c"`}},
		{`"a,b", "c"`, []string{`"a,b"`, `"c"`}},
		{"\t\"a\"\r\n", []string{`"a"`}},
		{`"a", *`, []string{`"a"`, "*"}},
		{`*, "a"`, []string{"*"}},
		{`*junk`, []string{"*"}},
		{`"a", junk, "b"`, []string{`"a"`}},
		{`"a"junk, "b"`, []string{`"a"`}},
		{`"a" "b"`, []string{`"a"`, `"b"`}},
		{`""`, []string{`""`}},
		{`W/ "a"`, nil},
		{`W/`, nil},
		{`"unterminated`, nil},
		{`"sp ace"`, nil},
		{"\"\x80\", \"a\"", []string{"\"\x80\"", `"a"`}},
	} {
		if got := slices.Collect(Tags(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("Tags(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// noneMatchSeeds are If-None-Match values worth trying against tagInTest.
var noneMatchSeeds = []string{
	`"abc-3"`, `W/"abc-3"`, `"other"`, `"other", "abc-3"`, `"other","abc-3"`, ` , ,"abc-3"`,
	`*`, ` *`, `"other", *`, `abc-3`, `"abc-3`, `"ab c-3"`, `"bad`, `"bad" "abc-3"`,
	`W/"other", W/"abc-3"`, `"", "abc-3"`, `"x"junk, "abc-3"`, `W/`, `W/"`, `"`, "\t\"abc-3\"\r\n",
	"\"\x80\", \"abc-3\"", `W/ "abc-3"`, `"abc-3"garbage`, `*garbage`,
}

// tagInTest is the strong ETag of the file in these tests.
const tagInTest = `"abc-3"`

// servesNotModified reports whether http.ServeContent answers 304 to a
// GET with If-None-Match: inm for a file whose ETag is tag.
func servesNotModified(inm, tag string) bool {
	r := httptest.NewRequest(http.MethodGet, "/f", nil)
	r.Header["If-None-Match"] = []string{inm}
	w := httptest.NewRecorder()
	if tag != "" {
		w.Header().Set("ETag", tag)
	}
	http.ServeContent(w, r, "", time.Time{}, strings.NewReader("abc"))
	return w.Code == http.StatusNotModified
}

// TestNoneMatch: NoneMatch agrees with http.ServeContent on every seed,
// for a file with a tag and one without, and the seeds include both
// answers.
func TestNoneMatch(t *testing.T) {
	matched := 0
	for _, inm := range noneMatchSeeds {
		for _, tag := range []string{tagInTest, ""} {
			want := servesNotModified(inm, tag)
			if got := NoneMatch(inm, tag); got != want {
				t.Errorf("NoneMatch(%q, %q) = %v, ServeContent says %v", inm, tag, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched == 0 || matched == 2*len(noneMatchSeeds) {
		t.Errorf("%d of %d cases match: the table tests only one side", matched, 2*len(noneMatchSeeds))
	}
}

// FuzzNoneMatch: for any If-None-Match a client sends, NoneMatch says 304
// exactly when http.ServeContent does; and the tags Tags yields, joined
// into a list again, decide the same (a wrapper that rewrites the list
// from them changes nothing ServeContent sees).
func FuzzNoneMatch(f *testing.F) {
	for _, s := range noneMatchSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, inm string) {
		if inm == "" {
			return // no header: not a conditional request
		}
		if got, want := NoneMatch(inm, tagInTest), servesNotModified(inm, tagInTest); got != want {
			t.Errorf("NoneMatch(%q) = %v, ServeContent says %v", inm, got, want)
		}
		tags := slices.Collect(Tags(inm))
		joined := strings.Join(tags, ", ")
		if again := slices.Collect(Tags(joined)); !slices.Equal(again, tags) {
			t.Errorf("Tags(%q) = %q, but Tags of them joined = %q", inm, tags, again)
		}
		if joined != "" && NoneMatch(joined, tagInTest) != servesNotModified(inm, tagInTest) {
			t.Errorf("If-None-Match %q rewritten as %q decides otherwise", inm, joined)
		}
	})
}

// TestOf: a tag from a meaningful time and the size, none from a time at
// or before 1970-01-01 00:00:01, which every version of a file may share.
func TestOf(t *testing.T) {
	for _, tc := range []struct {
		modTime time.Time
		want    string
	}{
		{time.Time{}, ""},
		{time.Unix(-5, 0), ""},
		{time.Unix(0, 0), ""},
		{time.Unix(1, 0), ""},
		{time.Unix(1, 999999999), ""},
		{time.Unix(2, 0), `"x2qxvk-a"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), `"` + strconv.FormatInt(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC).UnixNano(), 36) + `-a"`},
	} {
		if got := Of(tc.modTime, 10); got != tc.want {
			t.Errorf("Of(%v, 10) = %q, want %q", tc.modTime, got, tc.want)
		}
		if Meaningful(tc.modTime) != (tc.want != "") {
			t.Errorf("Meaningful(%v) = %v", tc.modTime, !(tc.want != ""))
		}
	}
}
