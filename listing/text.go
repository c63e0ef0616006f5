package listing

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dustin/go-humanize"
)

// maxNameWidth caps the name column of the text listing, so one long name
// does not push every size off the screen.
const maxNameWidth = 48

// WriteText renders l as plain text: a "# " header line with the path and
// the count, then one aligned line per entry: name ("/" after a directory,
// "@" after a symbolic link), size in binary units ("-" for a directory
// or a broken link)
// and UTC modification time. Control characters, backslashes and invalid
// UTF-8 in names are written as Go-style escapes (\n, \\, \xff), so every
// entry is one line and no name can drive the terminal.
func (l *Listing) WriteText(w io.Writer) error {
	names := make([]string, len(l.Entries))
	sizes := make([]string, len(l.Entries))
	memo := map[int64]string{}
	nameW, sizeW := 0, 0
	for i, e := range l.Entries {
		names[i] = textName(e)
		sizes[i] = "-"
		if !e.IsDir && !e.Broken {
			size := max(e.Size, 0)
			sizes[i] = memoized(memo, size, func() string { return humanize.IBytes(uint64(size)) })
		}
		nameW = max(nameW, min(utf8.RuneCountInString(names[i]), maxNameWidth))
		sizeW = max(sizeW, len(sizes[i]))
	}
	b := scratch(w, 256+(nameW+sizeW+24)*len(l.Entries))
	b = append(b, textHeader(l)...)
	for i, e := range l.Entries {
		b = append(b, names[i]...)
		b = appendSpaces(b, nameW-utf8.RuneCountInString(names[i])+2+sizeW-len(sizes[i]))
		b = append(b, sizes[i]...)
		if !e.ModTime.IsZero() {
			b = append(b, "  "...)
			b = e.ModTime.UTC().AppendFormat(b, "2006-01-02 15:04")
		}
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// textHeader is the first line of a text listing.
func textHeader(l *Listing) string {
	h := "# Directory listing for " + escapeText(l.Path) + ": "
	_, _, prev, next := pages(l)
	switch {
	case len(l.Entries) == 0 && l.Total > 0:
		h += fmt.Sprintf("no entries past the first %d", l.Total)
	case prev != "" || next != "":
		h += fmt.Sprintf("entries %d-%d of %d", l.Query.Offset+1, l.Query.Offset+len(l.Entries), l.Total)
		if next != "" {
			h += "; next page: " + next
		}
	case l.Total == 1:
		h += "1 entry"
	default:
		h += strconv.Itoa(l.Total) + " entries"
	}
	return h + "\n"
}

// textName is the entry's name as the text listing shows it.
func textName(e *Entry) string {
	n := escapeText(e.Name)
	switch {
	case e.IsSymlink:
		return n + "@"
	case e.IsDir:
		return n + "/"
	}
	return n
}

// escapeText writes control characters, backslashes and invalid UTF-8 in
// s as Go escapes; everything else, Unicode included, stays as it is.
func escapeText(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			q := strconv.QuoteRune(r) // '\n', '\x1b', '\u0085'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// needsEscape reports whether escapeText would change s.
func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// appendSpaces appends n spaces (none when n <= 0).
func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}
