//go:build !linux

package fileserve

// WithoutHotFiles does nothing: only Linux holds hot files.
func (h *Handler) WithoutHotFiles() {}

// HasDirect is false: only Linux has the direct path.
func HasDirect(*Handler) bool { return false }
