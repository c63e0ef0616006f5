package listing

import (
	"encoding/binary"
	"hash/maphash"
	"time"
)

// fingerprintSeed keys the fingerprints of this process, so that no one
// who sees pages can make two different listings share a fingerprint.
var fingerprintSeed = maphash.MakeSeed()

// Fingerprint is a hash of everything a page of l shows, in any format:
// the folder's path, the query, the count of entries, each entry of the
// page as it was read and stat'ed, and the README. Listings with equal
// fingerprints make the same page (for the same page-level options, such
// as [HTMLOptions]), so a page made once may be sent again for as long as
// its listing, read anew, has the same fingerprint.
func (l *Listing) Fingerprint() uint64 {
	var f fingerprint
	f.string(l.Path)
	f.int(int64(l.Total))
	f.query(l.Query)
	f.time(l.ModTime)
	f.bool(l.Readme != nil)
	if l.Readme != nil {
		f.string(l.Readme.Name)
		f.string(l.Readme.Text)
		f.bool(l.Readme.Truncated)
	}
	f.int(int64(len(l.Entries)))
	for _, e := range l.Entries {
		f.entry(e)
		if len(f.buf) >= fingerprintChunk {
			f.flush()
		}
	}
	f.flush()
	return f.h.Sum64()
}

// fingerprintChunk is how many bytes a fingerprint gathers before it
// hashes them: one call per chunk, not per value, is most of its speed.
const fingerprintChunk = 4 << 10

// fingerprint gathers values, each in a form that cannot run into the
// next (strings with their lengths), and hashes them by the chunk.
type fingerprint struct {
	h      maphash.Hash
	seeded bool
	buf    []byte
}

func (f *fingerprint) flush() {
	if !f.seeded {
		f.h.SetSeed(fingerprintSeed)
		f.seeded = true
	}
	f.h.Write(f.buf) //nolint:errcheck // a maphash.Hash does not fail
	f.buf = f.buf[:0]
}

func (f *fingerprint) entry(e *Entry) {
	f.string(e.Name)
	f.string(e.URL)
	f.int(e.Size)
	f.time(e.ModTime)
	f.string(e.Type)
	f.bool(e.IsDir)
	f.bool(e.IsSymlink)
	f.bool(e.Broken)
	f.int(int64(e.Category))
}

func (f *fingerprint) query(q Query) {
	f.int(int64(q.Sort))
	f.bool(q.Desc)
	f.bool(q.DirsFirst)
	f.string(q.Filter)
	f.int(int64(q.Limit))
	f.int(int64(q.Offset))
	f.int(int64(q.Format))
	f.int(int64(q.View))
}

func (f *fingerprint) time(t time.Time) {
	f.int(t.Unix())
	f.int(int64(t.Nanosecond()))
}

func (f *fingerprint) string(s string) {
	f.int(int64(len(s)))
	f.buf = append(f.buf, s...)
}

func (f *fingerprint) int(n int64) {
	f.buf = binary.LittleEndian.AppendUint64(f.buf, uint64(n))
}

func (f *fingerprint) bool(b bool) {
	if b {
		f.buf = append(f.buf, 1)
	} else {
		f.buf = append(f.buf, 0)
	}
}
