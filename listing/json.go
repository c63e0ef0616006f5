package listing

import (
	"encoding/json"
	"io"
	"time"
)

// jsonListing is the JSON form of a listing.
type jsonListing struct {
	Path    string      `json:"path"`
	Total   int         `json:"total"`
	Offset  int         `json:"offset"`
	Limit   int         `json:"limit"`
	Sort    string      `json:"sort"`
	Order   string      `json:"order"`
	Filter  string      `json:"q,omitempty"`
	Prev    string      `json:"prev,omitempty"`
	Next    string      `json:"next,omitempty"`
	Entries []jsonEntry `json:"entries"`
}

// jsonEntry is the JSON form of an entry.
type jsonEntry struct {
	Name     string    `json:"name"`
	URL      string    `json:"url"`
	Kind     string    `json:"kind"`
	IsDir    bool      `json:"is_dir"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified,omitzero"`
	MIME     string    `json:"mime,omitempty"`
}

// WriteJSON renders l as a JSON object: the listing's path, total, limit,
// offset and order, links to the neighbouring pages, and the page's
// entries. Each entry's url is relative to the listing's URL and
// percent-encodes the name's exact bytes, even where name had to replace
// invalid UTF-8.
func (l *Listing) WriteJSON(w io.Writer) error {
	q := l.Query
	out := jsonListing{
		Path: l.Path, Total: l.Total, Offset: q.Offset, Limit: q.PageSize(),
		Sort: q.Sort.String(), Order: "asc", Filter: q.Filter,
		Entries: make([]jsonEntry, len(l.Entries)),
	}
	if out.Sort == "" {
		out.Sort = "default"
	}
	if q.Desc {
		out.Order = "desc"
	}
	_, _, out.Prev, out.Next = pages(l)
	for i, e := range l.Entries {
		out.Entries[i] = jsonEntry{
			Name: e.Name, URL: e.URL, Kind: e.Kind(), IsDir: e.IsDir,
			Size: e.Size, Modified: e.ModTime.UTC(), MIME: e.Type,
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
