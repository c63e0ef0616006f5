package dav

// SetMaxLocks sets the most locks h holds at once.
func SetMaxLocks(h *Handler, n int) { h.locks.max = n }

// Internals under test.
var (
	ParseIf       = parseIf
	CheckXML      = checkXML
	ParseLockInfo = parseLockInfo
	ParseTimeout  = parseTimeout
	ResourceOf    = resourceOf
)
