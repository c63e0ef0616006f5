package main

import (
	"log/slog"
	"net/http"

	"github.com/simplehttp/simplehttp/dav"
)

// withDAV puts the WebDAV handler in front of next (uploads and the file
// server): it answers OPTIONS and PROPFIND always, and the changes that
// --upload and --delete allow.
func withDAV(next http.Handler, dir *site, o *options, logger *slog.Logger) http.Handler {
	return dav.New(dir.root, next, &dav.Options{
		Upload:   o.upload,
		Delete:   o.delete,
		Dotfiles: o.dotfiles,
		Logger:   logger,
	})
}

// deleteNote is the banner's line about --delete.
func deleteNote(o *options) string {
	who := "anyone who can reach the port"
	if o.authOn() {
		who = "anyone with a user name and password"
	}
	return "Deleting on: " + who + " can delete, rename and move files and folders"
}
