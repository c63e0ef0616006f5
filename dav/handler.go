package dav

import (
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/net/webdav"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/page"
	"github.com/simplehttp/simplehttp/internal/rootlinks"
	"github.com/simplehttp/simplehttp/listing"
)

// Options configures a [Handler]. The zero value serves WebDAV read-only:
// OPTIONS and PROPFIND, beside the GET and HEAD of the handler behind.
type Options struct {
	// Upload lets clients add files and folders: PUT (stored by the
	// handler behind, package upload), MKCOL, COPY to a new name,
	// PROPPATCH, and LOCK, which a client takes before it writes.
	Upload bool

	// Delete lets clients delete (DELETE), rename and move (MOVE), and
	// replace a file or folder with COPY or MOVE, from WebDAV clients, scripts
	// and the listing's buttons.
	Delete bool

	// Dotfiles, when true, lets clients see and change names that begin
	// with "." (as the file server's Options.Dotfiles lets reads see them).
	// By default they do not exist to WebDAV: a hidden name is not
	// listed, reads as 404 and cannot be written, and a folder holding
	// one cannot be deleted.
	Dotfiles bool

	// Logger receives the causes of 5xx answers. Nil means [slog.Default].
	Logger *slog.Logger

	// Now is the clock of lock time-outs, and tells when a folder last
	// changed long enough ago to remember that it holds no dead
	// properties. Nil means [time.Now].
	Now func() time.Time
}

// Handler answers WebDAV requests (RFC 4918, class 1 and 2) about the
// files under an [os.Root] and passes GET, HEAD, PUT and upload forms to
// the handler behind it. Create it with [New]; it is safe for concurrent
// use.
type Handler struct {
	root     *os.Root
	links    rootlinks.FS
	next     http.Handler
	lib      *webdav.Handler
	fsys     *fileSystem
	locks    *lockStore
	props    *propStore
	upload   bool
	delete   bool
	dotfiles bool
	allow    string // the Allow header
	// supportedLock is the value of DAV:supportedlock: the locks
	// clients may take, none on a server that takes no changes.
	supportedLock string
	names         *listing.NameCache // of the folders PROPFIND lists
	// swap exchanges two names in a folder in one step (exchange).
	swap func(root *os.Root, dir, a, b string) error
	log  *slog.Logger
	csrf *http.CrossOriginProtection
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for the files under root that passes GET, HEAD,
// PUT and POST requests to next, typically the upload handler in front of
// the file server of the same root. A nil opt means the zero Options.
func New(root *os.Root, next http.Handler, opt *Options) *Handler {
	if opt == nil {
		opt = &Options{}
	}
	h := &Handler{
		root:     root,
		links:    rootlinks.FS{Root: root},
		next:     next,
		upload:   opt.Upload,
		delete:   opt.Delete,
		dotfiles: opt.Dotfiles,
		log:      opt.Logger,
		csrf:     http.NewCrossOriginProtection(),
		names:    listing.NewNameCache(nameCacheBytes),
		swap:     exchange,
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	h.locks = newLockStore(now)
	h.props = newPropStore(root, fileXattrs{}, now)
	h.fsys = &fileSystem{root: root, links: h.links, dotfiles: h.dotfiles, props: h.props, locks: h.locks}
	h.lib = &webdav.Handler{FileSystem: h.fsys, LockSystem: checkedLocks{}, Logger: h.logLibrary}
	h.allow = allowed(h.upload, h.delete)
	if h.upload || h.delete {
		h.supportedLock = supportedLocks
	}
	return h
}

// nameCacheBytes bounds the names of folders PROPFIND keeps, to list
// them again without reading them while they are unchanged: about ten
// 10,000-entry folders.
const nameCacheBytes = 4 << 20

// allowed is the Allow header: the methods this server takes.
func allowed(upload, delete bool) string {
	methods := []string{"GET", "HEAD", "OPTIONS", "PROPFIND"}
	if upload {
		methods = append(methods, "POST", "PUT", "MKCOL", "COPY", "PROPPATCH")
	}
	if delete {
		methods = append(methods, "DELETE", "MOVE")
		if !upload {
			methods = append(methods, "POST")
		}
	}
	if upload || delete {
		methods = append(methods, "LOCK", "UNLOCK")
	}
	return strings.Join(methods, ", ")
}

// Reads reports whether method only reads: GET, HEAD, OPTIONS and
// PROPFIND. Every other method may change something, and counts as a
// write (for --auth-upload-only, and for the permission flags).
func Reads(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, "PROPFIND":
		return true
	}
	return false
}

// ServeHTTP answers the WebDAV methods the options allow, passes GET,
// HEAD, PUT and POST on, and refuses the rest: 405 with Allow when the
// server takes no changes at all, 403 with a reason when it takes some
// but not this one.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if h.delete && r.URL.Query().Get("do") == "entry" {
			h.entryPage(w, r)
		} else {
			h.next.ServeHTTP(w, r)
		}
		return
	case http.MethodOptions:
		h.options(w)
		return
	case "PROPFIND":
		h.propfind(w, r)
		return
	}
	if !h.permitted(w, r) {
		return
	}
	if err := h.csrf.Check(r); err != nil {
		h.fail(w, r, answer.Refuse(http.StatusForbidden, "refused a cross-origin request"))
		return
	}
	if h.discardFinderMetadata(w, r) {
		return
	}
	switch r.Method {
	case http.MethodPost:
		if action := r.URL.Query().Get("do"); action != "" {
			h.form(w, r, action)
		} else {
			h.next.ServeHTTP(w, r)
		}
	case http.MethodPut:
		h.put(w, r)
	case "MKCOL":
		h.mkcol(w, r)
	case "PROPPATCH":
		h.proppatch(w, r)
	case "COPY":
		h.copy(w, r)
	case "MOVE":
		h.move(w, r)
	case http.MethodDelete:
		h.deleteResource(w, r)
	case "LOCK":
		h.lock(w, r)
	case "UNLOCK":
		h.unlock(w, r)
	}
}

// permitted answers a request the options do not allow and reports
// whether it may go on.
func (h *Handler) permitted(w http.ResponseWriter, r *http.Request) bool {
	var ok bool
	var why string
	switch r.Method {
	case http.MethodPut, "MKCOL", "COPY", "PROPPATCH":
		ok, why = h.upload, "this server does not take uploads (start it with --upload or -w)"
	case http.MethodDelete, "MOVE":
		ok, why = h.delete, "this server does not delete, rename or move (start it with --delete or -w)"
	case http.MethodPost, "LOCK", "UNLOCK":
		// POST: upload forms, or the listing's delete, rename and move
		// forms.
		ok = h.upload || h.delete
	default:
		h.notAllowed(w, r)
		return false
	}
	switch {
	case ok:
		return true
	case !h.upload && !h.delete:
		// A server that takes no changes at all refuses them as it
		// refuses any method it does not know, as Python's does.
		h.notAllowed(w, r)
	default:
		h.fail(w, r, answer.Refuse(http.StatusForbidden, "%s", why))
	}
	return false
}

// notAllowed answers 405 Method Not Allowed, with Allow.
func (h *Handler) notAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", h.allow)
	page.Error(w, r, http.StatusMethodNotAllowed)
}

// options answers OPTIONS, the same for every URL (so it may answer
// without credentials, which Windows' WebDAV client needs): the methods,
// and the WebDAV class, 2 (locking) where clients may write.
func (h *Handler) options(w http.ResponseWriter) {
	hdr := w.Header()
	hdr.Set("Allow", h.allow)
	if h.upload || h.delete {
		hdr.Set("DAV", "1, 2")
	} else {
		hdr.Set("DAV", "1")
	}
	hdr.Set("MS-Author-Via", "DAV")
	hdr.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// checkedLocks is the lock system the library sees. The Handler has
// evaluated the request's If header and checked every lock in its way
// before it hands a request to the library, and takes and releases locks
// itself (the library's locks cannot be shared), so this one confirms
// whatever it is asked.
type checkedLocks struct{}

func (checkedLocks) Confirm(time.Time, string, string, ...webdav.Condition) (func(), error) {
	return func() {}, nil
}
func (checkedLocks) Create(time.Time, webdav.LockDetails) (string, error) { return "", nil }
func (checkedLocks) Refresh(time.Time, string, time.Duration) (webdav.LockDetails, error) {
	return webdav.LockDetails{}, webdav.ErrNoSuchLock
}
func (checkedLocks) Unlock(time.Time, string) error { return nil }
