package dav

import (
	"sync"
	"time"
)

// Reading the dead properties of a folder's entries costs a system call
// or three per entry: for 10,000 entries, twice what the rest of a
// PROPFIND costs. Most folders hold none. bareFolders remembers the
// folders a PROPFIND found none in, each in the state it was read in
// (device, inode, change and modification times), so that the next
// PROPFIND of the folder, while it is unchanged, reads none.
//
// The kernel changes a folder's times whenever an entry is added,
// removed or renamed, so a file that arrives with properties (a MOVE, a
// COPY, a restore by another program) makes the folder one not read
// before. A property set on an entry already there changes only the
// entry's times: every change of a property (PROPPATCH, a COPY's) goes
// through propStore.put, which forgets every folder. As in git's "racy"
// check, a folder that changed less than racyMargin before it was read is
// not remembered, since a change in the same tick of the file system's
// clock would leave its times as they were.
type bareFolders struct {
	mu      sync.Mutex
	changes uint64 // the changes of properties so far
	states  map[folderState]bool
}

// folderState is a folder's identity and the times of its last change.
type folderState struct {
	dev, ino     uint64
	ctime, mtime time.Time
}

// Bounds: the folders remembered (a few hundred kilobytes), and how long
// ago a folder must have changed to be.
const (
	maxBareFolders = 4096
	racyMargin     = 2 * time.Second
)

// has reports whether the folder in state st holds no entry with dead
// properties.
func (b *bareFolders) has(st folderState) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.states[st]
}

// generation is the number of changes of properties so far, to give to
// add after a read of a folder that began now.
func (b *bareFolders) generation() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.changes
}

// add remembers that the folder in state st held no entry with dead
// properties when it was read at readAt, unless it changed too close to
// readAt, or a property changed since the read began (generation gen).
func (b *bareFolders) add(st folderState, gen uint64, readAt time.Time) {
	limit := readAt.Add(-racyMargin)
	if !st.ctime.Before(limit) || !st.mtime.Before(limit) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if gen != b.changes {
		return
	}
	if b.states == nil || len(b.states) >= maxBareFolders {
		b.states = map[folderState]bool{} // the stale go with the rest
	}
	b.states[st] = true
}

// changed forgets every folder: a property changed somewhere.
func (b *bareFolders) changed() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.changes++
	b.states = nil
}
