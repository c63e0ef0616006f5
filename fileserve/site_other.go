//go:build !linux

package fileserve

import "net/http"

// sendNotFoundPageDirect leaves Options.NotFoundPage to the general path:
// there is no direct root here.
func (h *Handler) sendNotFoundPageDirect(http.ResponseWriter, *http.Request) (answered, known bool) {
	return false, false
}
