// Package termsafe makes untrusted text safe to print on a terminal or in
// a log file.
package termsafe

import (
	"strconv"
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

// AppendString appends String(s) to dst.
func AppendString(dst []byte, s string) []byte {
	if plain(s, true) {
		return append(dst, s...)
	}
	return appendEscaped(dst, s, true)
}

// escape escapes s as String does; quotes tells whether '"' is escaped.
// Text that needs nothing, as most does, is returned as it is.
func escape(s string, quotes bool) string {
	if plain(s, quotes) {
		return s
	}
	return string(appendEscaped(make([]byte, 0, len(s)+16), s, quotes))
}

// plain reports whether s is printable ASCII with nothing to escape.
func plain(s string, quotes bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' || (c == '"' && quotes) {
			return false
		}
	}
	return true
}

// appendEscaped appends s to dst, escaped as escape says.
func appendEscaped(dst []byte, s string, quotes bool) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			dst = appendHex(dst, `\x`, rune(s[i]), 2)
		case r == '"' && quotes, r == '\\', r < 0x80 && !unicode.IsPrint(r):
			dst = appendHex(dst, `\x`, r, 2)
		case !unicode.IsPrint(r):
			dst = append(appendHex(dst, `\u{`, r, 4), '}')
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// appendHex appends prefix and r in lower-case hexadecimal, zero-padded
// to digits.
func appendHex(dst []byte, prefix string, r rune, digits int) []byte {
	dst = append(dst, prefix...)
	for n := len(strconv.FormatInt(int64(r), 16)); n < digits; n++ {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(r), 16)
}
