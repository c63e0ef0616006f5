package listing

import "testing"

func TestParseQuery(t *testing.T) {
	tests := []struct {
		raw  string
		want Query
	}{
		{"", Query{}},
		{"sort=name", Query{Sort: SortName}},
		{"sort=size&order=desc", Query{Sort: SortSize, Desc: true}},
		{"sort=time&order=asc", Query{Sort: SortTime}},
		{"sort=mtime", Query{Sort: SortTime}},
		{"sort=type&dirs=first", Query{Sort: SortType, DirsFirst: true}},
		{"order=desc", Query{Desc: true}},
		{"q=Foo+Bar", Query{Filter: "Foo Bar"}},
		{"limit=50&offset=100", Query{Limit: 50, Offset: 100}},
		{"format=json", Query{Format: FormatJSON}},
		{"format=txt", Query{Format: FormatText}},
		{"format=text", Query{Format: FormatText}},
		{"format=html", Query{Format: FormatHTML}},
		// Invalid or unknown values fall back to the defaults.
		{"sort=SIZE&order=up&dirs=last&format=xml", Query{}},
		{"limit=-5&offset=-1", Query{}},
		{"limit=0&offset=x", Query{}},
		{"limit=99999999999999999999", Query{}},
		{"limit=1000000", Query{Limit: MaxLimit}},
		{"q=%zz&sort=size", Query{Sort: SortSize}}, // a bad pair spoils only itself
		{"sort=size;order=desc", Query{}},
		{"q=" + string(make([]byte, maxFilter+1)), Query{}},
		{"sort=size&sort=name", Query{Sort: SortSize}}, // the first value counts
	}
	for _, tt := range tests {
		if got := ParseQuery(tt.raw); got != tt.want {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", tt.raw, got, tt.want)
		}
	}
}

func TestQueryEncode(t *testing.T) {
	tests := []struct {
		q    Query
		want string
	}{
		{Query{}, "./"},
		{Query{Sort: SortName, Desc: true}, "?sort=name&order=desc"},
		{Query{DirsFirst: true, Filter: "a b&c", Limit: 10, Offset: 20, Format: FormatJSON},
			"?dirs=first&q=a+b%26c&limit=10&offset=20&format=json"},
	}
	for _, tt := range tests {
		if got := tt.q.Encode(); got != tt.want {
			t.Errorf("%+v.Encode() = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// FuzzParseQuery checks that any query parses to a valid Query, and that
// the links built from it (Encode) parse back to the same Query.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "sort=size&order=desc&dirs=first", "q=%E2%9C%93&limit=10&offset=5", "format=json"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q := ParseQuery(raw)
		if q.Limit < 0 || q.Limit > MaxLimit || q.Offset < 0 || len(q.Filter) > maxFilter {
			t.Fatalf("ParseQuery(%q) = %+v: out of range", raw, q)
		}
		if q.Sort > SortType || q.Format > FormatText {
			t.Fatalf("ParseQuery(%q) = %+v: unknown enum", raw, q)
		}
		enc := q.Encode()
		if enc == "./" {
			enc = "?"
		}
		if back := ParseQuery(enc[1:]); back != q {
			t.Fatalf("ParseQuery(%q) = %+v; its Encode %q parses to %+v", raw, q, enc, back)
		}
	})
}
