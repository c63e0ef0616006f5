package fileserve

import (
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/direct"
	"github.com/simplehttp/simplehttp/internal/hotcache"
	"github.com/simplehttp/simplehttp/internal/page"
	"github.com/simplehttp/simplehttp/listing"
)

// Options configures a [Handler]. The zero value serves as Python's
// http.server does, except that dotfiles are hidden.
type Options struct {
	// IndexNames are the files served in place of a directory's listing,
	// tried in order. Nil means "index.html", then "index.htm".
	IndexNames []string

	// Dotfiles, when true, lists and serves names that begin with ".".
	// By default they are neither listed nor served (404), except for
	// ".well-known/" at the top: a forgotten .git/ or .env is the classic
	// leak of one-line file servers. Symbolic links that lead to such a
	// name are hidden as the name is.
	Dotfiles bool

	// Precompressed, when true, sends a file's precompressed sibling
	// (app.js.zst, app.js.br or app.js.gz next to app.js) in its place to
	// a client that accepts the sibling's coding, with the file's
	// Content-Type and the sibling's Content-Encoding, while the sibling
	// is not older than the file. Ranges and ETags are the sibling's.
	// Siblings are looked for only for files of 1 KiB or more of types
	// that compress (text, HTML, CSS, JavaScript, JSON, XML, SVG,
	// WebAssembly); they are opened as
	// any file is, so a sibling that is hidden, a FIFO, or a symbolic
	// link out of the root is ignored. A ".gz" file asked for by its own
	// name is sent as itself (application/gzip), never decoded.
	Precompressed bool

	// Logger receives the cause of every 5xx answer. Nil means
	// [slog.Default].
	Logger *slog.Logger

	// UploadForm, when true, shows on HTML listings an area to upload
	// files into the folder and a form to make a new folder. They post
	// to the folder's URL: a handler in front must accept the writes
	// (package upload does); the Handler itself never writes.
	UploadForm bool

	// ManageForm, when true, shows on HTML listings a box to select each
	// entry and a form to delete, rename or move the selected ones. It
	// posts to the folder's URL: a handler in front must take it
	// (package dav does).
	ManageForm bool

	// CacheControl, when set, is the Cache-Control header of files,
	// listings and redirects, e.g. "no-cache" (a browser revalidates
	// every time, so an edit shows on reload; the validators make that a
	// 304) or "public, max-age=600". Error pages never carry it; the
	// listing's own assets keep their year-long immutable caching.
	CacheControl string

	// SPA, when true, answers a GET or HEAD of a name that does not exist
	// with the first of IndexNames at the root and 200, for single-page
	// apps that route on the client. Files and listings that exist still
	// win; a hidden name, or a site without the index file, still gets
	// 404.
	SPA bool

	// NotFoundPage names a file (e.g. "404.html", at the root) sent with
	// status 404 in place of the built-in page to a GET or HEAD that
	// finds nothing, when it exists. It is opened as any file is: hidden,
	// linked out of the root or special, it is not used.
	NotFoundPage string

	// Thumbnails, when set, turns on the gallery and previews of HTML
	// listings: a grid view (?view=grid) whose tiles show "name?thumb"
	// for the files it accepts, and a script that opens files in a
	// viewer on the page ("name?view" in a frame of the same origin,
	// which the listing's Content-Security-Policy then allows). A
	// handler in front must answer ?thumb and ?view (package preview
	// does, and its HasThumbnail is the function to set here).
	Thumbnails func(name string) bool
}

// Handler serves the files and directory listings of one file system.
// Create it with [New]; it is safe for concurrent use.
type Handler struct {
	fsys       fs.FS
	indexNames []string
	dotfiles   bool
	uploadForm bool
	manageForm bool
	log        *slog.Logger
	rootDir    string // the real path of fsys's root, if the kernel tells
	names      *listing.NameCache
	pages      *pageCache                   // listing pages lately sent, coded
	now        func() time.Time             // time.Now, but for tests: listings' relative times, the hot cache's settling
	direct     *direct.Root                 // nil: every name goes through fsys
	hot        *hotcache.Cache[wholeAnswer] // small files lately sent; nil when direct is

	precompressed bool                   // Options.Precompressed
	cacheControl  string                 // Options.CacheControl; "": none
	spa           bool                   // Options.SPA
	notFoundPage  string                 // Options.NotFoundPage
	thumbnails    func(name string) bool // Options.Thumbnails
}

// nameCacheBytes bounds the memory of a Handler's [listing.NameCache]:
// the names of about fifty 10,000-entry folders.
const nameCacheBytes = 16 << 20

var _ http.Handler = (*Handler)(nil)

// New returns a Handler serving fsys. The FS of an [os.Root]
// ((*os.Root).FS) confines every open to the directory, symbolic links
// included, as [NewRoot] does; [os.DirFS] rejects ".." but follows
// symbolic links anywhere. A nil opt means the zero Options.
func New(fsys fs.FS, opt *Options) *Handler {
	if opt == nil {
		opt = &Options{}
	}
	h := &Handler{
		fsys:       fsys,
		indexNames: opt.IndexNames,
		dotfiles:   opt.Dotfiles,
		uploadForm: opt.UploadForm,
		manageForm: opt.ManageForm,
		log:        opt.Logger,
		names:      listing.NewNameCache(nameCacheBytes),
		pages:      newPageCache(pageCacheBytes),
		now:        time.Now,
	}
	if h.indexNames == nil {
		h.indexNames = []string{"index.html", "index.htm"}
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.precompressed = opt.Precompressed
	h.cacheControl = opt.CacheControl
	h.spa = opt.SPA
	h.notFoundPage = opt.NotFoundPage
	h.thumbnails = opt.Thumbnails
	h.rootDir = realDir(fsys)
	return h
}

// allowedMethods is the Allow header of OPTIONS and 405 answers.
const allowedMethods = "GET, HEAD, OPTIONS"

// ServeHTTP dispatches on the request method, as Python's handler does with
// its do_GET and do_HEAD methods.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = withRootPath(withoutFragment(r))
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		// GET and HEAD share sendHead: both answer the same status and
		// headers, and the body writers leave out the body for HEAD.
		h.sendHead(w, r)
	case http.MethodOptions:
		// No Content-Length: a 204 must not carry one (RFC 9110 §8.6).
		w.Header().Set("Allow", allowedMethods)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", allowedMethods)
		h.fail(w, r, page.StatusError(http.StatusMethodNotAllowed))
	}
}

// sendHead answers a GET or HEAD request: the asset, directory or file the
// URL path names, or an error page.
func (h *Handler) sendHead(w http.ResponseWriter, r *http.Request) {
	if asset, ok := assetName(r.URL.Path); ok {
		serveAsset(w, r, asset)
		return
	}
	h.setCacheControl(w)
	name, ok := h.translatePath(r.URL.Path)
	if !ok {
		h.fail(w, r, page.StatusError(http.StatusNotFound))
		return
	}
	if h.direct != nil && h.serveDirect(w, r, name) {
		return
	}
	info, err := fs.Stat(h.fsys, name)
	if err != nil {
		h.notFound(w, r, err)
		return
	}
	switch {
	case info.IsDir() && h.hidden(name):
		// A link to a hidden directory. (A file's links are checked
		// once it is open, by openFile.)
		h.fail(w, r, page.StatusError(http.StatusNotFound))
	case info.IsDir():
		h.serveDir(w, r, name)
	case strings.HasSuffix(r.URL.Path, "/"):
		// A file asked for as a directory (Python's Issue17324).
		h.fail(w, r, page.StatusError(http.StatusNotFound))
	case !info.Mode().IsRegular():
		// A FIFO, device or socket is never opened: opening a FIFO
		// blocks until a writer comes, and a device's content is not a
		// file's.
		h.fail(w, r, page.StatusError(http.StatusNotFound))
	default:
		h.serveFile(w, r, name)
	}
}

// setCacheControl gives a file, listing or redirect answer the
// configured Cache-Control. Error pages drop it again
// (page.DropSuccessHeaders), and the listing's assets carry their own.
func (h *Handler) setCacheControl(w http.ResponseWriter) {
	if h.cacheControl != "" {
		w.Header()["Cache-Control"] = []string{h.cacheControl}
	}
}
