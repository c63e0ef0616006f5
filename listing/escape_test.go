package listing

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendEscaped checks appendEscaped against html.EscapeString: for
// any string, the same as html.EscapeString of the string with invalid
// UTF-8 replaced by U+FFFD and each control character by its picture
// (U+2400 for NUL on, U+2421 for DEL), which is what it promises; the
// result is valid UTF-8 with no character that could end an element or
// an attribute, and appending to bytes already there keeps them.
func FuzzAppendEscaped(f *testing.F) {
	for _, seed := range []string{
		"", "plain.txt", `<script>alert("x")</script>`, "a&b", "it's", `"quoted"`,
		"tab\there", "new\nline", "nul\x00", "del\x7f", "caf\xe9", "\xff\xfe", "日本語.txt",
		"&amp;", "\u2028\u00a0", "a\x1bb", "emoji 😀", "\xed\xa0\x80",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := string(appendEscaped([]byte("prefix:"), s))
		rest, ok := strings.CutPrefix(got, "prefix:")
		if !ok {
			t.Fatalf("appendEscaped(%q) lost what was there: %q", s, got)
		}
		if want := html.EscapeString(visible(s)); rest != want {
			t.Fatalf("appendEscaped(%q) = %q, want %q", s, rest, want)
		}
		if !utf8.ValidString(rest) || strings.ContainsAny(rest, "<>\"'") {
			t.Fatalf("appendEscaped(%q) = %q: invalid UTF-8 or markup", s, rest)
		}
	})
}

// visible is s as appendEscaped shows it before escaping markup: invalid
// UTF-8 as U+FFFD, control characters as their pictures.
func visible(s string) string {
	var b strings.Builder
	for _, r := range s { // a range over a string yields U+FFFD for each invalid byte
		switch {
		case r < 0x20:
			r += 0x2400
		case r == 0x7f:
			r = 0x2421
		}
		b.WriteRune(r)
	}
	return b.String()
}
