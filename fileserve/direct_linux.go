//go:build linux

package fileserve

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/localfs"
	"golang.org/x/sys/unix"
)

// serveDirect answers for name through h.direct when it can: a regular
// file reached without a symbolic link (see sendDirect), or a name that
// does not exist (one fstatat). It reports false, having sent nothing,
// for anything else (a directory, a link or a path through one, a special
// file, an error other than "not there"), which the general path then
// answers.
func (h *Handler) serveDirect(w http.ResponseWriter, r *http.Request, name string) bool {
	// A file asked for as a folder is left to the general path's 404.
	answered, err := h.sendDirect(w, r, name, !strings.HasSuffix(r.URL.Path, "/"))
	if !answered && missing(err) {
		h.notFound(w, r, err)
		return true
	}
	return answered
}

// serveDirectIndex is serveIndex's direct path: it sends the index file
// p as sendDirect does. It reports whether it answered, and whether p
// surely is no index because it does not exist.
func (h *Handler) serveDirectIndex(w http.ResponseWriter, r *http.Request, p string) (answered, absent bool) {
	answered, err := h.sendDirect(w, r, p, true)
	return answered, !answered && missing(err)
}

// sendDirect sends name when it is a regular file reached without a
// symbolic link and asFile (the URL may name a file): from the hot cache
// (one fstatat, one more per folder on the way), or opened with openat2
// (fstatat, openat2, fstat, pread and close, where os.Root and the /proc
// check take a dozen system calls for a file three folders down). It
// reports whether it answered; when it did not, err is the fstatat's.
func (h *Handler) sendDirect(w http.ResponseWriter, r *http.Request, name string, asFile bool) (answered bool, err error) {
	var raw unix.Stat_t
	err = h.direct.fstatat(name, &raw)
	if asFile && h.serveHot(w, r, name, &raw, err) {
		return true, nil
	}
	if st := statOf(&raw); err != nil || !st.mode.IsRegular() || !asFile {
		return false, err
	}
	opened := h.now()
	fd, st, err := h.direct.open(name)
	if err != nil {
		return false, nil // a link on the way (ELOOP), or an error to report as usual
	}
	if !st.mode.IsRegular() { // replaced since the fstatat
		unix.Close(fd)
		return false, nil
	}
	info := st.info(name)
	if st.size <= maxInMemory && h.wantsWhole(r, w.Header(), true) {
		buf := getBodyBuf()
		defer putBodyBuf(buf)
		if body, ctype, ok := h.readWhole(name, fd, st, opened, buf); ok {
			unix.Close(fd)
			h.sendWhole(w, r, ctype, info, body)
			return true, nil
		}
		// It shrank, or failed: the general sending notices and logs.
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	h.sendFile(w, r, name, f, info)
	return true, nil
}

// readWhole reads the whole of the small file name, open as fd and of
// stat st, into buf, types it, and holds it in the hot cache when its
// ctime is settled (opened is when it was opened) and its file system
// trusted. ok is false when the file is not as long as st says (it
// changed) or cannot be read.
func (h *Handler) readWhole(name string, fd int, st fileStat, opened time.Time, buf *[maxInMemory]byte) (body []byte, ctype string, ok bool) {
	n, err := readAt(fd, buf[:st.size])
	if err != nil || n != int(st.size) {
		return nil, "", false
	}
	body = buf[:n]
	ctype = contentTypeOf(name, body)
	if settled(st.id.ctime, opened) && localfs.Trusted(fd) {
		h.hot.put(name, st.id, ctype, body)
	}
	return body, ctype, true
}

// directRoot opens the files of an os.Root with one system call each,
// where os.Root walks the path an element at a time: Linux's openat2 with
// RESOLVE_BENEATH confines the whole path to the directory in the kernel.
// It also refuses every symbolic link on the way (RESOLVE_NO_SYMLINKS),
// so a file it opens is where its name says: not hidden behind a link,
// with no need to ask /proc where it really is. Names with links are left
// to os.Root, which follows those that stay inside.
type directRoot struct {
	dir *os.File // the root directory, open as long as the Handler lives
	fd  int
}

// openHow is how directRoot opens a file: for reading, never becoming
// the controlling terminal, and without blocking on a FIFO that a
// concurrent rename put where a regular file was stat'ed.
var openHow = unix.OpenHow{
	Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK,
	Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
}

// newDirectRoot returns a directRoot for root, or nil where the kernel
// has no openat2 (before Linux 5.6) or a sandbox refuses it.
func newDirectRoot(root *os.Root) *directRoot {
	dir, err := root.Open(".")
	if err != nil {
		return nil
	}
	d := &directRoot{dir: dir, fd: int(dir.Fd())}
	fd, err := d.openat2(".")
	if err != nil {
		dir.Close()
		return nil
	}
	unix.Close(fd)
	return d
}

// fstatat describes name into st without following a final symbolic
// link. Links before it are followed, even out of the root, so its
// answer only says what kind of file to expect: open confines.
func (d *directRoot) fstatat(name string, st *unix.Stat_t) error {
	for {
		err := unix.Fstatat(d.fd, name, st, unix.AT_SYMLINK_NOFOLLOW)
		if err != unix.EINTR {
			return err
		}
	}
}

// open opens name for reading and describes what it opened. It fails
// with ELOOP when the path holds a symbolic link.
func (d *directRoot) open(name string) (fd int, st fileStat, err error) {
	fd, err = d.openat2(name)
	if err != nil {
		return -1, st, err
	}
	var raw unix.Stat_t
	if err := unix.Fstat(fd, &raw); err != nil {
		unix.Close(fd)
		return -1, st, err
	}
	return fd, statOf(&raw), nil
}

// openat2 opens name beneath the root, refusing links.
func (d *directRoot) openat2(name string) (int, error) {
	for {
		fd, err := unix.Openat2(d.fd, name, &openHow)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// readAt reads len(b) bytes of the open file fd from its start, or fewer
// at its end. It leaves the file's offset at 0.
func readAt(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := unix.Pread(fd, b[n:], int64(n))
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return n, err
		case m == 0:
			return n, nil
		}
		n += m
	}
	return n, nil
}

// missing reports whether err, from lstat or open, says that the name
// does not exist: a file that is not there, or a path through a file.
func missing(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR)
}

// fileStat is what serving a file needs of its stat.
type fileStat struct {
	mode    fs.FileMode
	size    int64
	modTime time.Time
	id      fileID
}

// info is st as the fs.FileInfo of the file name.
func (st fileStat) info(name string) fs.FileInfo {
	return statInfo{name: path.Base(name), fileStat: st}
}

// statInfo is a fileStat with its name, as an fs.FileInfo.
type statInfo struct {
	name string
	fileStat
}

func (i statInfo) Name() string       { return i.name }
func (i statInfo) Size() int64        { return i.size }
func (i statInfo) Mode() fs.FileMode  { return i.mode }
func (i statInfo) ModTime() time.Time { return i.modTime }
func (i statInfo) IsDir() bool        { return i.mode.IsDir() }
func (i statInfo) Sys() any           { return nil }

// statOf is the fileStat of st.
func statOf(st *unix.Stat_t) fileStat {
	mode := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	default:
		mode |= fs.ModeIrregular
	}
	return fileStat{mode: mode, size: st.Size, modTime: time.Unix(st.Mtim.Unix()), id: idOf(st)}
}
