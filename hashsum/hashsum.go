// Package hashsum answers "GET /file?hash=sha256" with the SHA-256 of the
// file, so that a download can be checked, and passes every other request
// on to the next handler (the file server).
//
//	$ curl 'http://host/video.mp4?hash=sha256'
//	9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// The answer is the digest in hex on a line of text, and the same in a
// Repr-Digest header (RFC 9530); HEAD gets the header alone. The file is
// read through the os.Root and the dotfile rule of reads, so what cannot
// be downloaded cannot be hashed (404).
//
// Digests are computed streaming, in constant memory, and remembered by
// the file's identity: device, inode, size, modification and change
// times, so a file changed in any way (even within the same second, or
// replaced by a rename) is hashed afresh, never answered stale. A file
// that changes while it is hashed is not remembered. The cache holds a
// bounded number of digests, the least recently used dropped first.
//
// Hashing costs one pass over the file per miss, and at most
// [Options].MaxHashing files are hashed at once (by default half the
// processors, at least one): more requests wait their turn, and a client
// that goes away stops its hash, so no number of requests can keep more
// than that many processors busy.
package hashsum

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"

	"github.com/simplehttp/simplehttp/fileserve"
)

// Options configures a [Handler]. The zero value means the defaults.
type Options struct {
	// Dotfiles, when true, hashes names that begin with ".", as
	// fileserve.Options.Dotfiles serves them.
	Dotfiles bool
	// MaxHashing bounds the files hashed at once. 0 means half the
	// processors (GOMAXPROCS), at least one.
	MaxHashing int
	// MaxCached bounds the digests remembered. 0 means 4096.
	MaxCached int
	// Logger receives the causes of 5xx answers. Nil means slog.Default.
	Logger *slog.Logger
}

// Handler answers requests for digests and passes the others on.
type Handler struct {
	root     *os.Root
	next     http.Handler
	dotfiles bool
	turns    chan struct{} // a token per file being hashed
	cache    *cache
	log      *slog.Logger
}

// New returns a Handler that hashes files of root and passes other
// requests to next.
func New(root *os.Root, next http.Handler, opt *Options) *Handler {
	if opt == nil {
		opt = &Options{}
	}
	n := opt.MaxHashing
	if n <= 0 {
		n = max(runtime.GOMAXPROCS(0)/2, 1)
	}
	size := opt.MaxCached
	if size <= 0 {
		size = 4096
	}
	h := &Handler{root: root, next: next, dotfiles: opt.Dotfiles, turns: make(chan struct{}, n), cache: newCache(size), log: opt.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h
}

// ServeHTTP answers a GET or HEAD with the query "hash=sha256" with the
// digest, and passes every other request on.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	alg, asked := hashQuery(r)
	if !asked {
		h.next.ServeHTTP(w, r)
		return
	}
	if alg != "sha256" {
		writeText(w, r, http.StatusBadRequest, "400 Bad Request: hash=sha256 is the one digest this server computes\n")
		return
	}
	sum, err := h.digest(r.Context(), r.URL.Path)
	if err != nil {
		code := status(err)
		if code >= 500 {
			h.log.Error("hashsum: hashing a file", "path", r.URL.Path, "err", err)
		}
		fileserve.Error(w, r, code)
		return
	}
	w.Header().Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	w.Header().Set("Cache-Control", "no-cache")
	writeText(w, r, http.StatusOK, hex.EncodeToString(sum[:])+"\n")
}

// hashQuery reports whether r asks for a digest, and of what: a GET or
// HEAD with a "hash" parameter.
func hashQuery(r *http.Request) (string, bool) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !strings.Contains(r.URL.RawQuery, "hash=") {
		return "", false
	}
	q := r.URL.Query()
	return q.Get("hash"), q.Has("hash")
}

// writeText sends a short plain-text answer (without its body to HEAD).
func writeText(w http.ResponseWriter, r *http.Request, code int, text string) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		io.WriteString(w, text) //nolint:errcheck // a failed write means the client left
	}
}

// errNotFile is a name that is no regular file, or that the dotfile rule
// hides.
var errNotFile = errors.New("hashsum: not a file that is served")

// errChanging is a file that changed each time it was hashed.
var errChanging = errors.New("hashsum: the file changed while it was hashed")

// status maps an error to the status of the answer.
func status(err error) int {
	switch {
	case errors.Is(err, errNotFile):
		return http.StatusNotFound
	case errors.Is(err, errChanging):
		return http.StatusServiceUnavailable
	}
	return fileserve.Status(err)
}

// digest returns the SHA-256 of the file at URL path p: remembered, or
// computed while the file stays the same (tried twice).
func (h *Handler) digest(ctx context.Context, p string) ([sha256.Size]byte, error) {
	var none [sha256.Size]byte
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name == "" || !fs.ValidPath(name) || (!h.dotfiles && fileserve.Hidden(h.root.FS(), name)) {
		return none, errNotFile
	}
	for range 2 {
		f, err := h.root.Open(name)
		if err != nil {
			return none, err
		}
		sum, err := h.digestFile(ctx, f)
		f.Close()
		if !errors.Is(err, errChanging) {
			return sum, err
		}
	}
	return none, errChanging
}

// digestFile returns the SHA-256 of the open file f, from the cache when
// its identity is there.
func (h *Handler) digestFile(ctx context.Context, f *os.File) ([sha256.Size]byte, error) {
	var none [sha256.Size]byte
	before, err := f.Stat()
	if err != nil {
		return none, err
	}
	if !before.Mode().IsRegular() {
		return none, errNotFile
	}
	key := identityOf(before)
	if sum, ok := h.cache.get(key); ok {
		return sum, nil
	}
	select {
	case h.turns <- struct{}{}:
	case <-ctx.Done():
		return none, ctx.Err()
	}
	sum, err := hashFile(ctx, f)
	<-h.turns
	if err != nil {
		return none, err
	}
	after, err := f.Stat()
	if err != nil {
		return none, err
	}
	if identityOf(after) != key {
		return none, errChanging
	}
	h.cache.put(key, sum)
	return sum, nil
}

// hashFile reads f from its start through SHA-256, stopping when ctx is
// done.
func hashFile(ctx context.Context, f *os.File) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	hash := sha256.New()
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		n, err := f.Read(buf)
		hash.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
	}
	return [sha256.Size]byte(hash.Sum(nil)), nil
}
