// Package parts keeps the unfinished resumable uploads of package upload
// in a directory of their own, outside the served tree, where no listing,
// GET, archive or WebDAV client can see them.
//
// Each upload is two files named by its random ID: "ID.info", the JSON
// record of where the file goes (folder and name under the served root)
// and how long it is, written once, atomically; and "ID.part", its bytes
// so far, whose size is the upload's offset. Both are plain files on disk,
// so unfinished uploads survive a restart of the server. A chunk sent with
// a checksum is bracketed by "ID.pending", holding the offset it began at:
// if the process dies before the chunk is verified, the next look at the
// upload cuts the part back to that offset.
//
// An unfinished upload that receives no data for [Options].Expiry expires:
// it is refused from then on and removed by [Store.Sweep] (and by [Open],
// at start). A finished one keeps its record, without its bytes, for as
// long, so that a client asking about it learns that it is complete.
//
// The disk held by unfinished uploads is bounded when they are created:
// each reserves its declared length, and a new one is refused ([ErrFull])
// when the reservations would exceed the free space of the directory's
// file system, [Options].MaxBytes, or [Options].MaxUploads uploads.
package parts

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors a Store returns. Others are the file system's.
var (
	// ErrNotFound is an ID the store does not hold (never made, removed,
	// or swept after it expired).
	ErrNotFound = errors.New("parts: no such upload")
	// ErrExpired is an upload that expired and is not swept yet.
	ErrExpired = errors.New("parts: the upload expired")
	// ErrFull refuses a new upload that the bounds on disk use do not
	// leave room for.
	ErrFull = errors.New("parts: no room for another unfinished upload")
	// ErrOffset is a write that does not begin where the part ends.
	ErrOffset = errors.New("parts: the offset is not the upload's")
	// ErrChecksum is a chunk whose SHA-256 is not the one announced; it
	// was not kept.
	ErrChecksum = errors.New("parts: the chunk's checksum does not match")
	// ErrTooLong is a write past the upload's declared length.
	ErrTooLong = errors.New("parts: more bytes than the upload's length")
	// ErrCrossDevice is a part that cannot be linked into the target
	// folder because it is on another file system: copy it instead.
	ErrCrossDevice = errors.New("parts: the target is on another file system")
)

// DefaultExpiry is how long an unfinished upload may go without data.
const DefaultExpiry = 24 * time.Hour

// DefaultMaxUploads bounds the number of unfinished uploads at once.
const DefaultMaxUploads = 1000

// Options configures a [Store]. The zero value means the defaults.
type Options struct {
	// Expiry is how long an unfinished upload may go without receiving
	// data before it expires. 0 means [DefaultExpiry].
	Expiry time.Duration
	// MaxBytes bounds the declared lengths of all unfinished uploads
	// together. 0 means no bound but the free space of the file system.
	MaxBytes int64
	// MaxUploads bounds the number of unfinished uploads. 0 means
	// [DefaultMaxUploads].
	MaxUploads int
	// Now is the clock expiry is measured with. Nil means time.Now.
	Now func() time.Time
	// Logger receives what a sweep removed and what it could not.
	// Nil means [slog.Default].
	Logger *slog.Logger
}

// Target is where an upload's file goes, and what it is.
type Target struct {
	// Dir is the folder, a slash-separated name under the served root
	// ("." for the root itself).
	Dir string `json:"dir"`
	// Name is the file's name in Dir.
	Name string `json:"name"`
	// Size is the file's length in bytes.
	Size int64 `json:"size"`
	// Meta is what the client said about the file (tus Upload-Metadata).
	Meta map[string]string `json:"meta,omitempty"`
}

// Upload is the state of one upload.
type Upload struct {
	Target
	// ID names the upload: 32 lowercase hex digits.
	ID string
	// Offset is the number of bytes stored so far.
	Offset int64
	// Done reports that the file is complete and in place.
	Done bool
	// Expires is when the upload expires if nothing is written to it.
	Expires time.Time
}

// record is the JSON of an ID.info file.
type record struct {
	Target
	Done bool `json:"done,omitempty"`
}

// Store holds the unfinished uploads of one served directory. It is safe
// for concurrent use; the writes to one upload must not overlap (package
// upload locks each upload for the length of a request).
type Store struct {
	root       *os.Root // the directory of parts
	dir        *os.File // the same, for linking out of it
	expiry     time.Duration
	maxBytes   int64
	maxUploads int
	now        func() time.Time
	log        *slog.Logger

	mu      sync.Mutex
	pending map[string]int64 // unfinished uploads: their declared lengths
	busy    map[string]int   // uploads being written or finished: never swept
}

// Open opens (creating it, private to this user) the directory of parts
// dir, recovers the uploads it holds and removes the expired ones.
func Open(dir string, opt *Options) (*Store, error) {
	if opt == nil {
		opt = &Options{}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	d, err := root.Open(".")
	if err != nil {
		root.Close()
		return nil, err
	}
	s := &Store{
		root: root, dir: d,
		expiry: opt.Expiry, maxBytes: opt.MaxBytes, maxUploads: opt.MaxUploads,
		now: opt.Now, log: opt.Logger,
		pending: map[string]int64{}, busy: map[string]int{},
	}
	if s.expiry <= 0 {
		s.expiry = DefaultExpiry
	}
	if s.maxUploads <= 0 {
		s.maxUploads = DefaultMaxUploads
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.sweep(0)
	return s, nil
}

// Close closes the store's directory.
func (s *Store) Close() error {
	s.dir.Close()
	return s.root.Close()
}

// Expiry is how long an unfinished upload may go without data.
func (s *Store) Expiry() time.Duration { return s.expiry }

// Create makes a new, empty upload of t, or refuses it with ErrFull when
// the bounds on disk use leave no room for t.Size more bytes.
func (s *Store) Create(t Target) (Upload, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.roomFor(t.Size); err != nil {
		return Upload{}, err
	}
	id, f, err := s.createPart()
	if err != nil {
		return Upload{}, err
	}
	f.Close()
	if err := s.writeRecord(id, record{Target: t}); err != nil {
		s.root.Remove(id + partExt)
		return Upload{}, err
	}
	s.pending[id] = t.Size
	return Upload{Target: t, ID: id, Expires: s.now().Add(s.expiry)}, nil
}

// File name extensions of an upload's files.
const (
	infoExt    = ".info"
	partExt    = ".part"
	pendingExt = ".pending"
	tmpExt     = ".tmp"
)

// createPart creates the empty part of a new upload under a fresh ID.
func (s *Store) createPart() (string, *os.File, error) {
	for range 10 {
		var b [16]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		f, err := s.root.OpenFile(id+partExt, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			return id, f, err
		}
	}
	return "", nil, errors.New("parts: no free upload ID")
}

// writeRecord writes the record of upload id, atomically: a reader sees
// the old one or the new one, never a part of either.
func (s *Store) writeRecord(id string, rec record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	tmp := id + infoExt + tmpExt
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.root.Rename(tmp, id+infoExt)
	}
	if err != nil {
		s.root.Remove(tmp)
	}
	return err
}

// Get returns the state of upload id: ErrNotFound for an ID the store
// does not hold, ErrExpired for one that expired.
func (s *Store) Get(id string) (Upload, error) {
	if !validID(id) {
		return Upload{}, ErrNotFound
	}
	rec, activity, err := s.load(id)
	if err != nil {
		return Upload{}, err
	}
	u := Upload{Target: rec.Target, ID: id, Done: rec.Done, Expires: activity.Add(s.expiry)}
	if rec.Done {
		u.Offset = rec.Size
	} else if u.Offset, err = s.recover(id); err != nil {
		return Upload{}, err
	}
	if !s.now().Before(u.Expires) {
		return Upload{}, ErrExpired
	}
	return u, nil
}

// load reads the record of upload id and the time of its last activity:
// the part's last write, or the record's for a finished upload.
func (s *Store) load(id string) (record, time.Time, error) {
	var rec record
	b, err := s.root.ReadFile(id + infoExt)
	if errors.Is(err, fs.ErrNotExist) {
		return rec, time.Time{}, ErrNotFound
	}
	if err != nil {
		return rec, time.Time{}, err
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, time.Time{}, fmt.Errorf("parts: the record of %s: %w", id, err)
	}
	name := id + partExt
	if rec.Done {
		name = id + infoExt
	}
	info, err := s.root.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return rec, time.Time{}, ErrNotFound
	}
	if err != nil {
		return rec, time.Time{}, err
	}
	return rec, info.ModTime(), nil
}

// recover returns the offset of unfinished upload id, first cutting off
// an unverified chunk that a dead process left (see ID.pending).
func (s *Store) recover(id string) (int64, error) {
	b, err := s.root.ReadFile(id + pendingExt)
	if err == nil {
		start, perr := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if perr == nil && start >= 0 {
			if err := s.truncate(id, start); err != nil {
				return 0, err
			}
		}
		s.root.Remove(id + pendingExt)
	}
	info, err := s.root.Stat(id + partExt)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// truncate cuts the part of upload id back to size bytes.
func (s *Store) truncate(id string, size int64) error {
	f, err := s.root.OpenFile(id+partExt, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Truncate(size)
}

// Remove removes upload id, finished or not: its record and its bytes.
func (s *Store) Remove(id string) error {
	if !validID(id) {
		return ErrNotFound
	}
	s.mu.Lock()
	delete(s.pending, id)
	s.mu.Unlock()
	return s.removeFiles(id)
}

// removeFiles removes every file of upload id, the record last, so that
// an upload is never a record without bytes unless it is finished.
func (s *Store) removeFiles(id string) error {
	var first error
	for _, ext := range []string{partExt, pendingExt, infoExt + tmpExt, infoExt} {
		if err := s.root.Remove(id + ext); err != nil && !errors.Is(err, fs.ErrNotExist) && first == nil {
			first = err
		}
	}
	return first
}

// Finished records that upload id is complete and in place: its bytes are
// gone from the store (linked into place, or copied), and its record stays
// until it expires, so that a client asking about it learns it is done.
func (s *Store) Finished(id string) error {
	var rec record
	b, err := s.root.ReadFile(id + infoExt)
	if err == nil {
		err = json.Unmarshal(b, &rec)
	}
	if err != nil {
		return err
	}
	rec.Done = true
	s.mu.Lock()
	delete(s.pending, id)
	s.mu.Unlock()
	if err := s.writeRecord(id, rec); err != nil {
		return err
	}
	for _, ext := range []string{partExt, pendingExt} {
		if err := s.root.Remove(id + ext); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("parts: removing a finished upload's part", "id", id, "err", err)
		}
	}
	return nil
}

// OpenPart opens the bytes of unfinished upload id for reading.
func (s *Store) OpenPart(id string) (*os.File, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	return s.root.Open(id + partExt)
}

// Hold marks upload id as in use, so that no sweep removes it, until the
// function it returns is called.
func (s *Store) Hold(id string) (release func()) {
	s.mu.Lock()
	s.busy[id]++
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		if s.busy[id]--; s.busy[id] <= 0 {
			delete(s.busy, id)
		}
		s.mu.Unlock()
	}
}

// validID reports whether id is one the store could have made: 32
// lowercase hex digits, so no name the client sends reaches the disk.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
