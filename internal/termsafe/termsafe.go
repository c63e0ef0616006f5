// Package termsafe makes untrusted text safe to print on a terminal or in
// a log file.
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String makes s safe to print on a terminal or in a log file: control
// characters, invalid UTF-8, non-printing runes (such as the bidirectional
// overrides), the quote and the backslash are escaped as \xHH or \u{HHHH},
// so no request can forge a log line or move the cursor.
func String(s string) string { return escape(s, true) }

// Text is String for text that is not printed between quotes, such as a
// header's value: the quote is left as it is.
func Text(s string) string { return escape(s, false) }

// escape escapes s as String does; quotes tells whether '"' is escaped.
func escape(s string, quotes bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '"' && quotes, r == '\\', r < 0x80 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\u{%04x}`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
