package parts

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"os"
	"strconv"
	"sync"
)

// Append writes the bytes of src to the end of upload id, which must be
// at offset, and returns how many it kept. Bytes past the upload's
// declared length are ErrTooLong.
//
// With sum nil, the bytes read before an error reading src are kept, so
// that the client resumes after them. With sum, the chunk is kept only
// whole and with that SHA-256: anything else cuts the part back to
// offset (ErrChecksum, or the error reading src).
//
// An error writing the part (a full disk) is returned as it is; the
// caller decides whether the upload goes on.
func (s *Store) Append(id string, offset int64, src io.Reader, sum *[sha256.Size]byte) (int64, error) {
	u, err := s.Get(id)
	switch {
	case err != nil:
		return 0, err
	case u.Done || u.Offset != offset:
		return 0, ErrOffset
	}
	f, err := s.root.OpenFile(id+partExt, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if sum == nil {
		return copyChunk(f, src, u.Size-offset, nil)
	}
	if err := s.root.WriteFile(id+pendingExt, []byte(strconv.FormatInt(offset, 10)), 0o600); err != nil {
		return 0, err
	}
	h := sha256.New()
	n, err := copyChunk(f, src, u.Size-offset, h)
	if err == nil && [sha256.Size]byte(h.Sum(nil)) != *sum {
		err = ErrChecksum
	}
	if err != nil && n > 0 {
		if terr := f.Truncate(offset); terr != nil {
			return n, terr // ID.pending stays: the next Get cuts it back
		}
		n = 0
	}
	s.root.Remove(id + pendingExt)
	return n, err
}

// copyBufSize is the size of the buffers chunks are copied through, as
// package upload's for whole files.
const copyBufSize = 256 << 10

var copyBufs = sync.Pool{New: func() any { return new([copyBufSize]byte) }}

// copyChunk copies src to f, and to h when it is not nil, and returns the
// bytes written. More than room bytes is ErrTooLong.
func copyChunk(f *os.File, src io.Reader, room int64, h hash.Hash) (int64, error) {
	buf := copyBufs.Get().(*[copyBufSize]byte)
	defer copyBufs.Put(buf)
	var written int64
	for {
		n, rerr := src.Read(buf[:])
		if int64(n) > room-written {
			return written, ErrTooLong
		}
		if n > 0 {
			if h != nil {
				h.Write(buf[:n])
			}
			w, err := f.Write(buf[:n])
			written += int64(w)
			if err != nil {
				return written, err
			}
		}
		switch {
		case errors.Is(rerr, io.EOF):
			return written, nil
		case rerr != nil:
			return written, rerr
		}
	}
}
