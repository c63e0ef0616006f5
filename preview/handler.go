package preview

import (
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"runtime"
	"strings"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/thumb"
)

// Options configures a [Handler]. The zero value is usable.
type Options struct {
	// Dotfiles, as fileserve.Options.Dotfiles: when false, names that
	// begin with "." (and links to them) are passed on to the next
	// handler, which answers 404.
	Dotfiles bool

	// Logger receives the causes of thumbnails that could not be made
	// for another reason than the image (a read error, a decoder's
	// panic). Nil means [slog.Default].
	Logger *slog.Logger

	// Workers is how many thumbnails are made at once. 0 means
	// runtime.GOMAXPROCS: one per core.
	Workers int

	// Queue is how many requests may wait for a worker; a request past
	// them gets the type's icon at once, marked not to be cached. 0
	// means 64.
	Queue int

	// MemoryCache bounds the bytes of thumbnails kept in memory. 0 means
	// 32 MiB (about 2,000 photos' thumbnails); negative keeps none.
	MemoryCache int64

	// DiskCache, when set, is a directory where thumbnails are kept as
	// well, up to DiskCacheSize bytes, so they outlive the process. It
	// must not be inside the served tree, and it is not shared with
	// another served tree: its entries are named by the files' names
	// and identities in this one.
	DiskCache string

	// DiskCacheSize bounds the bytes under DiskCache. 0 means 512 MiB.
	DiskCacheSize int64

	// Limits bound the images decoded. The zero value means
	// thumb.DefaultLimits.
	Limits thumb.Limits
}

// Handler answers ?thumb and ?view on the files of a file system, and
// passes every other request to the next handler. It is safe for
// concurrent use.
type Handler struct {
	fsys     fs.FS
	next     http.Handler
	dotfiles bool
	log      *slog.Logger
	limits   thumb.Limits
	workers  *pool
	memory   *memoryCache
	disk     *diskCache // nil: none
	making   flights
}

// New returns a Handler that serves previews of the files of fsys (the
// file system the next handler serves) and passes the rest to next. A
// nil opt means the zero Options.
func New(fsys fs.FS, next http.Handler, opt *Options) *Handler {
	if opt == nil {
		opt = &Options{}
	}
	h := &Handler{fsys: fsys, next: next, dotfiles: opt.Dotfiles, log: opt.Logger, limits: opt.Limits}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.limits == (thumb.Limits{}) {
		h.limits = thumb.DefaultLimits
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	queue := opt.Queue
	if queue <= 0 {
		queue = 64
	}
	h.workers = newPool(workers, queue)
	mem := opt.MemoryCache
	if mem == 0 {
		mem = 32 << 20
	}
	h.memory = newMemoryCache(mem)
	if opt.DiskCache != "" {
		size := opt.DiskCacheSize
		if size <= 0 {
			size = 512 << 20
		}
		h.disk = newDiskCache(opt.DiskCache, size, h.log)
	}
	return h
}

// HasThumbnail reports whether ?thumb on a file named name makes a
// thumbnail of its content (rather than answering its type's icon): for
// fileserve.Options.Thumbnails.
func HasThumbnail(name string) bool { return thumb.Supported(name) }

// ServeHTTP answers GET and HEAD requests of ?thumb and ?view on a file,
// remembers the view a folder was last asked in, and passes everything
// else to the next handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.next.ServeHTTP(w, r)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/") {
		h.next.ServeHTTP(w, withRememberedView(w, r))
		return
	}
	if r.URL.RawQuery == "" {
		h.next.ServeHTTP(w, r)
		return
	}
	q := r.URL.Query()
	switch {
	case q.Has("thumb"):
		h.serveFile(w, r, func(f *file) { h.serveThumb(w, r, f, q.Get("thumb")) })
	case q.Has("view"):
		h.serveFile(w, r, func(f *file) { h.serveView(w, r, f) })
	default:
		h.next.ServeHTTP(w, r)
	}
}

// file is an open regular file of the served tree.
type file struct {
	fs.File
	name string
	info fs.FileInfo
}

// serveFile opens the file r names and hands it to serve. What is not a
// regular file the request may see (a folder, a hidden name) goes to the
// next handler, which answers it as it would without the query; a name
// that cannot be opened gets fileserve's error page.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, serve func(*file)) {
	name, ok := h.fileName(r.URL.Path)
	if !ok {
		h.next.ServeHTTP(w, r)
		return
	}
	info, err := fs.Stat(h.fsys, name)
	if err != nil || info.IsDir() {
		h.next.ServeHTTP(w, r)
		return
	}
	if !info.Mode().IsRegular() {
		fileserve.Error(w, r, http.StatusNotFound) // a FIFO is never opened
		return
	}
	f, err := h.fsys.Open(name)
	if err != nil {
		fileserve.Error(w, r, fileserve.Status(err))
		return
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		fileserve.Error(w, r, http.StatusNotFound) // replaced since the Stat
		return
	}
	serve(&file{File: f, name: name, info: info})
}

// fileName is the name in the file system of the URL path p, as
// fileserve's translatePath makes it; ok is false for a name with a NUL
// or, unless dotfiles are served, a hidden one.
func (h *Handler) fileName(p string) (name string, ok bool) {
	if strings.IndexByte(p, 0) >= 0 {
		return "", false
	}
	name = strings.TrimPrefix(path.Clean("/"+p), "/")
	if name == "" {
		return "", false // the root is a folder
	}
	if !h.dotfiles && fileserve.Hidden(h.fsys, name) {
		return "", false
	}
	return name, true
}
