package listing

import (
	"bytes"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dustin/go-humanize"
	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/markdown"
	"github.com/simplehttp/simplehttp/templates"
)

// page is parsed on first use, not at start (1,138 allocations, 67 KB,
// for a server that may never list a folder as HTML); a broken template
// fails every rendering test. It defines "head" (up to the table's first
// row) and "foot" (the rest): the rows between them are written by
// writeRows.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templates.FS, "listing.html"))
})

// HTMLOptions are the page-level inputs of [Listing.WriteHTML].
type HTMLOptions struct {
	// AssetPrefix is the URL, relative to the page or absolute, under
	// which the files of package public are served.
	AssetPrefix string
	// Now is the time the relative times ("3 minutes ago") in the time
	// column's tooltips count from; zero leaves the tooltips out.
	Now time.Time
	// Upload shows an upload area and a "new folder" form, which post to
	// the folder's URL: for a server that accepts writes there.
	Upload bool
	// Manage shows a box to select each entry and a form to delete,
	// rename or move the selected ones (package dav takes it).
	Manage bool
	// Thumbnails, when set, turns on the gallery and previews: the page
	// loads preview.js and preview.css, offers a grid view (Query.View),
	// and in it each file Thumbnails accepts shows "name?thumb=VERSION"
	// (the version of package etag), which a handler in front must
	// answer (package preview does).
	Thumbnails func(name string) bool
}

// htmlPage is what templates/listing.html sees.
type htmlPage struct {
	*Listing
	AssetPrefix string
	// Upload shows the upload area (HTMLOptions.Upload).
	Upload bool
	// Manage shows the delete, rename and move form (HTMLOptions.Manage).
	Manage bool
	// Previews loads the preview script and offers the grid view
	// (HTMLOptions.Thumbnails) with a form button, which no mirroring
	// client follows; Grid shows it.
	Previews, Grid bool
	// Crumbs are the path's ancestors, root first, then the folder itself.
	Crumbs []crumb
	// Columns are the table's headers, each a link that sorts by it.
	Columns []column
	// DirsToggle is the link that turns "folders first" on or off.
	DirsToggle string
	// ClearFilter is the link to the listing without the filter.
	ClearFilter string
	// FirstPage is the link to the first page.
	FirstPage string
	// Keep are the query parameters the filter form carries along.
	Keep []param
	// From and To number the page's first and last entries (1-based).
	From, To int
	// Prev and Next link to the neighbouring pages, or are "".
	Prev, Next string
	// ReadmeURL links to the README file.
	ReadmeURL string
	// Markdown is the README rendered, when it is a Markdown file.
	Markdown template.HTML
}

type crumb struct{ Name, URL string }

type column struct {
	Label, Class, URL string
	// Sort is the column's aria-sort value: "ascending", "descending" or "".
	Sort string
}

type param struct{ Name, Value string }

// assetQuery ends every link to an asset. The server ignores it; it is
// there for mirroring clients, which take the links of a listing for the
// folder's files unless they carry a query: lftp and rclone skip every
// link with one, and wget does with --reject-regex '\?', as it must to
// skip the sort links. Without it, lftp's mirror took .simplehttp/ for a
// folder and failed listing it.
const assetQuery = "?asset"

// Asset is the link to the file name of package public.
func (p *htmlPage) Asset(name string) string { return p.AssetPrefix + name + assetQuery }

// readmeHeadingOffset puts a README's headings below the page's h1 and
// the README section's h2: its h1 is an h3. A Markdown README is rendered
// by package internal/markdown (goldmark): raw HTML in it shows as text,
// and links keep only relative, http, https and mailto URLs.
const readmeHeadingOffset = 2

// WriteHTML renders l as an HTML page.
func (l *Listing) WriteHTML(w io.Writer, opt HTMLOptions) error {
	p := &htmlPage{Listing: l, AssetPrefix: opt.AssetPrefix, Upload: opt.Upload, Manage: opt.Manage, Crumbs: crumbs(l.Path)}
	if opt.Thumbnails != nil {
		p.Previews, p.Grid = true, l.Query.View == ViewGrid
	} else {
		l.Query.View = ViewList // no grid to keep in the links
	}
	p.Columns = columns(l.Query)
	p.DirsToggle = l.Query.with(func(q *Query) { q.DirsFirst = !q.DirsFirst; q.Offset = 0 })
	p.ClearFilter = l.Query.with(func(q *Query) { q.Filter, q.Offset = "", 0 })
	p.FirstPage = l.Query.with(func(q *Query) { q.Offset = 0 })
	p.Keep = keep(l.Query)
	p.From, p.To, p.Prev, p.Next = pages(l)
	if l.Readme != nil {
		p.ReadmeURL = entryURL(l.Readme.Name, false)
		if markdown.IsFile(l.Readme.Name) {
			var md bytes.Buffer
			if err := markdown.Render(&md, []byte(l.Readme.Text), readmeHeadingOffset); err != nil {
				return err
			}
			p.Markdown = template.HTML(md.String()) //nolint:gosec // escaped by package markdown
		}
	}
	if err := page().ExecuteTemplate(w, "head", p); err != nil {
		return err
	}
	if !p.Grid {
		opt.Thumbnails = nil
	}
	if err := writeRows(w, l.Entries, opt); err != nil {
		return err
	}
	return page().ExecuteTemplate(w, "foot", p)
}

// with is the link to the listing with q changed by change.
func (q Query) with(change func(*Query)) string {
	change(&q)
	return q.Encode()
}

// crumbs splits the URL path "/a/b/" into its ancestors, each with a
// relative link: "/" (../../), "a" (../), "b" (no link: this page).
func crumbs(urlPath string) []crumb {
	var names []string
	for s := range strings.SplitSeq(strings.Trim(urlPath, "/"), "/") {
		if s != "" {
			names = append(names, s)
		}
	}
	cs := make([]crumb, 0, len(names)+1)
	cs = append(cs, crumb{Name: "/", URL: strings.Repeat("../", len(names))})
	for i, n := range names {
		cs = append(cs, crumb{Name: n, URL: strings.Repeat("../", len(names)-1-i)})
	}
	return cs
}

// columns are the table's sortable headers for the query q. Clicking the
// sorted column reverses it; another column sorts by it, names and types
// A to Z first, sizes and times largest and newest first.
func columns(q Query) []column {
	defs := []struct {
		label, class string
		key          SortKey
		desc         bool
	}{
		{"Name", "name", SortName, false},
		{"Size", "size", SortSize, true},
		{"Modified", "time", SortTime, true},
		{"Type", "type", SortType, false},
	}
	cols := make([]column, len(defs))
	for i, d := range defs {
		active := q.Sort == d.key || (d.key == SortName && q.Sort == SortDefault)
		desc := d.desc
		c := column{Label: d.label, Class: d.class}
		if active {
			c.Sort = "ascending"
			if q.Desc {
				c.Sort = "descending"
			}
			desc = !q.Desc
		}
		c.URL = q.with(func(q *Query) { q.Sort, q.Desc, q.Offset = d.key, desc, 0 })
		cols[i] = c
	}
	return cols
}

// keep lists the parameters besides q that the filter form must resend.
func keep(q Query) []param {
	var ps []param
	if q.Sort != SortDefault {
		ps = append(ps, param{"sort", q.Sort.String()})
	}
	if q.Desc {
		ps = append(ps, param{"order", "desc"})
	}
	if q.DirsFirst {
		ps = append(ps, param{"dirs", "first"})
	}
	if q.Limit > 0 {
		ps = append(ps, param{"limit", strconv.Itoa(q.Limit)})
	}
	if q.Format != FormatAuto {
		ps = append(ps, param{"format", q.Format.String()})
	}
	if q.View == ViewGrid {
		ps = append(ps, param{"view", "grid"})
	}
	return ps
}

// pages numbers the page's entries and links its neighbours.
func pages(l *Listing) (from, to int, prev, next string) {
	q := l.Query
	from, to = q.Offset+1, q.Offset+len(l.Entries)
	if q.Offset > 0 {
		prev = q.with(func(q *Query) { q.Offset = max(0, min(q.Offset, l.Total)-q.PageSize()) })
	}
	if to < l.Total && len(l.Entries) > 0 {
		next = q.with(func(q *Query) { q.Offset = to })
	}
	return from, to, prev, next
}

// rowChunk is how much HTML writeRows gathers before each write.
const rowChunk = 32 << 10

// writeRows writes the table rows of entries. It is the hot loop of a big
// listing, so it appends to one buffer instead of calling a template per
// row; every value from the file system goes through appendEscaped or is
// a percent-encoded URL, escaped again.
func writeRows(w io.Writer, entries []*Entry, opt HTMLOptions) error {
	rf := rowFormatter{
		now:    opt.Now,
		manage: opt.Manage,
		thumbs: opt.Thumbnails,
		sizes:  map[int64]string{},
		times:  map[int64]string{},
	}
	b := make([]byte, 0, rowChunk+1024)
	for _, e := range entries {
		b = rf.appendRow(b, e)
		if len(b) >= rowChunk {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err := w.Write(b)
	return err
}

// rowFormatter formats rows. Folders hold many files of one size or one
// time, so it memoizes go-humanize's texts (which allocate) per value.
type rowFormatter struct {
	now    time.Time              // for relative times; zero leaves them out
	manage bool                   // a box to select each entry (HTMLOptions.Manage)
	thumbs func(name string) bool // in the grid: the files with a thumbnail
	sizes  map[int64]string       // size → its text in binary units
	times  map[int64]string       // Unix second → its <time> element
}

// maxMemo bounds each memo of one page.
const maxMemo = 4096

// memoized is memo[key], computed by f when missing.
func memoized(memo map[int64]string, key int64, f func() string) string {
	if t, ok := memo[key]; ok {
		return t
	}
	t := f()
	if len(memo) < maxMemo {
		memo[key] = t
	}
	return t
}

// appendRow appends the <tr> of one entry.
func (rf *rowFormatter) appendRow(b []byte, e *Entry) []byte {
	icon := e.Category.Icon()
	b = append(b, `<tr><td class="name">`...)
	if rf.manage && utf8.ValidString(e.Name) { // a form cannot carry other names
		b = append(b, `<input type="checkbox" class="pick" form="manage-form" name="name" value="`...)
		b = appendEscaped(b, e.Name)
		b = append(b, `" aria-label="Select `...)
		b = appendEscaped(b, e.Name)
		b = append(b, `">`...)
	}
	b = append(b, `<a class="`...)
	b = append(b, icon...) // the style sheet draws the icon of this class
	if !e.Broken {         // a broken link's name is no link: it could only 404
		b = append(b, `" href="`...)
		b = appendEscaped(b, e.URL)
	}
	b = append(b, `">`...)
	b = rf.appendThumb(b, e)
	b = appendEscaped(b, e.Name)
	if e.IsDir {
		b = append(b, '/')
	}
	b = append(b, "</a>"...)
	switch {
	case e.Broken:
		b = append(b, ` <span class="badge" title="symbolic link that cannot be followed">broken link</span>`...)
	case e.IsSymlink:
		b = append(b, ` <span class="badge" title="symbolic link">link</span>`...)
	}
	if rf.manage && utf8.ValidString(e.Name) {
		// The entry's own page of forms to rename, move or delete it.
		b = append(b, ` <a class="edit" href="./?do=entry&amp;name=`...)
		b = appendEscaped(b, url.QueryEscape(e.Name))
		b = append(b, `" title="Rename, move or delete" aria-label="Rename, move or delete `...)
		b = appendEscaped(b, e.Name)
		b = append(b, `">Edit</a>`...)
	}
	b = append(b, `</td><td class="size"`...)
	b = rf.appendSize(b, e)
	b = append(b, `</td><td class="time">`...)
	b = rf.appendTime(b, e.ModTime)
	b = append(b, `</td><td class="type">`...)
	b = append(b, e.Category.Label()...)
	return append(b, "</td></tr>\n"...)
}

// appendThumb appends, in the grid, the lazily loaded thumbnail of a file
// that has one. Its link names the file's version, so the browser may
// keep it for good: a changed file is linked to another.
func (rf *rowFormatter) appendThumb(b []byte, e *Entry) []byte {
	if rf.thumbs == nil || e.IsDir || e.Broken || !rf.thumbs(e.Name) {
		return b
	}
	b = append(b, `<img src="`...)
	b = appendEscaped(b, e.URL)
	b = append(b, `?thumb`...)
	if etag.Meaningful(e.ModTime) { // else no version names the content
		b = append(b, '=')
		b = append(b, etag.Version(e.ModTime, e.Size)...)
	}
	return append(b, `" alt="" loading="lazy" decoding="async">`...)
}

// appendSize appends the rest of the size cell's start tag and its text:
// binary units with the exact count in a tooltip, or "—" for a folder or
// a broken link.
func (rf *rowFormatter) appendSize(b []byte, e *Entry) []byte {
	if e.IsDir || e.Broken {
		return append(b, ">—"...)
	}
	size := max(e.Size, 0)
	b = append(b, ` title="`...)
	b = appendGrouped(b, size)
	if size == 1 {
		b = append(b, ` byte">`...)
	} else {
		b = append(b, ` bytes">`...)
	}
	return append(b, memoized(rf.sizes, size, func() string { return humanize.IBytes(uint64(size)) })...)
}

// appendTime appends t as a <time> in UTC, with the relative time in a
// tooltip; nothing for a zero time. The element depends only on t's
// second, so it is memoized per second.
func (rf *rowFormatter) appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	sec := t.Unix()
	return append(b, memoized(rf.times, sec, func() string { return rf.timeElement(time.Unix(sec, 0).UTC()) })...)
}

// timeElement is the <time> element of t.
func (rf *rowFormatter) timeElement(t time.Time) string {
	b := make([]byte, 0, 96)
	b = append(b, `<time datetime="`...)
	b = t.AppendFormat(b, time.RFC3339)
	if !rf.now.IsZero() {
		b = append(b, `" title="`...)
		b = append(b, humanize.RelTime(t, rf.now, "ago", "from now")...)
	}
	b = append(b, `">`...)
	b = t.AppendFormat(b, "2006-01-02 15:04")
	return string(append(b, "</time>"...))
}

// appendGrouped appends n >= 0 with its digits in groups of three
// ("3,145,728"), as humanize.Comma writes it, without allocating.
func appendGrouped(b []byte, n int64) []byte {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], n, 10)
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return b
}

// appendEscaped appends s as HTML text or a quoted attribute value: the
// five markup characters become references, control characters their
// visible Unicode pictures (U+2400…), invalid UTF-8 the replacement
// character. Nothing in s can end an element or an attribute.
func appendEscaped(b []byte, s string) []byte {
	if allIn(s, &plainBytes) {
		return append(b, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch {
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '<':
			b = append(b, "&lt;"...)
		case c == '>':
			b = append(b, "&gt;"...)
		case c == '"':
			b = append(b, "&#34;"...)
		case c == '\'':
			b = append(b, "&#39;"...)
		case c < 0x20:
			b = utf8.AppendRune(b, 0x2400+rune(c))
		case c == 0x7f:
			b = utf8.AppendRune(b, 0x2421)
		default:
			b = append(b, c)
		}
		i++
	}
	return b
}

// plainBytes are the bytes appendEscaped may copy as they are: printable
// ASCII without markup characters.
var plainBytes = byteSet(func(c byte) bool {
	return c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' && c != '"' && c != '\''
})

// allIn reports whether every byte of s is in set.
func allIn(s string, set *[256]bool) bool {
	for i := 0; i < len(s); i++ {
		if !set[s[i]] {
			return false
		}
	}
	return true
}

// byteSet tabulates in for every byte.
func byteSet(in func(byte) bool) (set [256]bool) {
	for c := range 256 {
		set[c] = in(byte(c))
	}
	return set
}
