// Package fileid names a version of a file by its modification time and
// size, as nginx's entity tags do: the file server's ETag, the version in
// a listing's links to thumbnails, and the thumbnail's own ETag are all
// made here, so they agree.
package fileid

import (
	"strconv"
	"time"
)

// Version is the version of a file modified at modTime with size bytes:
// two base-36 numbers, "mtime-size". A file rewritten in place gets a
// new one.
func Version(modTime time.Time, size int64) string {
	return strconv.FormatInt(modTime.UnixNano(), 36) + "-" + strconv.FormatInt(size, 36)
}

// ETag is Version as a strong entity tag (quoted).
func ETag(modTime time.Time, size int64) string {
	return `"` + Version(modTime, size) + `"`
}
