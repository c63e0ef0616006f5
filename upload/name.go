package upload

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes is the longest file name Linux file systems take.
const maxNameBytes = 255

// checkName returns nil when name may name a new file or folder, or a
// client error saying why not. A name is hostile input: it is refused,
// never rewritten. It must be one path element (no "/" or "\"), not "."
// or "..", not empty, valid UTF-8 of at most 255 bytes, without control
// characters (C0, DEL, C1) or the bidirectional marks and overrides that
// can make "gpj.exe" display as "exe.jpg". Hidden names are the dotfile
// policy's business, not this check's.
func checkName(name string) error {
	switch {
	case name == "":
		return badRequest("an empty name")
	case name == "." || name == "..":
		return badRequest("the name %q", name)
	case strings.ContainsAny(name, `/\`):
		return badRequest("a name with / or \\ in it")
	case !utf8.ValidString(name):
		return badRequest("a name that is not valid UTF-8")
	case len(name) > maxNameBytes:
		return badRequest("a name longer than %d bytes", maxNameBytes)
	case strings.IndexFunc(name, forbiddenRune) >= 0:
		return badRequest("a name with control characters in it")
	}
	return nil
}

// forbiddenRune reports whether r may not appear in a name: a control
// character, or a bidirectional mark, embedding, override or isolate.
func forbiddenRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u061c', r == '\u200e', r == '\u200f':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// splitTarget splits the escaped path of a request URL into the folder
// (a cleaned slash-separated name under the root, "." for the root) and
// the last element, which is "" when the path ends in "/". Every element
// is unescaped on its own and checked with checkName, so an encoded
// slash ("a%2Fb"), an encoded dot-dot ("%2e%2e"), an empty element ("a//b")
// or a control character anywhere is refused, not reinterpreted.
func splitTarget(escapedPath string) (dir, last string, err error) {
	p, ok := strings.CutPrefix(escapedPath, "/")
	if !ok && p != "" {
		return "", "", badRequest("a path that does not begin with /")
	}
	if p == "" {
		return ".", "", nil
	}
	elems := strings.Split(p, "/")
	names := make([]string, len(elems))
	for i, e := range elems {
		if e == "" && i == len(elems)-1 {
			break // the trailing slash of a folder
		}
		name, err := url.PathUnescape(e)
		if err != nil {
			return "", "", badRequest("a path that is not percent-encoded right")
		}
		if err := checkName(name); err != nil {
			return "", "", err
		}
		names[i] = name
	}
	last = names[len(names)-1]
	dir = strings.Join(names[:len(names)-1], "/")
	if dir == "" {
		dir = "."
	}
	return dir, last, nil
}
