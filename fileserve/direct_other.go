//go:build !linux

package fileserve

import (
	"net/http"
	"os"
)

// directRoot is Linux's one-system-call open (openat2); elsewhere every
// open goes through the os.Root.
type directRoot struct{}

// hotFiles is Linux's cache of small files, which needs the direct path.
type hotFiles struct{}

// newHotFiles is never called here: there is no direct path.
func newHotFiles() *hotFiles { return nil }

// newDirectRoot returns nil: there is no direct path here.
func newDirectRoot(*os.Root) *directRoot { return nil }

// serveDirect leaves every request to the general path.
func (h *Handler) serveDirect(http.ResponseWriter, *http.Request, string) bool { return false }

// serveDirectIndex leaves every index file to the general path.
func (h *Handler) serveDirectIndex(http.ResponseWriter, *http.Request, string) (answered, absent bool) {
	return false, false
}
