// Package live reloads the pages of a site as its files change: the live
// reload of a development server, for the pages simplehttp serves.
//
// A [Reloader] watches a tree (package watch) and wraps the file server
// with [Reloader.Handler]. Every HTML page that goes through it, files and
// listings and error pages alike, gets one script tag, for
// public/live.js, served from the reserved asset prefix (package
// internal/assets) like the listing's own scripts, so the strict
// Content-Security-Policy of generated pages stays as it is. The script
// opens a Server-Sent Events stream, also under that prefix, and hears of
// every burst of changes:
//
//   - The page reloads when it changed, or any file it loaded did (the
//     browser's Resource Timing lists every script, module, fetch, font
//     and image a page loaded). A change to anything else, a log file or
//     an upload in the same folder, leaves it alone.
//   - A changed stylesheet the page uses is swapped in place, even when
//     reached through @import, so the page's state and scroll stay; so is
//     a changed image that an <img> shows.
//   - A listing updates its rows (entries appear, go, change size) in
//     place.
//
// Changes come in bursts (an editor's write-then-rename, a build writing
// hundreds of files): a burst is sent once no change came for
// [Options].Quiet (50 ms), as one event, so a page reloads once. Names
// that begin with "." (.git/, editors' swap files) and editors' backup
// files (name~, #name#) never count.
//
// The injected page is its own representation: its ETag is the file's
// with "+live" before the closing quote, its Content-Length counts the
// script, and Range, HEAD and conditional requests (304) are answered
// for it, from memory, with net/http.ServeContent; its Cache-Control is
// "no-cache", so a reload never shows a stale copy. A page larger than
// 8 MiB is sent as it is.
//
// Without a Reloader nothing of this exists: no watcher, no stream, no
// script, the same bytes.
package live

import (
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/assets"
	"github.com/simplehttp/simplehttp/live/watch"
)

// Default timings.
const (
	// DefaultQuiet is how long a burst of changes must have been quiet
	// before it is sent.
	DefaultQuiet = 50 * time.Millisecond
	// DefaultMaxWait bounds the wait of a burst that does not end (a log
	// written to without pause): it is sent at least this often.
	DefaultMaxWait = time.Second
	// DefaultKeepAlive is how often an idle stream sends a comment, so
	// that proxies keep it and a page that is gone is noticed.
	DefaultKeepAlive = 25 * time.Second
)

// Options configures a [Reloader]. The zero value is the default.
type Options struct {
	// Quiet is how long a burst must be quiet before it is sent; 0 means
	// DefaultQuiet.
	Quiet time.Duration

	// KeepAlive is how often an idle stream sends a comment; 0 means
	// DefaultKeepAlive.
	KeepAlive time.Duration

	// PollInterval is how often the folders past the system's watch limit
	// are read; 0 means watch.DefaultPollInterval.
	PollInterval time.Duration

	// OnLimit, when set, is called once if the system refuses a watch
	// (see watch.Options.OnLimit); the folders left are then polled.
	OnLimit func(err error)

	// Logger receives the cause of errors. Nil means [slog.Default].
	Logger *slog.Logger
}

// Reloader watches a tree and tells the pages it serves of its changes.
// Create it with [New]; Close it when done.
type Reloader struct {
	hub       *hub
	watcher   *watch.Watcher
	keepAlive time.Duration
	log       *slog.Logger
	closeOnce sync.Once
	closeErr  error
}

// eventsPath is the URL path of the event stream.
var eventsPath = sync.OnceValue(func() string { return assets.Prefix() + "live-events" })

// scriptName is the script injected into pages, a file of package public.
const scriptName = "live.js"

// New watches the tree of root. It returns once every folder is watched
// (or polled). A nil opt means the zero Options.
func New(root *os.Root, opt *Options) (*Reloader, error) {
	if opt == nil {
		opt = &Options{}
	}
	l := &Reloader{
		hub:       newHub(orDefault(opt.Quiet, DefaultQuiet), DefaultMaxWait),
		keepAlive: orDefault(opt.KeepAlive, DefaultKeepAlive),
		log:       opt.Logger,
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	fsys := root.FS()
	w, err := watch.New(root, func(c watch.Change) { l.hub.changed(c.Name, c.Lost) }, &watch.Options{
		Skip:         func(name string) bool { return ignored(fsys, name) },
		PollInterval: opt.PollInterval,
		OnLimit:      opt.OnLimit,
	})
	if err != nil {
		return nil, err
	}
	l.watcher = w
	return l, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Close stops watching and ends every stream. Closing it again does
// nothing.
func (l *Reloader) Close() error {
	l.closeOnce.Do(func() {
		l.closeErr = l.watcher.Close()
		l.hub.close()
	})
	return l.closeErr
}

// Folders returns how many folders are watched by the system and how many
// are polled.
func (l *Reloader) Folders() (watched, polled int) { return l.watcher.Counts() }

// Pages is the number of pages listening now.
func (l *Reloader) Pages() int { return l.hub.count() }

// Handler returns next with live reload: it serves the event stream, and
// puts the script into every HTML page next answers with.
func (l *Reloader) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == eventsPath():
			l.serveEvents(w, r)
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			next.ServeHTTP(w, r)
		default:
			servePage(next, w, r)
		}
	})
}

// ignored reports whether a change to name is no reason to tell any
// page: a name the dotfile rule hides (whether dotfiles are served or
// not: .git/ churns on every commit), or an editor's backup or autosave
// file, which editors write beside the file being edited while the user
// types, not when they save.
func ignored(fsys fs.FS, name string) bool {
	base := path.Base(name)
	switch {
	case strings.HasSuffix(base, "~"), // Vim, Emacs, nano backups
		len(base) > 1 && base[0] == '#' && base[len(base)-1] == '#', // Emacs autosave
		base == "4913",                                                                   // Vim's probe of whether it may write in the folder
		strings.HasSuffix(base, "___jb_tmp___"), strings.HasSuffix(base, "___jb_old___"): // JetBrains
		return true
	}
	return fileserve.Hidden(fsys, name)
}
