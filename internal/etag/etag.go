// Package etag makes the entity tag of a file, so that every answer about
// a file (a GET's ETag header, a PROPFIND's DAV:getetag, a thumbnail's
// tag and the version a listing's grid names it by) names it alike.
package etag

import (
	"strconv"
	"time"
)

// Of is a strong validator built from a file's modification time and
// size, as nginx's is: a file rewritten in place gets a new one.
func Of(modTime time.Time, size int64) string {
	return `"` + Version(modTime, size) + `"`
}

// Version is Of without its quotes, "mtime-size" in base 36: what a
// listing's grid puts in a thumbnail's link (?thumb=VERSION).
func Version(modTime time.Time, size int64) string {
	return strconv.FormatInt(modTime.UnixNano(), 36) + "-" + strconv.FormatInt(size, 36)
}
