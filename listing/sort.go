package listing

import (
	"slices"
	"strings"
)

// SortByName orders entries as Python's http.server does: by name,
// case-insensitively. Names that differ only in case are ordered by their
// raw bytes, so the order never depends on the order the directory was read.
func (l *Listing) SortByName() {
	keys := make(map[string]string, len(l.Entries))
	for _, e := range l.Entries {
		keys[e.Name] = strings.ToLower(e.Name)
	}
	slices.SortFunc(l.Entries, func(a, b Entry) int {
		if c := strings.Compare(keys[a.Name], keys[b.Name]); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}
