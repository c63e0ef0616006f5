package dav

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"unicode/utf8"

	"golang.org/x/net/webdav"
)

// flushAt is the size at which a multistatus answer is sent on while it
// is written. A smaller one is sent whole, with its Content-Length.
const flushAt = 32 << 10

// multistatus writes a 207 Multi-Status answer (RFC 4918 §13) as it goes:
// its parts are appended to a buffer, which goes to the client whenever
// it holds flushAt bytes, so that a large answer never waits whole in
// memory. The DAV: namespace has the prefix "D"; any other property
// declares its own namespace.
type multistatus struct {
	w       http.ResponseWriter
	b       []byte
	started bool  // the status and headers are sent
	err     error // the first failed write: the client is gone
}

const multistatusStart = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<D:multistatus xmlns:D="DAV:">` + "\n"

// start writes the answer's beginning, unless it is written.
func (m *multistatus) start() {
	if len(m.b) == 0 && !m.started {
		m.b = append(m.b, multistatusStart...)
	}
}

// beginResponse starts the response of the resource at href (escaped).
func (m *multistatus) beginResponse(href string) {
	m.start()
	m.b = append(m.b, "<D:response><D:href>"...)
	m.b = appendEscaped(m.b, href)
	m.b = append(m.b, "</D:href>"...)
}

// endResponse ends a response, and sends what is written once it is
// enough.
func (m *multistatus) endResponse() {
	m.b = append(m.b, "</D:response>\n"...)
	if len(m.b) >= flushAt {
		m.flush()
	}
}

// status writes a response of the resource at href that is a status
// alone, and an explanation for people when description is set.
func (m *multistatus) status(href string, code int, description string) {
	m.beginResponse(href)
	m.b = appendStatus(m.b, code)
	if description != "" {
		m.b = append(m.b, "<D:responsedescription>"...)
		m.b = appendEscaped(m.b, description)
		m.b = append(m.b, "</D:responsedescription>"...)
	}
	m.endResponse()
}

func (m *multistatus) beginPropstat() { m.b = append(m.b, "<D:propstat><D:prop>"...) }

// beginOnce begins a propstat unless begun is true, and reports that it is.
func (m *multistatus) beginOnce(begun bool) bool {
	if !begun {
		m.beginPropstat()
	}
	return true
}

// endPropstat ends a propstat whose properties have the status code.
func (m *multistatus) endPropstat(code int) {
	m.b = append(m.b, "</D:prop>"...)
	m.b = appendStatus(m.b, code)
	m.b = append(m.b, "</D:propstat>"...)
}

// emptyProp writes the property n without a value.
func (m *multistatus) emptyProp(n xml.Name) {
	m.b = appendStartTag(m.b, n, "")
	m.b = m.b[:len(m.b)-1]
	m.b = append(m.b, "/>"...)
}

// deadProp writes a property a client set, with its language and value
// (XML that declares every namespace it uses, as the library keeps it).
func (m *multistatus) deadProp(p webdav.Property) {
	m.b = appendStartTag(m.b, p.XMLName, p.Lang)
	m.b = append(m.b, p.InnerXML...)
	m.b = append(m.b, "</"...)
	if p.XMLName.Space == "DAV:" {
		m.b = append(m.b, "D:"...)
	}
	m.b = append(m.b, p.XMLName.Local...)
	m.b = append(m.b, '>')
}

// close ends the answer and sends what remains; it returns the error of
// the first write that failed.
func (m *multistatus) close() error {
	m.start()
	m.b = append(m.b, "</D:multistatus>\n"...)
	if !m.started {
		m.w.Header().Set("Content-Length", strconv.Itoa(len(m.b)))
	}
	m.flush()
	return m.err
}

// flush sends the buffer, and the status and headers first.
func (m *multistatus) flush() {
	if !m.started {
		m.started = true
		hdr := m.w.Header()
		hdr.Set("Content-Type", "text/xml; charset=utf-8")
		hdr.Set("X-Content-Type-Options", "nosniff")
		m.w.WriteHeader(http.StatusMultiStatus)
	}
	if m.err == nil {
		_, m.err = m.w.Write(m.b)
	}
	m.b = m.b[:0]
}

// appendStartTag appends the start tag of the element n, with an
// xml:lang attribute when lang is set.
func appendStartTag(b []byte, n xml.Name, lang string) []byte {
	b = append(b, '<')
	switch n.Space {
	case "DAV:":
		b = append(b, "D:"...)
		b = append(b, n.Local...)
	case "":
		b = append(b, n.Local...)
	default:
		b = append(b, n.Local...)
		b = append(b, ` xmlns="`...)
		b = appendEscaped(b, n.Space)
		b = append(b, '"')
	}
	if lang != "" {
		b = append(b, ` xml:lang="`...)
		b = appendEscaped(b, lang)
		b = append(b, '"')
	}
	return append(b, '>')
}

// appendStatus appends the DAV:status element of code.
func appendStatus(b []byte, code int) []byte {
	b = append(b, "<D:status>HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	b = append(b, webdav.StatusText(code)...)
	return append(b, "</D:status>"...)
}

// appendEscaped appends s escaped for XML character data or an attribute
// value, as encoding/xml.EscapeText escapes it: the markup characters
// and tab, newline and carriage return as references, and invalid UTF-8
// and characters XML cannot hold as U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '<' && c != '>' && c != '&' && c != '"' && c != '\'' {
			i++
			continue
		}
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		esc := ""
		switch {
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '&':
			esc = "&amp;"
		case r == '"':
			esc = "&#34;"
		case r == '\'':
			esc = "&#39;"
		case r == '\t':
			esc = "&#x9;"
		case r == '\n':
			esc = "&#xA;"
		case r == '\r':
			esc = "&#xD;"
		case r == utf8.RuneError && n == 1, !xmlChar(r):
			esc = "\uFFFD"
		default:
			i += n
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		i += n
		start = i
	}
	return append(b, s[start:]...)
}

// xmlChar reports whether XML 1.0 (§2.2) can hold r, given that r is
// not one of the ASCII control characters.
func xmlChar(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
