// Package upload is where files change: an [net/http.Handler] that stores
// uploads in a directory and passes every reading request on to the file
// server of the same directory (package fileserve), which never writes.
//
//	root, err := os.OpenRoot("site")
//	...
//	files := fileserve.NewRoot(root, nil)
//	http.Handle("/", upload.New(root, files, &upload.Options{MaxSize: 1 << 30}))
//
// A client uploads with PUT ("curl -T notes.txt http://host/docs/", which
// sends PUT /docs/notes.txt) or with a multipart/form-data POST to a
// folder's URL ("curl -F file=@notes.txt http://host/docs/", or the
// listing page's form); a form's "mkdir" field makes a new folder. GET,
// HEAD and OPTIONS never change anything; every other method writes.
//
// Nothing is lost or half-written. Each file streams (never whole in
// memory) to a temporary file in its target folder, which is synced and
// moved into place only when the body ended cleanly and its length matches
// its Content-Length; any failure removes it, so a cut-off upload leaves
// nothing behind. An existing name answers 409 unless [Options].Overwrite
// is set (a folder is never replaced), a full disk 507, a body over
// [Options].MaxSize 413 (before it is read, when its Content-Length tells).
//
// Names are hostile input, refused with 400 and never rewritten: no "/" or
// "\" (raw or percent-encoded), no "." or "..", no empty name, no control
// characters or bidirectional overrides, valid UTF-8 of at most 255 bytes.
// A multipart filename "a/b" is refused, not stored as "b". The dotfile
// policy of reads holds for writes: unless [Options].Dotfiles is set, a
// hidden name answers 403 and a hidden folder (or a link to one) 404.
// Every file-system call goes through the [os.Root], so a symbolic link
// that leads outside it cannot be written through.
//
// Browsers' cross-origin writes are refused with 403
// ([net/http.CrossOriginProtection]). The answer fits the client: a 303
// back to the listing for a browser's form, JSON for a client that
// accepts application/json, else a few lines of text; a new file gets 201
// Created with its Location.
package upload
