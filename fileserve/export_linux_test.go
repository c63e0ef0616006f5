package fileserve

// HoldsHot reports whether h holds the content of the file name (a name
// under the root, as translatePath makes it) in its hot cache.
func (h *Handler) HoldsHot(name string) bool { return h.hot != nil && h.hot.get(name) != nil }

// HotBytes is how much content h's hot cache holds.
func (h *Handler) HotBytes() int {
	h.hot.mu.RLock()
	defer h.hot.mu.RUnlock()
	return h.hot.bytes
}

// HotCount is how many files h's hot cache holds.
func (h *Handler) HotCount() int {
	h.hot.mu.RLock()
	defer h.hot.mu.RUnlock()
	return len(h.hot.files)
}

// MaxHotBytes bounds HotBytes; HotOverhead is what each entry costs
// besides its name and content.
const (
	MaxHotBytes = hotBytes
	HotOverhead = hotOverhead
)

// HasDirect reports whether h answers small files through openat2.
func HasDirect(h *Handler) bool { return h.direct != nil }

// WithoutHotFiles makes h read every small file, as it does before a
// file has settled: no file is ever taken in.
func (h *Handler) WithoutHotFiles() {
	if h.hot != nil {
		h.hot.max = 0
	}
}
