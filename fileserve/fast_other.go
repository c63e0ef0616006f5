//go:build !linux

package fileserve

import "net/http"

// serveDirect leaves every request to the general path: there is no
// direct root here (package direct), and so no hot cache.
func (h *Handler) serveDirect(http.ResponseWriter, *http.Request, string) bool { return false }

// serveDirectIndex leaves every index file to the general path.
func (h *Handler) serveDirectIndex(http.ResponseWriter, *http.Request, string) (answered, absent bool) {
	return false, false
}
