package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/dav"
	"github.com/simplehttp/simplehttp/upload"
	"github.com/simplehttp/simplehttp/upload/parts"
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
		Resumable: dir.parts,
	})
	return up, up
}

// resumableFirst sends the requests of resumable uploads straight to the
// upload handler, past WebDAV in front of it, which would take their
// PATCH, PUT and DELETE for its own; WebDAV's OPTIONS answer gets tus's
// discovery headers too.
func resumableFirst(next http.Handler, up *upload.Handler) http.Handler {
	if up == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case up.Resumable(r):
			up.ServeHTTP(w, r)
			return
		case r.Method == http.MethodOptions:
			up.SetResumableOptions(w.Header())
		}
		next.ServeHTTP(w, r)
	})
}

// partials are the options of resumable uploads' unfinished parts.
type partials struct {
	resumableDir    string        // --resumable-dir; "": a folder of the user's cache
	resumableExpiry time.Duration // --resumable-expiry; 0: parts.DefaultExpiry
}

// setResumableDir takes the value of --resumable-dir.
func setResumableDir(o *options, v string) error {
	if v == "" {
		return usagef("option --resumable-dir needs a directory name, not an empty string")
	}
	o.resumableDir = v
	return nil
}

// setResumableExpiry takes the value of --resumable-expiry: a Go duration
// ("24h", "90m"), at least a minute.
func setResumableExpiry(o *options, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Minute {
		return usagef("option --resumable-expiry wants a duration of a minute or more, such as 24h or 90m, not %q", v)
	}
	o.resumableExpiry = d
	return nil
}

// openPartials opens, with --upload, the folder where unfinished
// resumable uploads are kept, and sweeps the expired ones out of it until
// ctx is done. A folder the user chose (--resumable-dir) that cannot be
// used stops the server; the default one, in the cache of a user who may
// have none (a service account, a user switched to without its $HOME),
// only turns resumable uploads off, with a warning: plain uploads work
// without it.
func (s *site) openPartials(ctx context.Context, o *options, stderr io.Writer) error {
	if !o.upload {
		return nil
	}
	store, dir, err := openPartsDir(o, stderr)
	if err != nil && o.resumableDir == "" {
		fmt.Fprintf(stderr, "simplehttp: resumable uploads are off: %v (choose a folder with --resumable-dir)\n", err)
		return nil
	}
	if err != nil {
		return err
	}
	s.parts = store
	s.partsDir = dir
	go sweepPartials(ctx, store)
	return nil
}

// openPartsDir opens the folder of unfinished uploads that o asks for.
func openPartsDir(o *options, stderr io.Writer) (*parts.Store, string, error) {
	dir, err := resumableDir(o)
	if err != nil {
		return nil, "", err
	}
	if inside(o.dir, dir) {
		return nil, "", fmt.Errorf("the folder for unfinished uploads %q is inside the served directory, where they would be seen", dir)
	}
	store, err := parts.Open(dir, &parts.Options{
		Expiry: o.resumableExpiry,
		Logger: slog.New(slog.NewTextHandler(stderr, nil)),
	})
	if err != nil {
		return nil, "", fmt.Errorf("cannot keep unfinished uploads in %q: %s", dir, fileError(err))
	}
	return store, dir, nil
}

// closePartials closes the folder of unfinished uploads, if open.
func (s *site) closePartials() {
	if s.parts != nil {
		s.parts.Close()
	}
}

// resumableDir is the folder of unfinished uploads: --resumable-dir, else one
// of the user's cache named after the served directory, so that each
// served directory keeps its own across restarts.
func resumableDir(o *options) (string, error) {
	if o.resumableDir != "" {
		return o.resumableDir, nil
	}
	served := resolved(o.dir)
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", errors.New("no cache folder for unfinished uploads ($HOME is not set)")
	}
	key := sha256.Sum256([]byte(served))
	return filepath.Join(cache, "simplehttp", "uploads", hex.EncodeToString(key[:8])), nil
}

// inside reports whether dir is the served directory or inside it, links
// followed.
func inside(served, dir string) bool {
	rel, err := filepath.Rel(resolved(served), resolved(dir))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// resolved is p made absolute, with its symbolic links followed where
// it exists.
func resolved(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p
}

// sweepPartials removes expired unfinished uploads every so often (a
// 24th of the expiry, from a minute to an hour) until ctx is done.
func sweepPartials(ctx context.Context, store *parts.Store) {
	every := min(max(store.Expiry()/24, time.Minute), time.Hour)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			store.Sweep()
		}
	}
}

// partialNote is the banner's line about resumable uploads.
func (s *site) partialNote() string {
	return fmt.Sprintf("Resumable uploads (tus): unfinished ones are kept in %s and expire after %s without data",
		s.partsDir, humanDuration(s.parts.Expiry()))
}

// humanDuration spells d without the zero units time.Duration prints
// ("24h", not "24h0m0s").
func humanDuration(d time.Duration) string {
	text := d.String()
	for _, zero := range []string{"0s", "0m"} {
		if t, ok := strings.CutSuffix(text, zero); ok && t != "" && !strings.HasSuffix(t, ".") {
			text = t
		}
	}
	return text
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
