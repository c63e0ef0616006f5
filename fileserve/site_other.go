//go:build !linux

package fileserve

// lookNotFoundPage leaves the question of Options.NotFoundPage to fsys:
// there is no direct root here.
func (h *Handler) lookNotFoundPage() (regular, known bool) { return false, false }
