package qvalue

import (
	"strconv"
	"strings"
	"testing"
)

// TestParse: the RFC's grammar, to the letter.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in string
		q  int
		ok bool
	}{
		{"0", 0, true}, {"1", 1000, true}, {"0.", 0, true}, {"1.", 1000, true},
		{"0.5", 500, true}, {"0.25", 250, true}, {"0.125", 125, true}, {"0.001", 1, true},
		{"1.0", 1000, true}, {"1.000", 1000, true}, {"0.000", 0, true},
		{"", 0, false}, {"1.5", 0, false}, {"1.001", 0, false}, {"0.0001", 0, false},
		{"1e-1", 0, false}, {"1E0", 0, false}, {".5", 0, false}, {"2", 0, false},
		{"-0", 0, false}, {"+1", 0, false}, {" 1", 0, false}, {"1 ", 0, false},
		{"0,5", 0, false}, {"NaN", 0, false}, {"0x1", 0, false}, {"00.5", 0, false},
		{"0.5a", 0, false}, {"0.\u0665", 0, false},
	} {
		q, ok := Parse(tc.in)
		if q != tc.q || ok != tc.ok {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, q, ok, tc.q, tc.ok)
		}
	}
}

// TestElement: the value and weight of an element, parameters and white
// space around them, and an element whose weight is not a qvalue.
func TestElement(t *testing.T) {
	for _, tc := range []struct {
		in    string
		value string
		q     int
		ok    bool
	}{
		{"gzip", "gzip", 1000, true},
		{" gzip ; q=0.5 ", "gzip", 500, true},
		{"text/html;level=1;q=0.8", "text/html", 800, true},
		{"text/html;Q=0", "text/html", 0, true},
		{"br;q = 0.3", "br", 300, true},
		{"*;q=0", "*", 0, true},
		{"", "", 1000, true},
		{"zstd;level=3", "zstd", 1000, true},
		{"gzip;q=1e-1", "", 0, false},
		{"gzip;q=", "", 0, false},
		{"gzip;q", "", 0, false},
		{"gzip;q=0.5;q=2", "", 0, false},
	} {
		value, q, ok := Element(tc.in)
		if value != tc.value || q != tc.q || ok != tc.ok {
			t.Errorf("Element(%q) = %q, %d, %v; want %q, %d, %v", tc.in, value, q, ok, tc.value, tc.q, tc.ok)
		}
	}
}

// FuzzParse checks Parse against the grammar written out plainly: the
// strings it accepts, and their value.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"0", "1", "0.", "0.5", "0.125", "1.000", "1.001", "0.0001", "1e-1", ".5", "NaN", " 1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := Parse(s)
		want, wantOK := reference(s)
		if ok != wantOK || (ok && q != want) {
			t.Fatalf("Parse(%q) = %d, %v; the grammar says %d, %v", s, q, ok, want, wantOK)
		}
		if ok && (q < 0 || q > Max) {
			t.Fatalf("Parse(%q) = %d, out of range", s, q)
		}
	})
}

// reference is the qvalue grammar, read literally: "0" or "1", then
// optionally "." and up to three digits (only zeros after a "1").
func reference(s string) (int, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if (whole != "0" && whole != "1") || len(frac) > 3 || (!dot && frac != "") {
		return 0, false
	}
	allowed := "0123456789"
	if whole == "1" {
		allowed = "0"
	}
	if strings.Trim(frac, allowed) != "" {
		return 0, false
	}
	n, _ := strconv.Atoi(whole + (frac + "000")[:3])
	return n, true
}
