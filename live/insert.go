package live

import "bytes"

// insertAt returns where in page the script tag goes: just after the
// <head> start tag when the page begins with one (past a byte order mark,
// white space, comments, the doctype and <html>), or else before the first
// thing that is none of those; at the end of a page that holds nothing
// else. So the tag never comes before the doctype (which would put the
// browser in quirks mode), never depends on a </body> or </head> a page
// may lack (both are optional in HTML), and lands in the head, where the
// parser runs it the same with or without the tags that open it.
func insertAt(page []byte) int {
	i := 0
	if bytes.HasPrefix(page, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	for i < len(page) {
		rest := page[i:]
		switch {
		case isSpace(rest[0]):
			i++
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return len(page)
			}
			i += 4 + end + 3
		case hasPrefixFold(rest, "<!doctype") || bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return len(page)
			}
			i += end + 1
		case isTag(rest, "html"):
			i += tagLen(rest)
		case isTag(rest, "head"):
			return i + tagLen(rest)
		default:
			return i
		}
	}
	return len(page)
}

// isSpace reports whether c is HTML's white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// hasPrefixFold reports whether b begins with the lower-case ASCII
// prefix, in any case.
func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// isTag reports whether b begins with the start tag of the element name
// (lower-case): "<name" then white space, "/" or ">".
func isTag(b []byte, name string) bool {
	if len(b) < len(name)+2 || b[0] != '<' || !hasPrefixFold(b[1:], name) {
		return false
	}
	c := b[len(name)+1]
	return isSpace(c) || c == '/' || c == '>'
}

// tagLen is the length of the start tag b begins with, up to its ">"
// outside quoted attribute values (a quote opens one only after "=", as
// HTML's tokenizer reads it); all of b when it does not end.
func tagLen(b []byte) int {
	var quote byte
	afterEquals := false
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			return i + 1
		case afterEquals && (c == '"' || c == '\''):
			quote, afterEquals = c, false
		case c == '=':
			afterEquals = true
		case !isSpace(c):
			afterEquals = false
		}
	}
	return len(b)
}
