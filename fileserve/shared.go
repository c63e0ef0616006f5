package fileserve

import (
	"io/fs"
	"net/http"

	"github.com/simplehttp/simplehttp/internal/hidden"
	"github.com/simplehttp/simplehttp/internal/page"
)

// This file is what a program's own handlers, mounted beside the file
// server, may share with it so that all answer alike: the same error
// pages, the same statuses for the same file-system errors, the same
// hidden names. simplehttp's own packages (upload, auth) use the internal
// packages these wrap.

// Error answers r with code and simplehttp's short error page for it,
// carrying the security headers of every page simplehttp generates.
func Error(w http.ResponseWriter, r *http.Request, code int) {
	page.Error(w, r, code)
}

// Status is the status the file server answers a file-system error with:
// 404 for a name that does not exist or leads out of an [os.Root], 403 for
// a permission error, 503 when the process is out of file descriptors, 500
// otherwise. It looks at nothing but the error's kind.
func Status(err error) int {
	return page.Status(err)
}

// Hidden reports whether the dotfile policy of [Options].Dotfiles hides
// name, a cleaned slash-separated name in fsys: an element of it begins
// with "." (but a top-level ".well-known"), or one of its symbolic links
// leads to such a name. fsys should implement [fs.ReadLinkFS] for links
// to be followed. A name that does not exist yet is hidden by its text
// alone.
func Hidden(fsys fs.FS, name string) bool {
	return hidden.In(fsys, name)
}
