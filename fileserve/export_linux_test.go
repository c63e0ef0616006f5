package fileserve

import (
	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/internal/hotcache"
)

// HoldsHot reports whether h holds the content of the file name (a name
// under the root, as translatePath makes it) in its hot cache.
func (h *Handler) HoldsHot(name string) bool { return h.hot != nil && h.hot.Get(name) != nil }

// HotBytes is how much h's hot cache holds.
func (h *Handler) HotBytes() int { return h.hot.Bytes() }

// HotCount is how many files h's hot cache holds.
func (h *Handler) HotCount() int { return h.hot.Len() }

// MaxHotBytes bounds HotBytes; HotOverhead is what each entry costs
// besides its name and content.
const (
	MaxHotBytes = hotBytes
	HotOverhead = hotcache.Overhead
)

// HasDirect reports whether h answers small files through openat2.
func HasDirect(h *Handler) bool { return h.direct != nil }

// WithoutHotFiles makes h read every small file, as it does before a
// file has settled: its hot cache holds nothing.
func (h *Handler) WithoutHotFiles() {
	if h.hot != nil {
		h.hot = hotcache.New[wholeAnswer](0)
	}
}

// HoldsCoded reports whether h holds the file name compressed with the
// coding c ("zstd", "br", "gzip"), and whether that variant is worth
// sending (a mark when it is no smaller than the file).
func (h *Handler) HoldsCoded(name, c string) (held, worth bool) {
	e := h.hot.Get(name)
	if e == nil {
		return false, false
	}
	for _, cc := range coding.Preference {
		if cc.String() == c {
			v := e.Variant(int(cc))
			return v != nil, v != nil && v.Body != nil
		}
	}
	return false, false
}
