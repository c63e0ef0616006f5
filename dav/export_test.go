package dav

// SetMaxLocks sets the most locks h holds at once.
func SetMaxLocks(h *Handler, n int) { h.locks.max = n }

// Internals under test.
var (
	ParseIf       = parseIf
	CheckXML      = checkXML
	ParseLockInfo = parseLockInfo
	ParseTimeout  = parseTimeout
)

// ResourceOf is the root-relative name a URL path names.
func ResourceOf(urlPath string) (string, error) {
	res, err := resourceOf(urlPath)
	return res.rel, err
}
