package fileserve

import "strings"

// noneMatch reports whether list, the value of an If-None-Match header,
// names etag: it holds "*", or an entity tag equal to etag by the weak
// comparison of RFC 9110 §8.8.3.2 (a W/ prefix on either side does not
// count). It reads the list as http.ServeContent does, so that a 304 sent
// from memory is the 304 ServeContent would send: elements are taken in
// order, commas and blanks between them skipped, and the first malformed
// element ends the list unmatched.
func noneMatch(list, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for {
		list = strings.TrimLeft(list, " \t\r\n,")
		if list == "" {
			return false
		}
		if list[0] == '*' {
			return true
		}
		tag, rest, ok := cutETag(list)
		if !ok {
			return false
		}
		if strings.TrimPrefix(tag, "W/") == want {
			return true
		}
		list = rest
	}
}

// cutETag cuts the entity tag (RFC 9110 §8.8.3: an optional W/, then a
// quoted string of etagc) at the start of s from the rest of s.
func cutETag(s string) (tag, rest string, ok bool) {
	quoted := strings.TrimPrefix(s, "W/")
	prefix := len(s) - len(quoted)
	if len(quoted) < 2 || quoted[0] != '"' {
		return "", "", false
	}
	for i := 1; i < len(quoted); i++ {
		switch c := quoted[i]; {
		case c == '"':
			end := prefix + i + 1
			return s[:end], s[end:], true
		case c == 0x21, 0x23 <= c && c <= 0x7e, c >= 0x80: // etagc
		default:
			return "", "", false
		}
	}
	return "", "", false
}
