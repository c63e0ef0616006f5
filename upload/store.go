package upload

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"syscall"

	"github.com/simplehttp/simplehttp/internal/copybuf"
)

// tempPrefix begins the name of every temporary file: a dotfile, so it is
// neither listed nor served while the upload runs (unless dotfiles are).
const tempPrefix = ".simplehttp-upload-"

// stored is what store made.
type stored struct {
	size     int64
	replaced bool // a file of that name was replaced
}

// store streams body into the new file name in dir (both under the root)
// and returns its size. want is the length the client announced, or -1.
//
// Nothing is ever half-written: body goes to a temporary file in dir,
// which is synced and then moved into place only when the body ended
// cleanly and its length is want. An existing name is kept (fs.ErrExist)
// unless overwrite is set, and never a folder. On any failure the
// temporary file is removed, so an aborted upload leaves nothing behind.
func (h *Handler) store(dir, name string, body io.Reader, want int64) (stored, error) {
	final := path.Join(dir, name)
	tmp, f, err := h.createTemp(dir)
	if err != nil {
		return stored{}, err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			h.root.Remove(tmp)
		}
	}()
	n, err := copyBody(f, body)
	switch {
	case err != nil:
		return stored{}, err
	case want >= 0 && n != want:
		return stored{}, errShortBody
	}
	if err := f.Sync(); err != nil {
		return stored{}, err
	}
	done = true
	if err := f.Close(); err != nil {
		h.root.Remove(tmp)
		return stored{}, err
	}
	replaced, err := h.moveIntoPlace(tmp, final)
	if err != nil {
		h.root.Remove(tmp)
		return stored{}, err
	}
	h.syncDir(dir)
	return stored{size: n, replaced: replaced}, nil
}

// createTemp creates a new, empty temporary file in dir.
func (h *Handler) createTemp(dir string) (string, *os.File, error) {
	for range 10 {
		var b [8]byte
		rand.Read(b[:])
		name := path.Join(dir, tempPrefix+hex.EncodeToString(b[:])+".tmp")
		f, err := h.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return name, f, err
		}
	}
	return "", nil, errors.New("upload: no free temporary file name")
}

// moveIntoPlace gives the complete temporary file tmp its final name.
// Without overwrite it makes a hard link, which fails when final exists,
// so that no other upload or local process that created final meanwhile
// loses its file; then it removes tmp. With overwrite it renames tmp over
// final, atomically, unless final is a folder. It reports whether a file
// was replaced.
func (h *Handler) moveIntoPlace(tmp, final string) (replaced bool, err error) {
	if h.overwrite {
		info, err := h.root.Lstat(final)
		if err == nil && info.IsDir() {
			return false, fs.ErrExist
		}
		return err == nil, h.root.Rename(tmp, final)
	}
	err = h.root.Link(tmp, final)
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EMLINK) {
		// A file system without hard links (FAT, some network ones): check,
		// then rename. Only a race with another writer can lose here.
		if _, statErr := h.root.Lstat(final); statErr == nil {
			return false, fs.ErrExist
		}
		return false, h.root.Rename(tmp, final)
	}
	if err != nil {
		return false, err
	}
	// The file is in place under its name: a temporary name that cannot
	// be removed is a leftover to log, not a failed upload.
	if err := h.root.Remove(tmp); err != nil {
		h.log.Warn("upload: removing a temporary name after an upload", "err", err)
	}
	return false, nil
}

// syncDir makes the new name in dir durable. A failure is no reason to
// fail the upload, whose data is synced already; it is logged.
func (h *Handler) syncDir(dir string) {
	d, err := h.root.Open(dir)
	if err == nil {
		err = d.Sync()
		d.Close()
	}
	if err != nil {
		h.log.Warn("upload: syncing the folder after an upload", "err", err)
	}
}

// copyBody copies body to f through a pooled buffer and returns the
// bytes written. An error reading body (a cut connection, a client that
// went away) is errShortBody, unless it is the limit of MaxSize; an error
// writing f is returned as it is (a full disk).
func copyBody(f *os.File, body io.Reader) (int64, error) {
	buf := copybuf.Get()
	defer copybuf.Put(buf)
	var written int64
	for {
		n, rerr := body.Read(buf[:])
		if n > 0 {
			if _, err := f.Write(buf[:n]); err != nil {
				return written, err
			}
			written += int64(n)
		}
		switch {
		case rerr == io.EOF:
			return written, nil
		case rerr != nil && errMaxBytes(rerr):
			return written, rerr
		case rerr != nil:
			return written, fmt.Errorf("%w: %w", errShortBody, rerr)
		}
	}
}

// errMaxBytes reports whether err is the end of a body cut by a limit.
func errMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
