// Package fileserve serves a directory over HTTP the way Python's
// http.server.SimpleHTTPRequestHandler does, and more safely.
//
// A [Handler] is an [net/http.Handler], so it mounts in any Go program:
//
//	root, err := os.OpenRoot("site")
//	...
//	http.Handle("/files/", http.StripPrefix("/files", fileserve.New(root.FS(), nil)))
//
// One request flows as in Python's handler:
//
//   - ServeHTTP dispatches on the method (do_GET, do_HEAD). GET and HEAD
//     share one path, sendHead; only the body write differs. OPTIONS
//     answers with Allow; any other method gets 405.
//   - translatePath decodes nothing more (net/http already did), cleans the
//     path and rejects NUL bytes and hidden names. Every open goes through
//     the fs.FS given to [New]; given an [os.Root]'s FS, no "..", encoded
//     dot-dot or symbolic link can reach outside the served directory.
//   - A directory asked for without its trailing slash is redirected (301)
//     to the same path plus "/", keeping the query. With a trailing slash it
//     serves index.html or index.htm, or else a sorted listing.
//   - A file is served by [net/http.ServeContent] (Range, conditional
//     requests, HEAD, sendfile) with a Content-Type from a built-in table of
//     extensions, else from sniffing its first bytes, never into an active
//     type such as HTML.
//   - Every error becomes a short HTML page with the status and its reason;
//     the client never sees a filesystem path or an error's text.
package fileserve
