package termsafe

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GET / HTTP/1.1", "GET / HTTP/1.1"},
		{"GET /caf\u00e9 HTTP/1.1", "GET /caf\u00e9 HTTP/1.1"},
		{"a\nb\rc\td", `a\x0ab\x0dc\x09d`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"\x7f\x00", `\x7f\x00`},
		{`quote " and \ backslash`, `quote \x22 and \x5c backslash`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"bidi \u202e override", `bidi \u{202e} override`},
		{"c1 \u0085 control", `c1 \u{0085} control`},
		{"zero\u200bwidth", `zero\u{200b}width`},
	}
	for _, tc := range tests {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		`W/"abc"`:          `W/"abc"`,
		"a\r\nInjected: 1": `a\x0d\x0aInjected: 1`,
		`back\slash`:       `back\x5cslash`,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzString: whatever the input, String's output is valid UTF-8 of
// printable runes with no quote, and AppendString appends the same; input
// with nothing to escape comes back as it is.
func FuzzString(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1", "a\nb", "\x1b[31m", "caf\u00e9", "\xff\xfe", "\u202e", `"\`, "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := String(s)
		if !utf8.ValidString(got) || strings.ContainsRune(got, '"') {
			t.Fatalf("String(%q) = %q: invalid UTF-8 or a quote", s, got)
		}
		for _, r := range got {
			if !unicode.IsPrint(r) {
				t.Fatalf("String(%q) = %q holds %U", s, got, r)
			}
		}
		if appended := string(AppendString([]byte("x"), s)); appended != "x"+got {
			t.Fatalf("AppendString(%q) = %q, want %q", s, appended, "x"+got)
		}
		if plain(s, true) && got != s {
			t.Fatalf("String(%q) = %q, want it unchanged", s, got)
		}
	})
}

// TestStringAllocs: text with nothing to escape costs no allocation.
func TestStringAllocs(t *testing.T) {
	s := "GET /some/file.txt HTTP/1.1"
	if n := testing.AllocsPerRun(100, func() { _ = String(s) }); n != 0 {
		t.Errorf("String of plain text: %v allocations, want 0", n)
	}
}
