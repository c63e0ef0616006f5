package listing

import (
	"net/url"
	"strconv"
	"strings"
)

// SortKey is the column a listing is sorted by.
type SortKey uint8

// The sort keys. SortDefault is Python's order: by name, case-insensitively,
// with the raw name as the tie-break; SortName compares names naturally.
const (
	SortDefault SortKey = iota
	SortName
	SortSize
	SortTime
	SortType
)

// sortKeyNames are the values of the "sort" query parameter.
var sortKeyNames = [...]string{SortDefault: "", SortName: "name", SortSize: "size", SortTime: "time", SortType: "type"}

// String is the key's value in a "sort" query parameter ("" for SortDefault).
func (k SortKey) String() string { return sortKeyNames[k] }

// Format is the representation a listing is rendered in.
type Format uint8

// The formats. FormatAuto leaves the choice to the client's Accept header.
const (
	FormatAuto Format = iota
	FormatHTML
	FormatJSON
	FormatText
)

// formatNames are the values of the "format" query parameter.
var formatNames = [...]string{FormatAuto: "", FormatHTML: "html", FormatJSON: "json", FormatText: "txt"}

// String is the format's value in a "format" query parameter.
func (f Format) String() string { return formatNames[f] }

// View is how an HTML listing shows its entries.
type View uint8

// The views. ViewGrid shows tiles with thumbnails, where the page offers
// it (HTMLOptions.Thumbnails); else it is ViewList.
const (
	ViewList View = iota
	ViewGrid
)

// Paging limits. A directory of up to DefaultLimit entries is shown whole.
const (
	// DefaultLimit is the page size when the query names none. It is high
	// enough that ordinary folders (and the 10,000-file benchmark folder)
	// are never paged, and low enough to bound the work of one request.
	DefaultLimit = 10000
	// MaxLimit is the largest page size a query may ask for.
	MaxLimit = 100000
	// maxFilter caps the length of the "q" filter, in bytes.
	maxFilter = 256
)

// Query is what a listing's URL query asks for: order, filter and page.
// Its zero value is Python's listing: every entry, in Python's order.
type Query struct {
	Sort      SortKey // sort=name|size|time|type
	Desc      bool    // order=desc
	DirsFirst bool    // dirs=first
	Filter    string  // q=…: keep names containing it, case-insensitively
	Limit     int     // limit=N: page size; 0 means DefaultLimit
	Offset    int     // offset=N: entries skipped before the page
	Format    Format  // format=html|json|txt (also "text")
	View      View    // view=grid|list
}

// ParseQuery reads a Query from a raw URL query. The query is untrusted:
// unknown parameters are ignored and an invalid value leaves its field at
// the default, so every input gives a usable Query.
func ParseQuery(rawQuery string) Query {
	v, _ := url.ParseQuery(rawQuery) // keeps every pair it could parse
	var q Query
	switch v.Get("sort") {
	case "name":
		q.Sort = SortName
	case "size":
		q.Sort = SortSize
	case "time", "mtime", "modified":
		q.Sort = SortTime
	case "type":
		q.Sort = SortType
	}
	q.Desc = v.Get("order") == "desc"
	q.DirsFirst = v.Get("dirs") == "first"
	q.Filter = v.Get("q")
	if len(q.Filter) > maxFilter {
		q.Filter = ""
	}
	if n, err := strconv.Atoi(v.Get("limit")); err == nil && n > 0 {
		q.Limit = min(n, MaxLimit)
	}
	if n, err := strconv.Atoi(v.Get("offset")); err == nil && n > 0 {
		q.Offset = n
	}
	switch v.Get("format") {
	case "html":
		q.Format = FormatHTML
	case "json":
		q.Format = FormatJSON
	case "txt", "text":
		q.Format = FormatText
	}
	if v.Get("view") == "grid" {
		q.View = ViewGrid
	}
	return q
}

// PageSize is the number of entries per page: Limit, or DefaultLimit.
func (q Query) PageSize() int {
	if q.Limit <= 0 {
		return DefaultLimit
	}
	return q.Limit
}

// needsAllStats reports whether the order needs every entry's stat (its
// size, time or kind), not only the page's.
func (q Query) needsAllStats() bool {
	return q.Sort == SortSize || q.Sort == SortTime || q.Sort == SortType || q.DirsFirst
}

// Encode is the query as a link relative to the listing's page: "?…" with
// the parameters that differ from their defaults, in a fixed order, or "./"
// when none do.
func (q Query) Encode() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	if q.Sort != SortDefault {
		add("sort", q.Sort.String())
	}
	if q.Desc {
		add("order", "desc")
	}
	if q.DirsFirst {
		add("dirs", "first")
	}
	if q.Filter != "" {
		add("q", q.Filter)
	}
	if q.Limit > 0 {
		add("limit", strconv.Itoa(q.Limit))
	}
	if q.Offset > 0 {
		add("offset", strconv.Itoa(q.Offset))
	}
	if q.Format != FormatAuto {
		add("format", q.Format.String())
	}
	if q.View == ViewGrid {
		add("view", "grid")
	}
	if b.Len() == 0 {
		return "./"
	}
	return b.String()
}
