package coding

import (
	"net/http"
	"slices"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name    string
		accept  []string
		offers  Set
		want    Coding
		refused bool
	}{
		{"empty header: identity only", []string{""}, All, Identity, false},
		{"one coding", []string{"gzip"}, All, Gzip, false},
		{"browser over HTTP", []string{"gzip, deflate"}, All, Gzip, false},
		{"browser over HTTPS: ties go to zstd", []string{"gzip, deflate, br, zstd"}, All, Zstd, false},
		{"ties go to br over gzip", []string{"gzip, br"}, All, Brotli, false},
		{"curl --compressed", []string{"deflate, gzip, br, zstd"}, All, Zstd, false},
		{"q-values beat preference", []string{"zstd;q=0.5, br;q=0.8, gzip;q=0.9"}, All, Gzip, false},
		{"gzip;q=0 is a refusal", []string{"gzip;q=0"}, All, Identity, false},
		{"refusal of the preferred coding", []string{"zstd;q=0, br;q=0, gzip"}, All, Gzip, false},
		{"a refusal anywhere wins", []string{"gzip, br", "gzip;q=0"}, All, Brotli, false},
		{"values in several header lines", []string{"br;q=0.2", "gzip;q=0.3"}, All, Gzip, false},
		{"x-gzip is gzip", []string{"x-gzip"}, All, Gzip, false},
		{"case does not matter", []string{"GZip;Q=0.5, BR;q=0.4"}, All, Gzip, false},
		{"white space", []string{" gzip ; q=0.5 ,\tbr ; q = 0.6 "}, All, Brotli, false},
		{"empty elements", []string{",, gzip ,,"}, All, Gzip, false},
		{"unknown codings only", []string{"deflate, compress"}, All, Identity, false},
		{"wildcard accepts all", []string{"*"}, All, Zstd, false},
		{"wildcard is below a named coding", []string{"*;q=0.1, gzip;q=0.5"}, All, Gzip, false},
		{"wildcard gives the unnamed its weight", []string{"gzip;q=0.1, *;q=0.5"}, All, Zstd, false},
		{"named refusal beats wildcard", []string{"*, zstd;q=0"}, All, Brotli, false},
		{"wildcard refusal", []string{"*;q=0"}, All, Identity, true},
		{"wildcard refusal but identity named", []string{"*;q=0, identity"}, All, Identity, false},
		{"wildcard refusal but gzip named", []string{"*;q=0, gzip"}, All, Gzip, true},
		{"identity refused", []string{"identity;q=0, gzip"}, All, Gzip, true},
		{"identity refused and nothing else", []string{"identity;q=0"}, All, Identity, true},
		{"identity preferred", []string{"identity, gzip;q=0.5"}, All, Identity, false},
		{"identity tied with a coding", []string{"identity, gzip"}, All, Gzip, false},
		{"identity named below", []string{"identity;q=0.5, gzip"}, All, Gzip, false},
		{"not offered", []string{"zstd"}, Set(1 << Gzip), Identity, false},
		{"best offered", []string{"zstd, br;q=0.5, gzip;q=0.4"}, All.Without(Zstd), Brotli, false},
		{"qvalue with three decimals", []string{"gzip;q=0.001, br;q=0.002"}, All, Brotli, false},
		{"q=1.000", []string{"gzip;q=1.000, br;q=0.999"}, All, Gzip, false},
		{"invalid q: element ignored", []string{"br;q=2, gzip;q=0.5"}, All, Gzip, false},
		{"invalid q: four decimals", []string{"br;q=0.0001, gzip;q=0.5"}, All, Gzip, false},
		{"invalid q: 1.5", []string{"br;q=1.5"}, All, Identity, false},
		{"invalid q: exponent", []string{"br;q=1e0, gzip;q=0.1"}, All, Gzip, false},
		{"invalid q: negative", []string{"br;q=-1, gzip;q=0.1"}, All, Gzip, false},
		{"invalid q: empty", []string{"br;q=, gzip;q=0.1"}, All, Gzip, false},
		{"invalid q on identity;q=0 keeps identity", []string{"identity;q=zero, gzip"}, All, Gzip, false},
		{"other parameters ignored", []string{"br;level=9;q=0.4, gzip;q=0.3"}, All, Brotli, false},
		{"only ASCII case folds", []string{"zſtd, gzip;q=0.1"}, All, Gzip, false},
		{"a name that merely starts like one", []string{"gzipped, brotli, zstandard"}, All, Identity, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, refused := Negotiate(tc.accept, tc.offers)
			if got != tc.want || refused != tc.refused {
				t.Errorf("Negotiate(%q) = %v, identity refused %v; want %v, %v", tc.accept, got, refused, tc.want, tc.refused)
			}
		})
	}
}

// TestChoose checks the coding Choose chooses for a body coded once and
// kept: Negotiate's, but that ties go to brotli.
func TestChoose(t *testing.T) {
	tests := []struct {
		name       string
		accept     string
		offers     Set
		want, kept Coding
	}{
		{"Chrome's and Firefox's: ties go to br", "gzip, deflate, br, zstd", All, Zstd, Brotli},
		{"curl --compressed", "deflate, gzip, br, zstd", All, Zstd, Brotli},
		{"zstd weighs more", "zstd, br;q=0.9", All, Zstd, Zstd},
		{"no br", "gzip, zstd", All, Zstd, Zstd},
		{"br not offered", "gzip, br, zstd", All.Without(Brotli), Zstd, Zstd},
		{"gzip only", "gzip", All, Gzip, Gzip},
		{"wildcard", "*", All, Zstd, Brotli},
		{"br refused", "*, br;q=0", All, Zstd, Zstd},
		{"identity preferred", "identity, br;q=0.5", All, Identity, Identity},
		{"nothing accepted", "compress", All, Identity, Identity},
	}
	for _, tc := range tests {
		got := Choose([]string{tc.accept}, tc.offers)
		if got.Coding != tc.want || got.Kept != tc.kept {
			t.Errorf("%s: Choose(%q) = %v, kept %v; want %v, %v", tc.name, tc.accept, got.Coding, got.Kept, tc.want, tc.kept)
		}
	}
}

func TestNegotiateAllocatesNothing(t *testing.T) {
	accept := []string{"gzip;q=0.8, deflate, br;q=0.9, zstd;q=0.95, identity;q=0.1, *;q=0"}
	if n := testing.AllocsPerRun(100, func() { Negotiate(accept, All) }); n != 0 {
		t.Errorf("Negotiate allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(100, func() { Choose(accept, All) }); n != 0 {
		t.Errorf("Choose allocates %v times per call", n)
	}
}

func TestCodingNames(t *testing.T) {
	got := []string{Identity.String(), Zstd.String(), Brotli.String(), Gzip.String()}
	if want := []string{"identity", "zstd", "br", "gzip"}; !slices.Equal(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
}

func TestCompressible(t *testing.T) {
	tests := map[string]bool{
		"text/html; charset=utf-8":       true,
		"text/css; charset=utf-8":        true,
		"text/javascript; charset=utf-8": true,
		"text/plain; charset=utf-8":      true,
		"text/csv":                       true,
		"TEXT/HTML":                      true,
		"application/json":               true,
		"application/ld+json":            true,
		"application/manifest+json":      true,
		"application/javascript":         true,
		"application/xml":                true,
		"application/atom+xml":           true,
		"application/xhtml+xml":          true,
		"image/svg+xml":                  true,
		"application/wasm":               true,
		"font/ttf":                       true,
		" text/markdown ; charset=utf-8": true,
		"text/event-stream":              false,
		"image/png":                      false,
		"image/jpeg":                     false,
		"video/mp4":                      false,
		"audio/mpeg":                     false,
		"font/woff2":                     false,
		"application/gzip":               false,
		"application/zstd":               false,
		"application/x-brotli":           false,
		"application/zip":                false,
		"application/pdf":                false,
		"application/octet-stream":       false,
		"":                               false,
		"text":                           false,
		"json":                           false,
	}
	for ctype, want := range tests {
		if got := Compressible(ctype); got != want {
			t.Errorf("Compressible(%q) = %v, want %v", ctype, got, want)
		}
	}
}

func TestAddVary(t *testing.T) {
	tests := []struct {
		name       string
		vary, want []string
	}{
		{"none", nil, []string{"Accept-Encoding"}},
		{"another field", []string{"Accept"}, []string{"Accept", "Accept-Encoding"}},
		{"there already", []string{"Accept, accept-encoding"}, []string{"Accept, accept-encoding"}},
		{"star", []string{"*"}, []string{"*"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := http.Header{}
			if tc.vary != nil {
				hdr["Vary"] = slices.Clone(tc.vary)
			}
			AddVary(hdr)
			if got := hdr["Vary"]; !slices.Equal(got, tc.want) {
				t.Errorf("Vary %q, want %q", got, tc.want)
			}
		})
	}
	// The shared value is never written in place.
	a, b := http.Header{}, http.Header{}
	AddVary(a)
	AddVary(b)
	a.Add("Vary", "Accept")
	if got := b["Vary"]; !slices.Equal(got, []string{"Accept-Encoding"}) {
		t.Errorf("adding to one header's Vary changed another's: %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { AddVary(http.Header{}) }); n > 1 { // the map itself
		t.Errorf("AddVary allocates %v times", n-1)
	}
}

func TestCodedTag(t *testing.T) {
	for _, tc := range []struct {
		tag  string
		c    Coding
		want string
	}{
		{`"abc"`, Brotli, `"abc+br"`},
		{`W/"abc"`, Zstd, `W/"abc+zstd"`},
		{`""`, Gzip, `"+gzip"`},
		{`"`, Gzip, `"`},
		{`abc`, Gzip, `abc`},
		{``, Gzip, ``},
	} {
		if got := CodedTag(tc.tag, tc.c); got != tc.want {
			t.Errorf("CodedTag(%q, %v) = %q, want %q", tc.tag, tc.c, got, tc.want)
		}
	}
}
