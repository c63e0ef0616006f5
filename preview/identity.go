package preview

import (
	"io/fs"

	"github.com/simplehttp/simplehttp/internal/etag"
)

// portableIdentity names the version of a file by what every file system
// tells: its modification time and size.
func portableIdentity(info fs.FileInfo) string {
	return etag.Version(info.ModTime(), info.Size())
}
