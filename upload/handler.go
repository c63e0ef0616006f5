package upload

import (
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/hidden"
	"github.com/simplehttp/simplehttp/internal/page"
	"github.com/simplehttp/simplehttp/internal/rootlinks"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// Options configures a [Handler]. The zero value keeps every existing
// file, accepts uploads of any size and refuses hidden names.
type Options struct {
	// Overwrite, when true, lets an upload replace an existing file (never
	// a folder). By default a name that exists answers 409 Conflict.
	Overwrite bool

	// MaxSize bounds the body of one upload request, in bytes: a PUT's
	// file, or a form's files together. A larger one answers 413, before
	// its body is read when its Content-Length says so. 0 means no limit.
	MaxSize int64

	// Dotfiles, when true, lets uploads write names that begin with "."
	// and into hidden folders, as fileserve.Options.Dotfiles lets reads
	// see them. By default such a name answers 403 and such a folder 404.
	Dotfiles bool

	// Logger receives the causes of 5xx answers. Nil means [slog.Default].
	Logger *slog.Logger

	// Resumable, when set, accepts resumable uploads too (tus 1.0 and the
	// IETF draft "Resumable Uploads for HTTP"; see [Handler]), and keeps
	// the unfinished ones in it, outside the served directory. It should
	// be on the served directory's file system: a finished upload is then
	// linked into place, not copied.
	Resumable *parts.Store
}

// Handler writes uploads into one directory and passes every reading
// request to another handler, the file server of the same directory.
// Create it with [New]; it is safe for concurrent use.
type Handler struct {
	root      *os.Root
	policyFS  fs.FS // root, for the dotfile policy's look at links
	next      http.Handler
	overwrite bool
	maxSize   int64
	dotfiles  bool
	log       *slog.Logger
	csrf      *http.CrossOriginProtection
	running   sync.WaitGroup // the writing requests in flight
	tus       http.Handler   // resumable uploads: tusd's handler, or nil
	parts     *parts.Store   // their unfinished parts
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler that stores uploads in root and passes GET and
// HEAD requests to next, typically fileserve.NewRoot(root, …). A nil opt
// means the zero Options.
func New(root *os.Root, next http.Handler, opt *Options) *Handler {
	if opt == nil {
		opt = &Options{}
	}
	h := &Handler{
		root:      root,
		policyFS:  rootlinks.FS{Root: root},
		next:      next,
		overwrite: opt.Overwrite,
		maxSize:   opt.MaxSize,
		dotfiles:  opt.Dotfiles,
		log:       opt.Logger,
		csrf:      http.NewCrossOriginProtection(),
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if opt.Resumable != nil {
		if err := h.newTus(opt.Resumable); err != nil {
			panic("upload: " + err.Error()) // tusd refuses only a config without a store
		}
	}
	return h
}

// AllowedMethods is the Allow header of a Handler's OPTIONS and 405
// answers. Every method but GET, HEAD and OPTIONS writes.
const AllowedMethods = "GET, HEAD, OPTIONS, POST, PUT"

// ServeHTTP stores a PUT's body as a file, or a POST form's files and new
// folder, and passes GET and HEAD on. Cross-origin writes from browsers
// are refused (403), and no reading request ever changes anything.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.isResumable(r) {
		h.serveResumable(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.next.ServeHTTP(w, r)
	case http.MethodOptions:
		w.Header().Set("Allow", AllowedMethods)
		if h.tus != nil {
			h.setTusOptions(w.Header())
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPut, http.MethodPost:
		h.running.Add(1)
		defer h.running.Done()
		if err := h.csrf.Check(r); err != nil {
			h.answerError(w, r, answer.Refuse(http.StatusForbidden, "refused a cross-origin request"))
			return
		}
		if r.Method == http.MethodPut {
			h.put(w, r)
		} else {
			h.post(w, r)
		}
	default:
		w.Header().Set("Allow", AllowedMethods)
		page.Error(w, r, http.StatusMethodNotAllowed)
	}
}

// Wait waits up to timeout for the uploads in flight to end, and reports
// whether they did. A server calls it after http.Server.Shutdown (or
// Close) has cut their connections, so that each removes its temporary
// file before the process exits.
func (h *Handler) Wait(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		h.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// checkFolder checks that dir (under the root) is a folder the client may
// write into: it exists, it is a folder, and it is not hidden.
func (h *Handler) checkFolder(dir string) error {
	if !h.dotfiles && hidden.In(h.policyFS, dir) {
		return answer.Refuse(http.StatusNotFound, "no such folder")
	}
	info, err := h.root.Stat(dir)
	switch {
	case err != nil && page.Status(err) == http.StatusNotFound:
		return answer.Refuse(http.StatusNotFound, "no such folder")
	case err != nil:
		return err
	case !info.IsDir():
		return answer.Refuse(http.StatusNotFound, "no such folder")
	}
	return nil
}

// checkNew checks that name may be created in dir: a valid name, not
// hidden, and (unless overwrite is set and it is a file) not taken. The
// check is repeated, atomically, when the upload is moved into place; this
// one answers before a byte of the body is read.
func (h *Handler) checkNew(dir, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if h.hiddenName(dir, name) {
		return answer.Refuse(http.StatusForbidden, "refused the hidden name %q", name)
	}
	info, err := h.root.Lstat(joinName(dir, name))
	switch {
	case err != nil:
		return nil
	case info.IsDir():
		return answer.Refuse(http.StatusConflict, "a folder named %q exists", name)
	case !h.overwrite:
		return answer.Refuse(http.StatusConflict, "%q exists, and this server does not replace files", name)
	}
	return nil
}

// hiddenName reports whether the dotfile policy hides name in dir.
func (h *Handler) hiddenName(dir, name string) bool {
	return !h.dotfiles && hidden.In(h.policyFS, joinName(dir, name))
}

// joinName is the name of name in dir.
func joinName(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}
