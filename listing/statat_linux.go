//go:build linux

package listing

import (
	"cmp"
	"errors"
	"io/fs"
	"syscall"
	"time"

	"github.com/simplehttp/simplehttp/internal/localfs"
	"golang.org/x/sys/unix"
)

// dirFD is the descriptor of f when it is an open directory of the
// operating system (an [os.File]), for [reader.lstatAt]; nil otherwise.
func dirFD(f fs.File) syscall.RawConn {
	sc, ok := f.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// lstatAt stats the entries es, untyped, by name relative to the open
// directory r.fd, without following a final symbolic link, and fills
// them in from the stat buffer: no FileInfo is made per entry. It is
// confined as the directory is: a name read from the directory is one
// path element, and a link is followed only through r.fsys. An entry
// that vanished since the directory was read is marked gone. It stops
// early with the request's error when the request is gone.
func (r *reader) lstatAt(es []*Entry) error {
	var ctxErr error
	err := r.fd.Control(func(fd uintptr) {
		var st unix.Stat_t
		buf := make([]byte, 0, 256)
		for i, e := range es {
			if i%256 == 0 && r.ctx.Err() != nil {
				ctxErr = r.ctx.Err()
				return
			}
			if e.stated {
				continue
			}
			var err error
			buf, err = lstatName(int(fd), e.Name, buf, &st)
			if errors.Is(err, unix.ENOENT) {
				e.gone = true
			}
			r.fill(e, &st, err)
		}
	})
	return cmp.Or(err, ctxErr)
}

// fill sets e's kind, size and time from st, the result of its lstat
// (err), following a symbolic link through r.fsys.
func (r *reader) fill(e *Entry, st *unix.Stat_t, err error) {
	e.stated, e.typed = true, true
	switch {
	case err != nil:
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		e.IsSymlink = true
		r.follow(e)
	case st.Mode&unix.S_IFMT == unix.S_IFDIR:
		e.IsDir = true
		e.ModTime = time.Unix(st.Mtim.Unix())
	default:
		e.Size = st.Size
		e.ModTime = time.Unix(st.Mtim.Unix())
	}
	e.classify(&r.memo)
}

// onLocalFS reports whether the open folder fd is on a file system that
// package localfs trusts: a local one, where a stat never waits on
// anything slower than the local disk and the folder's times come from
// this computer's clock. There a [NameCache] may keep its names, and a
// big listing is CPU work (see bigBuilds).
func onLocalFS(fd syscall.RawConn) bool {
	trusted := false
	if err := fd.Control(func(fd uintptr) { trusted = localfs.Trusted(int(fd)) }); err != nil {
		return false
	}
	return trusted
}

// stampOf is the identity and stamp of the folder info, a FileInfo from
// the system; ok is false for any other.
func stampOf(info fs.FileInfo) (id dirID, stamp dirStamp, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return id, stamp, false
	}
	id = dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}
	stamp = dirStamp{ctime: time.Unix(st.Ctim.Unix()), mtime: time.Unix(st.Mtim.Unix()), size: st.Size}
	return id, stamp, true
}
