package listing

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"file2", "file10", -1},
		{"file10", "file2", 1},
		{"file2", "file2", 0},
		{"a", "b", -1},
		{"a", "a1", -1},
		{"file02", "file2", 1}, // equal value: fewer leading zeros first
		{"file2b", "file2a", 1},
		{"v1.10.0", "v1.9.3", 1},
		{"x99999999999999999999999", "x100000000000000000000000", -1}, // no overflow
		{"10", "9a", 1},
		{"", "", 0},
		{"", "0", -1},
	}
	for _, tt := range tests {
		if got := naturalCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// sortFixture is a folder whose orders all differ from one another.
func sortFixture() []*Entry {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	specs := []struct {
		name  string
		dir   bool
		size  int64
		mtime int // hours after t0
	}{
		{"file10.txt", false, 300, 1},
		{"File2.txt", false, 100, 5},
		{"file2.txt", false, 100, 3},
		{"zeta", true, 0, 4},
		{"Alpha", true, 0, 0},
		{"b.png", false, 50, 2},
		{"a.go", false, 5000, 6},
	}
	var es []*Entry
	for _, s := range specs {
		e := &Entry{Name: s.name, lower: strings.ToLower(s.name), IsDir: s.dir, Size: s.size,
			ModTime: t0.Add(time.Duration(s.mtime) * time.Hour)}
		e.classify(new(extMemo))
		es = append(es, e)
	}
	return es
}

func TestSortEntries(t *testing.T) {
	tests := []struct {
		q    Query
		want string
	}{
		// Python's order: lower-cased bytes ("file10" < "file2"), raw-name tie-break.
		{Query{}, "a.go Alpha b.png file10.txt File2.txt file2.txt zeta"},
		{Query{Desc: true}, "zeta file2.txt File2.txt file10.txt b.png Alpha a.go"},
		{Query{DirsFirst: true}, "Alpha zeta a.go b.png file10.txt File2.txt file2.txt"},
		{Query{Desc: true, DirsFirst: true}, "zeta Alpha file2.txt File2.txt file10.txt b.png a.go"},
		{Query{Sort: SortName}, "a.go Alpha b.png File2.txt file2.txt file10.txt zeta"},
		{Query{Sort: SortName, Desc: true}, "zeta file10.txt file2.txt File2.txt b.png Alpha a.go"},
		{Query{Sort: SortName, DirsFirst: true}, "Alpha zeta a.go b.png File2.txt file2.txt file10.txt"},
		{Query{Sort: SortName, Desc: true, DirsFirst: true}, "zeta Alpha file10.txt file2.txt File2.txt b.png a.go"},
		// Ties on size (0 for folders, 100 twice) fall back to the name order.
		{Query{Sort: SortSize}, "Alpha zeta b.png File2.txt file2.txt file10.txt a.go"},
		{Query{Sort: SortSize, Desc: true}, "a.go file10.txt file2.txt File2.txt b.png zeta Alpha"},
		{Query{Sort: SortTime}, "Alpha file10.txt b.png file2.txt zeta File2.txt a.go"},
		{Query{Sort: SortTime, Desc: true}, "a.go File2.txt zeta file2.txt b.png file10.txt Alpha"},
		{Query{Sort: SortTime, DirsFirst: true}, "Alpha zeta file10.txt b.png file2.txt File2.txt a.go"},
		// Type: category (folder, code, image, text), then extension, then name.
		{Query{Sort: SortType}, "Alpha zeta a.go b.png File2.txt file2.txt file10.txt"},
		{Query{Sort: SortType, Desc: true}, "file10.txt file2.txt File2.txt b.png a.go zeta Alpha"},
	}
	for _, tt := range tests {
		es := sortFixture()
		sortEntries(es, tt.q)
		if got := names(es); got != tt.want {
			t.Errorf("sort %q:\n got %s\nwant %s", tt.q.Encode(), got, tt.want)
		}
	}
}

// TestSortIgnoresReadOrder checks that every order is total: reading the
// directory in another order gives the same listing.
func TestSortIgnoresReadOrder(t *testing.T) {
	for _, key := range []SortKey{SortDefault, SortName, SortSize, SortTime, SortType} {
		q := Query{Sort: key}
		a, b := sortFixture(), sortFixture()
		slices.Reverse(b)
		sortEntries(a, q)
		sortEntries(b, q)
		if names(a) != names(b) {
			t.Errorf("sort=%s depends on read order: %s vs %s", key, names(a), names(b))
		}
	}
}

func names(es []*Entry) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Name
	}
	return strings.Join(s, " ")
}

// TestPythonOrderKeys checks the default order's sort keys against the
// plain comparison, on names that share long prefixes, tie in the eight
// bytes past them, are prefixes of one another or differ only in case.
func TestPythonOrderKeys(t *testing.T) {
	var es []*Entry
	for _, n := range []string{
		"photo-2024-01-01-120000.jpg", "photo-2024-01-01-120001.jpg", "photo-2024-01-01-12",
		"photo-2024-01-01-12000", "Photo-2024-01-01-120000.jpg", "photo-2024-01-01-120000.JPG",
		"photo-2024-01-01-120000.jpg.bak", "photo-2024-01-02", "photo-", "photo-\xe9t\xe9", "photo-zz",
		"photo-2024-01-01-120000.jpe", "photo-~", "photo-2024-01-01-1200000",
	} {
		es = append(es, &Entry{Name: n, lower: strings.ToLower(n), IsDir: len(n)%3 == 0})
	}
	for i := range 3000 { // long runs that tie in the key's bytes
		n := fmt.Sprintf("photo-2024-01-01-%06d.jpg", i*7%3000)
		if i%3 == 0 {
			n = strings.ToUpper(n)
		}
		es = append(es, &Entry{Name: n, lower: strings.ToLower(n), IsDir: i%7 == 0})
	}
	for _, q := range []Query{{}, {Desc: true}, {DirsFirst: true}, {Desc: true, DirsFirst: true}} {
		got := slices.Clone(es)
		slices.Reverse(got)
		sortEntries(got, q)
		want := slices.Clone(es)
		slices.SortFunc(want, func(a, b *Entry) int {
			if q.DirsFirst && a.IsDir != b.IsDir {
				if a.IsDir {
					return -1
				}
				return 1
			}
			if q.Desc {
				return pythonOrder(b, a)
			}
			return pythonOrder(a, b)
		})
		if names(got) != names(want) {
			t.Errorf("%+v:\n got %s\nwant %s", q, names(got), names(want))
		}
	}
}

// TestClassifyMemo checks that classifying a run of names with one memo
// gives what classifying each afresh gives.
func TestClassifyMemo(t *testing.T) {
	var memo extMemo
	for _, n := range []string{"a.txt", "B.TXT", "c.png", "d.txt", "e.tar.gz", "f.gz", "noext", "g.png", "h.", "i.txt"} {
		got := Entry{Name: n, lower: strings.ToLower(n)}
		got.classify(&memo)
		want := Entry{Name: n, lower: got.lower}
		want.classify(new(extMemo))
		if got.Type != want.Type || got.Category != want.Category || got.ext != want.ext {
			t.Errorf("%s: got %q %v %q, want %q %v %q", n, got.Type, got.Category, got.ext, want.Type, want.Category, want.ext)
		}
	}
}
