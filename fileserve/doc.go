// Package fileserve serves a directory over HTTP the way Python's
// http.server.SimpleHTTPRequestHandler does, and more safely.
//
// A [Handler] is an [net/http.Handler], so it mounts in any Go program:
//
//	root, err := os.OpenRoot("site")
//	...
//	http.Handle("/files/", http.StripPrefix("/files", fileserve.NewRoot(root, nil)))
//
// [NewRoot] serves an [os.Root]: every open is confined to the directory
// by the kernel, symbolic links included. [New] serves any [io/fs.FS]; with
// [os.DirFS] symbolic links may lead anywhere.
//
// The Handler never writes: package upload is a handler to put in front
// of it that stores uploads in the same directory ([Options].UploadForm
// shows its form on listings).
//
// One request flows as in Python's handler:
//
//   - ServeHTTP dispatches on the method (do_GET, do_HEAD). GET and HEAD
//     share one path, sendHead; only the body write differs. OPTIONS
//     answers 204 with Allow; any other method gets 405 with Allow.
//   - A raw "#" in the request target, which clients strip before they
//     send a URL, starts a fragment, dropped as nginx and Python drop it:
//     GET /a.txt#top serves /a.txt. An escaped "%23" is part of the name.
//   - translatePath decodes nothing more (net/http already did), cleans the
//     path and rejects NUL bytes and hidden names. No "..", encoded dot-dot
//     or backslash can climb above the root.
//   - Unless [Options].Dotfiles is set, names beginning with "." (but a
//     top-level ".well-known") are neither listed nor served (404), and
//     neither is a symbolic link that leads to one: a link "config.txt" to
//     ".env" is refused as ".env" is.
//   - A directory asked for without its trailing slash is redirected (301)
//     to "./name/", escaped afresh, keeping the query; the relative
//     Location cannot read as another host. With a trailing slash it
//     serves index.html or index.htm, or else a listing (whose
//     Last-Modified, the newest time in it, is sent only once that time
//     has settled, so that no change within its second gets a 304); with
//     "?download=zip" or "?download=tar.gz" an archive of the folder,
//     streamed as the folder is read, in constant memory.
//   - A regular file is served by [net/http.ServeContent] (Range,
//     conditional requests, HEAD, sendfile) with a Content-Type from a
//     built-in table of extensions, else from sniffing its first bytes,
//     never into an active type such as HTML. Range headers are checked
//     first (RFC 9110): overlapping or more than 32 ranges get 416, other
//     units are ignored. A FIFO, socket or device is never opened (404).
//     A file that shrinks while it is sent leaves the client a short body
//     on a closed connection, never a complete-looking one, and is logged.
//     Its ETag and Last-Modified come from its modification time; a time
//     at or before 1970-01-01 00:00:01, which reproducible builds and the
//     Nix store give every version of a file, makes neither (nor does it
//     make a listing's Last-Modified), so no new version is ever taken
//     for an old one (304).
//   - On Linux, [NewRoot] opens a file reached without a symbolic link
//     with one openat2 confined to the root by the kernel, and sends a
//     file of up to 16 KiB asked for whole from memory, with one write.
//     On a local file system (not NFS, CIFS or FUSE, whose stat may
//     answer from a cache), such files are then held (4 MiB in all per
//     Handler) and answered, 200 or 304, after one fstatat that checks
//     they are still the same inode with the same size, mtime and ctime,
//     with no link in place of a folder on the way: never stale, never
//     past the rules above.
//   - With [Options].Precompressed, a precompressed sibling (app.js.zst,
//     app.js.br, app.js.gz) stands in for a file of a compressible type
//     when the client accepts its coding and it is not older than the
//     file; it is opened and checked as any file is. Package encode
//     compresses the other answers on the fly.
//   - Every error, those of ServeContent (412, 416) included, becomes a
//     short HTML page with the status and its reason and the security
//     headers of generated pages (a strict Content-Security-Policy,
//     X-Content-Type-Options, Referrer-Policy); the client never sees a
//     file-system path or an error's text. 5xx causes go to the Logger.
package fileserve
