package listing

import (
	"bytes"
	"cmp"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// WriteJSON renders l as one JSON object: the listing's "path", "total"
// (entries that passed the filter, on all pages), "offset", "limit",
// "sort", "order", "q" (when filtered), "prev" and "next" (links to the
// neighbouring pages, when there are some) and the page's "entries", one
// per line. Each entry has "name", "url" (relative to the listing's URL,
// percent-encoding the name's exact bytes even where "name" had to
// replace invalid UTF-8), "kind" ("file", "dir" or "symlink"), "broken"
// (true for a symbolic link that cannot be followed; else left out), "is_dir",
// "size" in bytes, "modified" (RFC 3339, UTC; left out when unknown) and
// "mime" (from the extension; left out when unknown). Strings are escaped
// as encoding/json escapes them, "<", ">" and "&" included.
//
// It is written by hand, not with encoding/json, which took ten times as
// long as the HTML page for 10,000 entries.
func (l *Listing) WriteJSON(w io.Writer) error {
	q := l.Query
	b := scratch(w, 4096+160*len(l.Entries))
	b = append(b, `{"path":`...)
	b = appendJSONString(b, l.Path)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(l.Total), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(q.Offset), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(q.PageSize()), 10)
	b = append(b, `,"sort":`...)
	b = appendJSONString(b, cmp.Or(q.Sort.String(), "default"))
	b = append(b, `,"order":`...)
	b = appendJSONString(b, order(q.Desc))
	_, _, prev, next := pages(l)
	for _, f := range []struct{ key, value string }{{"q", q.Filter}, {"prev", prev}, {"next", next}} {
		if f.value != "" {
			b = append(b, `,"`+f.key+`":`...)
			b = appendJSONString(b, f.value)
		}
	}
	b = append(b, `,"entries":[`...)
	for i, e := range l.Entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = appendJSONEntry(b, e)
	}
	b = append(b, "\n]}\n"...)
	_, err := w.Write(b)
	return err
}

// appendJSONEntry appends the JSON object of one entry.
func appendJSONEntry(b []byte, e *Entry) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, e.Name)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, e.URL)
	b = append(b, `,"kind":"`...)
	b = append(b, e.Kind()...)
	if e.Broken {
		b = append(b, `","broken":true,"is_dir":`...)
	} else {
		b = append(b, `","is_dir":`...)
	}
	b = strconv.AppendBool(b, e.IsDir)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, e.Size, 10)
	if !e.ModTime.IsZero() {
		b = append(b, `,"modified":"`...)
		b = e.ModTime.UTC().AppendFormat(b, time.RFC3339)
		b = append(b, '"')
	}
	if e.Type != "" {
		b = append(b, `,"mime":`...)
		b = appendJSONString(b, e.Type)
	}
	return append(b, '}')
}

// scratch is a buffer to append n or so bytes to and then write to w: the
// free end of w's own buffer when w is a *bytes.Buffer, so the bytes are
// written in place, else a new slice.
func scratch(w io.Writer, n int) []byte {
	if bb, ok := w.(*bytes.Buffer); ok {
		bb.Grow(n)
		return bb.AvailableBuffer()
	}
	return make([]byte, 0, n)
}

// order is the name of the order: "asc" or "desc".
func order(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// appendJSONString appends s as a JSON string, escaped exactly as
// encoding/json escapes it: quotes, backslashes and control characters;
// "<", ">" and "&" (so the JSON is safe inside HTML); U+2028 and U+2029
// (line breaks to JavaScript); and invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
