//go:build linux

// Command floor is the ceiling that make bench-peers holds simplehttp's
// small-file and 404 answers to: the least a net/http file server can do
// per request and still never serve a stale byte. For each request it
// makes one fstatat of the asked name under the served directory, the
// one system call that proves the name still exists, then writes an
// answer prepared in memory: the file's bytes, read at start, or a 404
// page as long as simplehttp's; to a request whose Accept-Encoding names
// zstd, the file's zstd coding, made at start, as simplehttp keeps a hot
// file's. Nothing else: no time-outs, no logging,
// no validators, no security headers, no second look for a 404.html. It
// answers only for the regular files at the top of the directory up to
// 64 KiB, as they were at start; it is a yardstick, not a server. Given
// a certificate and its key (PEM files), it serves HTTPS instead, with
// HTTP/2 as net/http offers it: the floor of an HTTP/2 answer.
//
// Usage: floor ADDRESS DIRECTORY [CERT KEY] (for example: floor 127.0.0.1:8000 .)
package main

import (
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/sys/unix"
)

// notFoundSize is the length of simplehttp's own 404 page.
const notFoundSize = 215

func main() {
	if len(os.Args) != 3 && len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: floor ADDRESS DIRECTORY [CERT KEY]")
		os.Exit(2)
	}
	h, err := newHandler(os.Args[2])
	switch {
	case err != nil:
	case len(os.Args) == 5:
		err = http.ListenAndServeTLS(os.Args[1], os.Args[3], os.Args[4], h)
	default:
		err = http.ListenAndServe(os.Args[1], h)
	}
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}

// file is a file held in memory with its answer's headers, and its zstd
// coding with that answer's length.
type file struct {
	body, zstd                             []byte
	contentType, contentLength, zstdLength []string
}

// zstdHeader is the Content-Encoding of a zstd answer, and its Vary.
var zstdHeader, varyHeader = []string{"zstd"}, []string{"Accept-Encoding"}

// handler answers from files held in memory, after one fstatat.
type handler struct {
	root     int             // the served directory, open
	files    map[string]file // by name
	notFound []byte
}

func newHandler(dir string) (*handler, error) {
	root, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	h := &handler{root: root, files: map[string]file{}, notFound: []byte(strings.Repeat("x", notFoundSize))}
	for _, e := range entries {
		if info, err := e.Info(); err != nil || !info.Mode().IsRegular() || info.Size() > 64<<10 {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ctype := mime.TypeByExtension(filepath.Ext(e.Name()))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		z := coder.EncodeAll(b, nil)
		h.files[e.Name()] = file{b, z, []string{ctype}, []string{strconv.Itoa(len(b))}, []string{strconv.Itoa(len(z))}}
	}
	return h, nil
}

// coder codes the held files as simplehttp does: zstd's default level,
// with blocks without matches entropy-coded.
var coder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithAllLitEntropyCompression(true))

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	var st unix.Stat_t
	err := unix.Fstatat(h.root, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	f, held := h.files[name]
	if err != nil || !held {
		hdr := w.Header()
		hdr["Content-Type"] = []string{"text/html; charset=utf-8"}
		hdr["Content-Length"] = []string{strconv.Itoa(len(h.notFound))}
		w.WriteHeader(http.StatusNotFound)
		w.Write(h.notFound)
		return
	}
	hdr := w.Header()
	hdr["Content-Type"] = f.contentType
	if ae := r.Header["Accept-Encoding"]; len(ae) > 0 && strings.Contains(ae[0], "zstd") {
		hdr["Content-Encoding"], hdr["Vary"] = zstdHeader, varyHeader
		hdr["Content-Length"] = f.zstdLength
		w.Write(f.zstd)
		return
	}
	hdr["Content-Length"] = f.contentLength
	w.Write(f.body)
}
