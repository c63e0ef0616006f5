package fileserve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/hidden"
	"github.com/simplehttp/simplehttp/internal/page"
)

// serveFile sends the regular file name (the file branch of Python's
// send_head, and its copyfile).
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	f, info, err := h.openFile(name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer f.Close()
	h.sendFile(w, r, name, f, info)
}

// errHidden is openFile's refusal of a file hidden behind a symbolic
// link: to the client, a file that does not exist.
var errHidden = fmt.Errorf("fileserve: hidden file: %w", fs.ErrNotExist)

// openFile opens name, which a Stat found to be a regular file (a FIFO
// must never be opened: that blocks until a writer comes), and checks that
// it still is one and that it is not hidden behind a symbolic link.
func (h *Handler) openFile(name string) (fs.File, fs.FileInfo, error) {
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	switch {
	case err != nil:
	case !info.Mode().IsRegular():
		err = page.StatusError(http.StatusNotFound) // replaced since the Stat
	case h.openedHidden(f, name):
		err = errHidden
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// openedHidden reports whether the open file f, named name, is hidden by
// where it really is: unless dotfiles are served, a hidden name or one
// reached through a link to a hidden name. Where the kernel tells the
// path of an open file (Linux's /proc/self/fd), that costs one system
// call; else name's links are resolved, one Lstat per element.
func (h *Handler) openedHidden(f fs.File, name string) bool {
	if h.dotfiles {
		return false
	}
	if rel, ok := h.realName(f); ok {
		return hidden.Name(rel)
	}
	return hidden.In(h.fsys, name)
}

// realName is the name under the root of the open file f, from its real
// path; ok is false where the kernel does not tell, or when f is not under
// the root's real path (a link out of an os.DirFS).
func (h *Handler) realName(f fs.File) (name string, ok bool) {
	p, ok := openPath(f)
	if !ok || h.rootDir == "" {
		return "", false
	}
	if p == h.rootDir {
		return ".", true
	}
	name, ok = strings.CutPrefix(p, strings.TrimSuffix(h.rootDir, "/")+"/")
	return name, ok && name != ""
}

// openPath is the real, absolute path of the open file f, as Linux tells
// it in /proc/self/fd, for an *os.File. ok is false elsewhere, and for a
// file that has been deleted since it was opened.
func openPath(f fs.File) (p string, ok bool) {
	sc, isConn := f.(syscall.Conn)
	if !isConn {
		return "", false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return "", false
	}
	var lerr error
	err = rc.Control(func(fd uintptr) {
		p, lerr = os.Readlink("/proc/self/fd/" + strconv.FormatUint(uint64(fd), 10))
	})
	if err != nil || lerr != nil || !strings.HasPrefix(p, "/") || strings.HasSuffix(p, " (deleted)") {
		return "", false
	}
	return p, true
}

// sendFile sends the open regular file f, named name. A small file asked
// for whole is read and sent with one write (sendWhole). Else
// http.ServeContent does Range, conditional requests, HEAD and
// Content-Length, and its io.Copy reaches the kernel's sendfile when f
// is an *os.File.
func (h *Handler) sendFile(w http.ResponseWriter, r *http.Request, name string, f fs.File, info fs.FileInfo) {
	content, ok := f.(io.ReadSeeker)
	if !ok {
		h.fail(w, r, errors.New("fileserve: file does not implement io.Seeker"))
		return
	}
	if info.Size() <= maxInMemory && h.wantsWhole(r, w.Header(), true) {
		sent, err := h.sendRead(w, r, name, content, info)
		if err != nil {
			h.fail(w, r, err)
		}
		if sent || err != nil {
			return
		}
	}
	ctype, err := contentType(name, content)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.sendPrecompressed(w, r, name, info, ctype) {
		return
	}
	setFileHeaders(w.Header(), ctype, info)
	cw := &contentWriter{ResponseWriter: w, r: r}
	http.ServeContent(cw, withNormalizedRange(r, info.Size()), "", validatorTime(info), withKnownSize(content, info.Size()))
	if short := cw.shortBy(); short > 0 && shrank(f, info.Size()) {
		h.log.Warn("fileserve: file shrank while being sent; the client got a short body",
			"path", r.URL.Path, "sent", cw.written, "missing", short)
	}
}

// setFileHeaders sets the headers that every answer with the content of
// a file carries, besides those http.ServeContent sets: its type, its
// validator (when its time is meaningful), and that the type is not to be
// second-guessed.
func setFileHeaders(hdr http.Header, ctype string, info fs.FileInfo) {
	hdr.Set("Content-Type", ctype)
	if tag := etag.Of(info.ModTime(), info.Size()); tag != "" {
		hdr.Set("ETag", tag)
	}
	hdr.Set("X-Content-Type-Options", "nosniff")
}

// validatorTime is the modification time of the file info as
// http.ServeContent is to use it, for Last-Modified and If-Modified-Since:
// the zero time, which it ignores, when the time is not meaningful
// (etag.Meaningful: a time every version of the file may share).
func validatorTime(info fs.FileInfo) time.Time {
	if t := info.ModTime(); etag.Meaningful(t) {
		return t
	}
	return time.Time{}
}

// shrank reports whether the open file f is now shorter than size. A body
// cut short by a client that left is no fault of the file's.
func shrank(f fs.File, size int64) bool {
	info, err := f.Stat()
	return err == nil && info.Size() < size
}

// withKnownSize returns content, which must be at offset 0, so that
// http.ServeContent learns its size without the two lseek calls it makes
// for that (to the end and back): two of the dozen system calls a small
// file costs. An *os.File stays one underneath, so sendfile still gets it.
func withKnownSize(content io.ReadSeeker, size int64) io.ReadSeeker {
	if f, ok := content.(*os.File); ok {
		return &sizedFile{File: f, size: size, atStart: true}
	}
	return content
}

// sizedFile is an open file whose size is known. It answers a seek to
// the end without moving the file's offset, and the seek back to the start
// that follows without a system call while the offset is still 0; every
// other seek and every read go to the file.
type sizedFile struct {
	*os.File
	size    int64
	atStart bool // the file's real offset is 0
}

// Seek sets the offset for the next Read.
func (f *sizedFile) Seek(offset int64, whence int) (int64, error) {
	switch {
	case offset == 0 && whence == io.SeekEnd:
		return f.size, nil // ServeContent seeks back before it reads
	case offset == 0 && whence == io.SeekStart && f.atStart:
		return 0, nil
	}
	f.atStart = false
	return f.File.Seek(offset, whence)
}

// Read reads from the file, moving its offset.
func (f *sizedFile) Read(p []byte) (int, error) {
	f.atStart = false
	return f.File.Read(p)
}
