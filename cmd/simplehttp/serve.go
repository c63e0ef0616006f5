package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/hashsum"
	"github.com/simplehttp/simplehttp/live"
	"github.com/simplehttp/simplehttp/netlimit"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// limits are the server's time-outs and sizes. Tests shorten them.
type limits struct {
	readHeaderTimeout time.Duration       // request line and headers
	idleTimeout       time.Duration       // between requests on a kept-alive connection
	bodyTimeout       time.Duration       // a request body nobody reads
	uploadIdleTimeout time.Duration       // between reads of an upload's body
	write             netlimit.WriteLimit // each chunk of an answer
	maxHeaderBytes    int                 // request line and headers; beyond: 431
	shutdownGrace     time.Duration       // for answers in flight at Ctrl-C
}

// defaultLimits are production values. Header and idle time-outs as Caddy's
// and rclone's; no whole-response deadline, which would cut off a large
// download, but each 256 KiB of an answer must be taken within 30 s (a
// client slower than about 8 KiB/s is cut off).
var defaultLimits = limits{
	readHeaderTimeout: 10 * time.Second,
	idleTimeout:       60 * time.Second,
	bodyTimeout:       10 * time.Second,
	uploadIdleTimeout: 30 * time.Second,
	write:             netlimit.DefaultWriteLimit,
	maxHeaderBytes:    64 << 10,
	shutdownGrace:     10 * time.Second,
}

// serve serves o.dir until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, o *options, lim limits, stdout, stderr io.Writer) error {
	dir, err := openSite(o)
	if err != nil {
		return err
	}
	defer dir.root.Close()
	if err := dir.openPartials(ctx, o, stderr); err != nil {
		return err
	}
	defer dir.closePartials()
	if err := o.loadUsers(); err != nil {
		return err
	}
	if err := thumbCacheDir(o); err != nil {
		return err
	}
	if dir.live, err = startLive(dir, o, slog.New(slog.NewTextHandler(stderr, nil)), stderr); err != nil {
		return err
	}
	if dir.live != nil {
		defer dir.live.Close()
	}
	ln, portNote, err := listenSite(o)
	if err != nil {
		return err
	}
	defer ln.Close()
	ifaddrs := interfaceAddrs()
	tlsConfig, certNote, err := serverTLS(o, ln.Addr(), ifaddrs)
	if err != nil {
		return err
	}
	front := newFrontDoor(dir, o, lim, stderr)
	srv := &http.Server{
		Handler:           netlimit.StreamDeadlines(front, lim.write),
		ReadHeaderTimeout: lim.readHeaderTimeout,
		IdleTimeout:       lim.idleTimeout,
		MaxHeaderBytes:    lim.maxHeaderBytes,
		ErrorLog:          log.New(stderr, "simplehttp: ", 0),
		TLSConfig:         tlsConfig,
	}
	// The banner comes once the handler is built (it opens the folder to
	// learn its real path), so a client that has read it finds the
	// server as it will stay.
	if portNote != "" {
		fmt.Fprintln(stdout, portNote)
	}
	printBanner(stdout, o.scheme(), ln.Addr(), ifaddrs, dir.hidden)
	printSharing(stdout, o, ln.Addr(), ifaddrs, certNote)
	if note := authNote(&o.access, o.tlsOn()); note != "" {
		fmt.Fprintln(stdout, note)
	}
	if o.upload {
		fmt.Fprintln(stdout, uploadNote(o))
	}
	if dir.parts != nil {
		fmt.Fprintln(stdout, dir.partialNote())
	}
	if o.delete {
		fmt.Fprintln(stdout, deleteNote(o))
	}
	if dir.live != nil {
		fmt.Fprintln(stdout, liveNote(dir.live))
		srv.RegisterOnShutdown(func() { dir.live.Close() }) // ends the streams
	}
	for _, note := range proxyNotes(o) {
		fmt.Fprintln(stdout, note)
	}
	served := make(chan error, 1)
	l := netlimit.NewListener(ln, o.maxConns, lim.write)
	go func() { served <- serveOn(srv, l) }()
	if o.open {
		openBrowser(browserURL(o.scheme(), ln.Addr(), ifaddrs), stderr)
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Refuse new clients before saying so; Shutdown closes l again.
	l.Close()
	fmt.Fprintln(stdout, "\nKeyboard interrupt received, exiting.")
	err = shutdown(srv, lim.shutdownGrace, stderr)
	front.waitUploads()
	return err
}

// newFrontDoor is the handler chain: the access log and its guards, then
// the dump, CORS and authentication (withAccess), then uploads and
// compression, around the file server.
func newFrontDoor(dir *site, o *options, lim limits, stderr io.Writer) *frontDoor {
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	files := dir.handler(&fileserve.Options{
		Dotfiles:      o.dotfiles,
		Precompressed: !o.noCompress,
		Logger:        logger,
		UploadForm:    o.upload,
		ManageForm:    o.delete,
		CacheControl:  o.cacheControl,
		SPA:           o.spa,
		NotFoundPage:  "404.html",
		Thumbnails:    thumbnails(o),
	})
	files = hashsum.New(dir.root, files, &hashsum.Options{Dotfiles: o.dotfiles, Logger: logger})
	next, uploads := withUploads(compress(dir.withLive(withPreviews(files, dir, o, logger)), o), dir, o, logger)
	next = withDAV(next, dir, o, logger)
	next = resumableFirst(next, uploads)
	next = withProxies(next, o, logger)
	next = withAccess(next, &o.access, logger, stderr)
	d := &frontDoor{next: next, errs: stderr, now: time.Now, bodyTimeout: lim.bodyTimeout,
		uploads: uploads, uploadIdleTimeout: lim.uploadIdleTimeout}
	if !o.quiet {
		d.log = stderr
	}
	return d
}

// compress puts on-the-fly compression in front of next, unless
// --no-compress turns it off.
func compress(next http.Handler, o *options) http.Handler {
	if o.noCompress {
		return next
	}
	return encode.New(next, nil)
}

// shutdown stops accepting, waits up to grace for the answers in flight,
// then cuts off whatever is left.
func shutdown(srv *http.Server, grace time.Duration, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "simplehttp: answers still running after %s were cut off\n", grace)
		return srv.Close()
	}
	return err
}

// site is the served directory.
type site struct {
	root   *os.Root
	follow fs.FS          // with --follow-symlinks: an os.DirFS of the directory
	hidden []string       // the top-level dotfiles the server hides
	live   *live.Reloader // with --live: watches root (live.go)
	// With --upload, the unfinished resumable uploads (uploads.go).
	parts    *parts.Store
	partsDir string
}

// openSite opens the served directory as an os.Root, which no symbolic
// link can leave; with --follow-symlinks it also makes an os.DirFS of it,
// which follows them anywhere.
func openSite(o *options) (*site, error) {
	root, err := os.OpenRoot(o.dir)
	if err != nil {
		return nil, dirError(o.dir, err)
	}
	s := &site{root: root}
	if o.followSymlinks {
		abs, err := filepath.Abs(o.dir)
		if err != nil {
			root.Close()
			return nil, dirError(o.dir, err)
		}
		s.follow = os.DirFS(abs)
	}
	if !o.dotfiles {
		s.hidden = topDotfiles(root)
	}
	return s, nil
}

// handler is the file server of the site. NewRoot (not New(root.FS()))
// also serves names that are not valid UTF-8.
func (s *site) handler(opt *fileserve.Options) http.Handler {
	if s.follow != nil {
		return fileserve.New(s.follow, opt)
	}
	return fileserve.NewRoot(s.root, opt)
}

// dirError explains why the directory cannot be served.
func dirError(dir string, err error) error {
	info, statErr := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %q does not exist", dir)
	case statErr == nil && !info.IsDir():
		return fmt.Errorf("%q is not a directory", dir)
	}
	return fmt.Errorf("cannot open directory %q: %s", dir, fileError(err))
}

// fileError says why a file could not be opened, without its path.
func fileError(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// topDotfiles lists the names beginning with "." at the top of root, which
// the server hides (except .well-known, which it serves).
func topDotfiles(root *os.Root) []string {
	f, err := root.Open(".")
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	names = slices.DeleteFunc(names, func(n string) bool {
		return !strings.HasPrefix(n, ".") || n == ".well-known"
	})
	slices.Sort(names)
	return names
}

// listenAddress is the address to listen on. An empty bind gives ":port":
// every interface, IPv4 and IPv6 both (Go's net.Listen makes that one
// dual-stack socket, as Python's http.server does since 3.8). A bracketed
// IPv6 address ("[::1]") is accepted too.
func listenAddress(bind string, port int) string {
	if strings.HasPrefix(bind, "[") && strings.HasSuffix(bind, "]") {
		bind = bind[1 : len(bind)-1]
	}
	return net.JoinHostPort(bind, strconv.Itoa(port))
}

// listenError explains why the server cannot listen on bind and port.
func listenError(bind string, port int, err error) error {
	where := fmt.Sprintf("%q port %d", bind, port)
	if bind == "" {
		where = fmt.Sprintf("port %d", port)
	}
	var dnsErr *net.DNSError
	switch {
	case isAddrInUse(err):
		return fmt.Errorf("cannot listen on %s: address already in use (choose another port, or 0 for any free one)", where)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("cannot listen on %s: that address is not on this machine", where)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s: permission denied (ports below 1024 need privileges)", where)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("cannot listen on %s: no such address or host name", where)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		err = opErr.Err
	}
	return fmt.Errorf("cannot listen on %s: %v", where, err)
}
