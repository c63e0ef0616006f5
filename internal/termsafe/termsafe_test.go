package termsafe

import "testing"

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
