package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/simplehttp/simplehttp/dav"
	"github.com/simplehttp/simplehttp/upload"
)

// withUploads puts the upload handler in front of the file server when
// --upload asks for it; otherwise the file server answers every write
// with 405.
func withUploads(files http.Handler, dir *site, o *options, logger *slog.Logger) (http.Handler, *upload.Handler) {
	if !o.upload {
		return files, nil
	}
	up := upload.New(dir.root, files, &upload.Options{
		Overwrite: o.overwrite,
		MaxSize:   o.maxUploadSize,
		Dotfiles:  o.dotfiles,
		Logger:    logger,
	})
	return up, up
}

// uploadNote is the banner's line about uploads: that anyone can write,
// how much, and whether files may be replaced.
func uploadNote(o *options) string {
	size := "any size"
	if o.maxUploadSize > 0 {
		size = "up to " + upload.SizeString(o.maxUploadSize) + " each"
	}
	existing := "existing files are kept"
	if o.overwrite {
		existing = "existing files may be replaced"
	}
	who := "anyone who can reach the port"
	if o.authOn() {
		who = "anyone with a user name and password"
	}
	return fmt.Sprintf("Uploads on: %s can add files (%s; %s)", who, size, existing)
}

// uploadsExitWait bounds the wait at exit for uploads whose connections
// the shutdown cut, so that each removes its temporary file.
const uploadsExitWait = 5 * time.Second

// waitUploads waits for the uploads still running once the server has
// shut down (their connections are closed, so they end at once).
func (d *frontDoor) waitUploads() {
	if d.uploads != nil && !d.uploads.Wait(uploadsExitWait) {
		fmt.Fprintf(d.errs, "simplehttp: uploads still running %s after exit; their temporary files may be left\n", uploadsExitWait)
	}
}

// writing reports whether method may change files: anything but GET,
// HEAD, OPTIONS and PROPFIND (dav.Reads), as the upload and WebDAV
// handlers and auth's upload-only mode all count it.
func writing(method string) bool {
	return !dav.Reads(method)
}

// idleBody is the body of an upload. It must keep coming: each read
// pushes the connection's read deadline timeout into the future, so a
// client that stops sending is cut off after timeout while an upload of
// any size at any sensible speed never is. (Bodies nobody reads get one
// deadline for the whole body instead; see frontDoor.)
type idleBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	timeout  time.Duration
	extended time.Time // when the deadline was last pushed
}

// withIdleBody returns a shallow copy of r whose body is an idleBody: a
// handler must not change the request net/http gave it, which checks the
// type of the body it made once the handler returns.
func withIdleBody(r *http.Request, rc *http.ResponseController, timeout time.Duration) *http.Request {
	r2 := *r
	r2.Body = &idleBody{ReadCloser: r.Body, rc: rc, timeout: timeout}
	return &r2
}

// Read reads from the body, first pushing the deadline when a tenth of
// the timeout has passed since it was last pushed (a read deadline is a
// timer to reset, too costly for every small read of a fast upload).
func (b *idleBody) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(b.extended) > b.timeout/10 {
		_ = b.rc.SetReadDeadline(now.Add(b.timeout))
		b.extended = now
	}
	return b.ReadCloser.Read(p)
}
