package live

import "bytes"

// insertAt returns where in page the script tag goes: just after the
// <head> start tag when the page begins with one (past a byte order mark,
// white space, comments, the doctype or an XML declaration, and <html>), or else before the first
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
			n := commentLen(rest)
			if n < 0 {
				return len(page)
			}
			i += n
		case bytes.HasPrefix(rest, []byte("<!")) || bytes.HasPrefix(rest, []byte("<?")) ||
			bytes.HasPrefix(rest, []byte("</")) && (len(rest) == 2 || !isLetter(rest[2])):
			// The doctype, or what HTML reads as a comment up to ">".
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return len(page)
			}
			i += end + 1
		case isTag(rest, "html"), isStrayEndTag(rest):
			i += tagLen(rest)
		case isTag(rest, "head"):
			return i + tagLen(rest)
		default:
			return i
		}
	}
	return len(page)
}

// commentLen is the length of the comment b begins with ("<!--"), as
// HTML's tokenizer ends it: at "-->", "--!>", or at once for "<!-->" and
// "<!--->"; -1 when it does not end.
func commentLen(b []byte) int {
	for _, empty := range []string{"<!-->", "<!--->"} {
		if bytes.HasPrefix(b, []byte(empty)) {
			return len(empty)
		}
	}
	for i := 4; i < len(b); i++ {
		if bytes.HasPrefix(b[i:], []byte("-->")) {
			return i + 3
		}
		if bytes.HasPrefix(b[i:], []byte("--!>")) {
			return i + 4
		}
	}
	return -1
}

// isStrayEndTag reports whether b begins with an end tag that HTML's
// parser ignores before the page's head: any but those of head, body,
// html and br.
func isStrayEndTag(b []byte) bool {
	if len(b) < 3 || b[0] != '<' || b[1] != '/' || !isLetter(b[2]) {
		return false
	}
	for _, name := range []string{"head", "body", "html", "br"} {
		if namedAt(b[2:], name) {
			return false
		}
	}
	return true
}

// isLetter reports whether c is an ASCII letter.
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

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
// (lower-case).
func isTag(b []byte, name string) bool {
	return len(b) > 0 && b[0] == '<' && namedAt(b[1:], name)
}

// namedAt reports whether b begins with the tag name name (lower-case),
// in any case, then white space, "/" or ">".
func namedAt(b []byte, name string) bool {
	if len(b) <= len(name) || !hasPrefixFold(b, name) {
		return false
	}
	c := b[len(name)]
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
