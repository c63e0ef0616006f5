package listing

import (
	"net/url"
	"strings"
)

// A README in Markdown is shown through a small, safe subset of Markdown:
// headings, paragraphs, lists, quotes and code blocks, with code spans,
// bold text and links inside. The parser only splits the text into this
// model; templates/listing.html renders it with html/template, so every
// piece of text is escaped and no HTML in the file reaches the page (raw
// HTML shows as text). Links keep only relative, http, https and mailto
// URLs. Anything else Markdown has (tables, images, nesting) shows as the
// text it is written in, which is what a README's author wrote for plain
// text readers anyway.

// mdBlock is one block of a Markdown README.
type mdBlock struct {
	// Kind is "h1", "h2", "h3" (deeper headings are "h3"), "p", "quote",
	// "pre", "ul", "ol" or "hr".
	Kind string
	// Spans are the text of a heading, paragraph or quote.
	Spans []mdSpan
	// Items are the items of a list.
	Items [][]mdSpan
	// Code is the text of a code block.
	Code string
}

// mdSpan is a piece of inline text.
type mdSpan struct {
	// Kind is "" (plain text), "code", "strong" or "link".
	Kind string
	Text string
	// URL is the target of a link.
	URL string
}

// isMarkdown reports whether the README name is a Markdown file.
func isMarkdown(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".markdown")
}

// mdParser splits a Markdown text into blocks, line by line.
type mdParser struct {
	blocks []mdBlock
	para   []string // lines of the paragraph or quote being gathered
	quote  bool     // para is a quote
	list   *mdBlock // the list being gathered
	items  []string // the text of each item of list
}

// parseMarkdown splits text into blocks.
func parseMarkdown(text string) []mdBlock {
	var p mdParser
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		i = p.line(lines, i)
	}
	p.flush()
	return p.blocks
}

// line handles lines[i] (and, for a code block, the lines up to its end)
// and returns the index of the last line it used.
func (p *mdParser) line(lines []string, i int) int {
	line := lines[i]
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		p.flush()
	case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
		p.flush()
		return p.fence(lines, i, trimmed[:3])
	case strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t"):
		if p.list != nil {
			p.items[len(p.items)-1] += " " + trimmed // an item's next line
			break
		}
		if len(p.para) == 0 {
			return p.indented(lines, i)
		}
		p.para = append(p.para, trimmed)
	case heading(trimmed) > 0:
		p.flush()
		level := heading(trimmed)
		p.add("h"+string(rune('0'+min(level, 3))), strings.Trim(strings.TrimLeft(trimmed, "#"), " #"))
	case len(p.para) > 0 && !p.quote && setext(trimmed) > 0:
		text := strings.Join(p.para, " ")
		p.para = nil
		p.add("h"+string(rune('0'+setext(trimmed))), text)
	case len(trimmed) >= 3 && strings.Trim(trimmed, trimmed[:1]) == "" && strings.Contains("-*_", trimmed[:1]):
		p.flush()
		p.blocks = append(p.blocks, mdBlock{Kind: "hr"})
	default:
		p.text(trimmed)
	}
	return i
}

// text handles a line of text: a list item, a quote or a paragraph's.
func (p *mdParser) text(trimmed string) {
	if kind, item, ok := listItem(trimmed); ok {
		if p.list == nil || p.list.Kind != kind {
			p.flush()
			p.list = &mdBlock{Kind: kind}
		}
		p.items = append(p.items, item)
		return
	}
	if p.list != nil {
		p.items[len(p.items)-1] += " " + trimmed // a lazy continuation
		return
	}
	quote := strings.HasPrefix(trimmed, ">")
	if quote {
		trimmed = strings.TrimSpace(trimmed[1:])
	}
	if len(p.para) > 0 && quote != p.quote {
		p.flush()
	}
	p.quote = quote
	p.para = append(p.para, trimmed)
}

// fence gathers a fenced code block that starts at lines[i] and returns
// the index of its closing line (or the last line).
func (p *mdParser) fence(lines []string, i int, marker string) int {
	var code []string
	j := i + 1
	for ; j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), marker); j++ {
		code = append(code, lines[j])
	}
	p.blocks = append(p.blocks, mdBlock{Kind: "pre", Code: strings.Join(code, "\n")})
	return min(j, len(lines)-1)
}

// indented gathers a code block of indented lines from lines[i].
func (p *mdParser) indented(lines []string, i int) int {
	var code []string
	j := i
	for ; j < len(lines); j++ {
		l := lines[j]
		switch {
		case strings.HasPrefix(l, "    "):
			code = append(code, l[4:])
		case strings.HasPrefix(l, "\t"):
			code = append(code, l[1:])
		case strings.TrimSpace(l) == "":
			code = append(code, "")
		default:
			p.blocks = append(p.blocks, mdBlock{Kind: "pre", Code: strings.TrimRight(strings.Join(code, "\n"), "\n")})
			return j - 1
		}
	}
	p.blocks = append(p.blocks, mdBlock{Kind: "pre", Code: strings.TrimRight(strings.Join(code, "\n"), "\n")})
	return j - 1
}

// add appends a heading, paragraph or quote block of text.
func (p *mdParser) add(kind, text string) {
	p.blocks = append(p.blocks, mdBlock{Kind: kind, Spans: parseSpans(text)})
}

// flush ends the paragraph, quote or list being gathered.
func (p *mdParser) flush() {
	if len(p.para) > 0 {
		kind := "p"
		if p.quote {
			kind = "quote"
		}
		p.add(kind, strings.Join(p.para, " "))
		p.para, p.quote = nil, false
	}
	if p.list != nil {
		for _, it := range p.items {
			p.list.Items = append(p.list.Items, parseSpans(it))
		}
		p.blocks = append(p.blocks, *p.list)
		p.list, p.items = nil, nil
	}
}

// heading is the level of an ATX heading line ("## Title"), or 0.
func heading(line string) int {
	n := len(line) - len(strings.TrimLeft(line, "#"))
	if n == 0 || n > 6 || (len(line) > n && line[n] != ' ') {
		return 0
	}
	return n
}

// setext is the level a line of "=" (1) or "-" (2) gives the paragraph
// above it, or 0.
func setext(line string) int {
	switch {
	case strings.Trim(line, "=") == "":
		return 1
	case len(line) >= 2 && strings.Trim(line, "-") == "":
		return 2
	}
	return 0
}

// listItem splits a list item line ("- text", "1. text") into the list's
// kind and the item's text.
func listItem(line string) (kind, item string, ok bool) {
	if len(line) >= 2 && strings.ContainsRune("-*+", rune(line[0])) && line[1] == ' ' {
		return "ul", strings.TrimSpace(line[2:]), true
	}
	d := len(line) - len(strings.TrimLeft(line, "0123456789"))
	if d > 0 && d < 10 && len(line) > d+1 && (line[d] == '.' || line[d] == ')') && line[d+1] == ' ' {
		return "ol", strings.TrimSpace(line[d+2:]), true
	}
	return "", "", false
}

// parseSpans splits a block's text into plain text, `code`, **strong**
// text and [links](url).
func parseSpans(s string) []mdSpan {
	var spans []mdSpan
	plain := 0 // start of the plain text not yet added
	for i := 0; i < len(s); {
		span, n := spanAt(s[i:])
		if n == 0 {
			i++
			continue
		}
		if plain < i {
			spans = append(spans, mdSpan{Text: s[plain:i]})
		}
		spans = append(spans, span)
		i += n
		plain = i
	}
	if plain < len(s) {
		spans = append(spans, mdSpan{Text: s[plain:]})
	}
	return spans
}

// spanAt parses the inline span that s begins with, if any, and returns
// it and its length in s (0 when s begins with plain text).
func spanAt(s string) (mdSpan, int) {
	switch {
	case s[0] == '`':
		if end := strings.IndexByte(s[1:], '`'); end > 0 {
			return mdSpan{Kind: "code", Text: s[1 : 1+end]}, end + 2
		}
	case strings.HasPrefix(s, "**"):
		if end := strings.Index(s[2:], "**"); end > 0 {
			return mdSpan{Kind: "strong", Text: s[2 : 2+end]}, end + 4
		}
	case s[0] == '[':
		mid := strings.Index(s, "](")
		if mid <= 1 {
			break
		}
		end := strings.IndexByte(s[mid:], ')')
		if end < 0 {
			break
		}
		text, target := s[1:mid], strings.TrimSpace(s[mid+2:mid+end])
		if safeLink(target) {
			return mdSpan{Kind: "link", Text: text, URL: target}, mid + end + 1
		}
		return mdSpan{Text: text}, mid + end + 1
	}
	return mdSpan{}, 0
}

// safeLink reports whether a README may link to target: a relative URL
// or an http, https or mailto one.
func safeLink(target string) bool {
	u, err := url.Parse(target)
	if err != nil || target == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}
