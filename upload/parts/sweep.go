package parts

import (
	"errors"
	"io/fs"
	"strings"
	"time"
)

// orphanAge is how old a part without a record must be before a sweep
// while the server runs removes it: younger, it may be an upload being
// created at that moment.
const orphanAge = time.Minute

// Sweep removes the uploads that expired, finished or not, and the files
// no upload owns, and returns the number of uploads removed. Uploads in
// use ([Store.Hold]) are left alone.
func (s *Store) Sweep() int {
	return s.sweep(orphanAge)
}

// sweep is Sweep, removing files no upload owns once they are minAge old
// (0 at start, when nothing is being created).
func (s *Store) sweep(minAge time.Duration) int {
	entries, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		s.log.Error("parts: reading the folder of unfinished uploads", "err", err)
		return 0
	}
	now := s.now()
	removed := 0
	seen := map[string]bool{}
	for _, e := range entries {
		id, _, _ := strings.Cut(e.Name(), ".")
		if seen[id] {
			continue
		}
		seen[id] = true
		if s.sweepOne(id, now, minAge) {
			removed++
		}
	}
	if removed > 0 {
		s.log.Info("parts: removed expired uploads", "count", removed)
	}
	return removed
}

// sweepOne removes upload id if it expired, or its files if they belong
// to no upload, and reports whether it removed an upload. It learns the
// pending length of an unfinished one that stays.
func (s *Store) sweepOne(id string, now time.Time, minAge time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy[id] > 0 {
		return false
	}
	if !validID(id) {
		s.log.Warn("parts: a file that is no upload's in the folder of unfinished uploads", "name", id)
		return false
	}
	rec, activity, err := s.load(id)
	switch {
	case errors.Is(err, ErrNotFound):
		if s.orphaned(id, now, minAge) {
			s.removeFiles(id)
		}
		return false
	case err != nil:
		s.log.Warn("parts: an unreadable upload", "id", id, "err", err)
		return false
	case now.Sub(activity) < s.expiry:
		if !rec.Done {
			s.pending[id] = rec.Size
		}
		return false
	}
	delete(s.pending, id)
	if err := s.removeFiles(id); err != nil {
		s.log.Warn("parts: removing an expired upload", "id", id, "err", err)
	}
	return true
}

// orphaned reports whether every file of upload id, which has no record,
// is at least minAge old.
func (s *Store) orphaned(id string, now time.Time, minAge time.Duration) bool {
	for _, ext := range []string{partExt, pendingExt, infoExt + tmpExt} {
		if info, err := s.root.Lstat(id + ext); err == nil && now.Sub(info.ModTime()) < minAge {
			return false
		}
	}
	return true
}

// roomFor returns ErrFull when the bounds on disk use leave no room for a
// new upload of size bytes. s.mu is held.
func (s *Store) roomFor(size int64) error {
	if len(s.pending) >= s.maxUploads {
		return ErrFull
	}
	var declared, unwritten int64
	for id, n := range s.pending {
		declared += n
		if info, err := s.root.Stat(id + partExt); err == nil {
			unwritten += max(n-info.Size(), 0)
		}
	}
	if s.maxBytes > 0 && declared+size > s.maxBytes {
		return ErrFull
	}
	if free, ok := freeSpace(s.dir); ok && unwritten+size > free {
		return ErrFull
	}
	return nil
}
