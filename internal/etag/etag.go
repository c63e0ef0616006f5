// Package etag makes the entity tag of a file, so that every answer about
// a file (a GET's ETag header, a PROPFIND's DAV:getetag) names it alike.
package etag

import (
	"strconv"
	"time"
)

// Of is a strong validator built from a file's modification time and
// size, as nginx's is: a file rewritten in place gets a new one.
func Of(modTime time.Time, size int64) string {
	return `"` + strconv.FormatInt(modTime.UnixNano(), 36) + "-" + strconv.FormatInt(size, 36) + `"`
}
