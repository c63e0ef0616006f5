//go:build !linux

package fileserve

// WithoutHotFiles does nothing: only Linux holds hot files.
func (h *Handler) WithoutHotFiles() {}
