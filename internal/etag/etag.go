// Package etag makes the entity tags of simplehttp's files, so that
// every answer about a file (a GET's ETag header, a PROPFIND's
// DAV:getetag, a thumbnail's tag and the version a listing's grid names
// it by) names it alike; says which file times may serve as
// validators at all; and reads the lists of entity tags that conditional
// requests carry (If-None-Match, If-Match; RFC 9110, 13.1.1 and 13.1.2)
// the one way simplehttp reads them: as net/http's ServeContent does, so
// that an answer made from memory, or a tag rewritten by a wrapper,
// decides what ServeContent would decide.
package etag

import (
	"iter"
	"strconv"
	"strings"
	"time"
)

// Of is the strong entity tag of a file's content, made from its
// modification time (to the nanosecond) and its size, as nginx's is from
// the second: a file rewritten in place gets a new one. It is "" when
// modTime is not Meaningful: two versions of such a file of one size
// would share a tag, and a client holding the old one would be told it
// holds the new.
func Of(modTime time.Time, size int64) string {
	if !Meaningful(modTime) {
		return ""
	}
	return `"` + Version(modTime, size) + `"`
}

// Version is Of without its quotes, "mtime-size" in base 36, for any
// time: what a listing's grid puts in a thumbnail's link (?thumb=VERSION).
func Version(modTime time.Time, size int64) string {
	return strconv.FormatInt(modTime.UnixNano(), 36) + "-" + strconv.FormatInt(size, 36)
}

// Meaningful reports whether modTime, a file's modification time, tells
// when its content last changed, so that it may make a validator (an
// ETag, a Last-Modified). Times at or before 1970-01-01 00:00:01 UTC, the
// zero time among them, do not: tools that make builds reproducible give
// every file such a time (the Nix store gives 1 s, some archives and
// build outputs 0), and every version of the file then has it.
func Meaningful(modTime time.Time) bool { return modTime.Unix() > 1 }

// Tags yields the elements of an If-None-Match or If-Match value in
// order: entity tags (W/"x" or "x", which may hold commas), or "*".
// Commas and white space between elements are skipped. An element that
// begins with "*" is yielded as "*" and ends the list, as it settles the
// condition; so does the first malformed element, which is not yielded:
// ServeContent stops reading there, and nothing after it counts.
func Tags(v string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for {
			v = strings.TrimLeft(v, " \t\r\n,")
			switch {
			case v == "":
				return
			case v[0] == '*':
				yield("*")
				return
			}
			tag, rest, ok := cut(v)
			if !ok || !yield(tag) {
				return
			}
			v = rest
		}
	}
}

// cut cuts the entity tag at the start of s (RFC 9110, 8.8.3: an
// optional W/, then a quoted string of etagc) from the rest of s.
func cut(s string) (tag, rest string, ok bool) {
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

// WeakEqual reports whether the entity tags a and b are equal by the weak
// comparison (RFC 9110, 8.8.3.2): a W/ prefix on either side does not
// count.
func WeakEqual(a, b string) bool {
	return strings.TrimPrefix(a, "W/") == strings.TrimPrefix(b, "W/")
}

// NoneMatch reports whether v, the value of an If-None-Match header,
// names the current representation, whose entity tag is tag (empty: it
// has none): v holds "*", or a tag weakly equal to tag. A GET or HEAD
// is then answered 304.
func NoneMatch(v, tag string) bool {
	for t := range Tags(v) {
		if t == "*" || WeakEqual(t, tag) {
			return true
		}
	}
	return false
}
