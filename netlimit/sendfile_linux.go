//go:build linux

package netlimit

import (
	"io"
	"os"
	"syscall"
	"time"
	"unsafe"

	"github.com/simplehttp/simplehttp/internal/localfs"
	"golang.org/x/sys/unix"
)

// sendfilePiece is the most one sendfile call is asked to send, as
// nginx's sendfile_max_chunk: on loopback a call moves what the socket's
// buffer has room for (about 1.4 MB of its 4 MiB), elsewhere the piece
// bounds how long one call keeps the thread.
const sendfilePiece = 2 << 20

// pageSize is the unit in which the page cache holds a file.
var pageSize = int64(os.Getpagesize())

// sendFile sends r, a file or an io.LimitedReader of one as
// http.ServeContent passes it, with the sendfile system call in pieces
// of up to sendfilePiece, under the progress deadline that conn's doc
// comment states. It handles (handled true) only bodies longer than one
// chunk from a file that can be sent so, to a connection with a file
// descriptor; anything else it leaves, having sent nothing, to the
// general path of ReadFrom (a body of one chunk or less goes there in
// one call under one deadline anyway).
//
// A piece whose pages are all in the page cache goes by a raw system
// call, which the Go scheduler does not see. An ordinary call that
// takes longer than the scheduler's monitor tick (20 µs; sending 1 MB
// takes about 1 ms) has the monitor hand the goroutine's P to another
// thread, and the call take it back when it returns: over loopback,
// about 1,100 futex and 600 nanosleep calls and three times the context
// switches per GB that nginx makes, and a third more CPU. The socket is
// non-blocking and the data in memory, so the raw call cannot wait; a
// piece that is not wholly cached goes by an ordinary call, so that a
// disk read never holds a P. So does every piece when the kernel will
// not tell: before Linux 6.5 (no cachestat), and for a file the server
// neither owns nor could write (cachestat then says EPERM); and every
// piece of a file on a network or FUSE file system, where even a cached
// read may wait for the server to say the file has not changed.
func (c *conn) sendFile(r io.Reader) (sent int64, handled bool, err error) {
	remain := int64(-1) // -1: until EOF
	lr, limited := r.(*io.LimitedReader)
	if limited {
		r, remain = lr.R, lr.N
	}
	if remain >= 0 && remain <= int64(c.l.write.Chunk) {
		return 0, false, nil
	}
	src, ok := r.(syscall.Conn)
	dst, isSocket := c.Conn.(syscall.Conn)
	if !ok || !isSocket {
		return 0, false, nil
	}
	srcRaw, err := src.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	dstRaw, err := dst.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	var sendErr error
	err = srcRaw.Read(func(fd uintptr) bool {
		sent, handled, sendErr = c.sendFrom(dstRaw, int(fd), remain)
		return true
	})
	if limited && handled {
		lr.N = remain - sent
	}
	if err == nil {
		err = sendErr
	}
	return sent, handled, err
}

// sendFrom sends remain bytes (-1: up to EOF) of the file src from its
// current offset, which it moves past them, to dst. It returns at EOF
// with no error, as io.Copy does: a file that shrank reaches the client
// short. handled is false when the kernel cannot sendfile src (not a
// regular file) and nothing was sent.
func (c *conn) sendFrom(dst syscall.RawConn, src int, remain int64) (sent int64, handled bool, err error) {
	off, err := unix.Seek(src, 0, io.SeekCurrent)
	if err != nil {
		return 0, false, nil // a pipe or socket: the general path copies it
	}
	if err := c.SetWriteDeadline(time.Now().Add(c.l.write.Timeout)); err != nil {
		return 0, true, err
	}
	var progress int64 // bytes sent since the deadline last moved
	local := localFS(src)
	for remain != 0 {
		size := int64(sendfilePiece)
		if remain > 0 {
			size = min(size, remain)
		}
		raw := local && pageCached(src, off, size)
		var n int
		var errno syscall.Errno
		err := dst.Write(func(fd uintptr) bool {
			n, errno = sendfile(int(fd), src, int(size), raw)
			return errno != unix.EAGAIN // wait until the socket has room
		})
		switch {
		case err != nil: // the deadline passed, or the connection closed
			return sent, true, err
		case errno != 0 && sent == 0 && unsupported(errno):
			return 0, false, nil
		case errno != 0:
			return sent, true, os.NewSyscallError("sendfile", errno)
		case n == 0: // EOF
			return sent, true, nil
		}
		sent, off, progress = sent+int64(n), off+int64(n), progress+int64(n)
		if remain > 0 {
			remain -= int64(n)
		}
		if progress >= int64(c.l.write.Chunk) {
			if err := c.SetWriteDeadline(time.Now().Add(c.l.write.Timeout)); err != nil {
				return sent, true, err
			}
			progress = 0
		}
	}
	return sent, true, nil
}

// sendfile is one sendfile(2) from src's offset to the socket dst, raw
// or not (see sendFile), retried when a signal interrupts it.
func sendfile(dst, src, size int, raw bool) (int, syscall.Errno) {
	for {
		var n uintptr
		var errno syscall.Errno
		if raw {
			n, _, errno = unix.RawSyscall6(unix.SYS_SENDFILE, uintptr(dst), uintptr(src), 0, uintptr(size), 0, 0)
		} else {
			n, _, errno = unix.Syscall6(unix.SYS_SENDFILE, uintptr(dst), uintptr(src), 0, uintptr(size), 0, 0)
		}
		switch errno {
		case 0:
			return int(n), 0
		case unix.EINTR:
			continue
		}
		return 0, errno
	}
}

// pageCached reports whether the size bytes of fd from off are all in
// the page cache, so that reading them cannot wait for a disk. It says
// no when it cannot tell. cachestat only counts pages, so it is a raw
// call too: an ordinary one wakes the scheduler's monitor thread when it
// sleeps, and that costs as much as the monitor handing off the P.
func pageCached(fd int, off, size int64) bool {
	var st unix.Cachestat_t
	span := unix.CachestatRange{Off: uint64(off), Len: uint64(size)}
	_, _, errno := unix.RawSyscall6(unix.SYS_CACHESTAT, uintptr(fd),
		uintptr(unsafe.Pointer(&span)), uintptr(unsafe.Pointer(&st)), 0, 0, 0)
	if errno != 0 {
		return false
	}
	pages := (off+size+pageSize-1)/pageSize - off/pageSize
	return st.Cache >= uint64(pages)
}

// localFS reports whether the file fd is on a local file system, one
// that reads what is in the page cache without asking anyone. It says no
// for file systems it does not know.
func localFS(fd int) bool {
	return localfs.Trusted(fd)
}

// unsupported reports whether errno says sendfile cannot read the source
// at all, as net's own sendfile treats it.
func unsupported(errno syscall.Errno) bool {
	return errno == unix.EINVAL || errno == unix.ENOSYS || errno == unix.EOPNOTSUPP
}
