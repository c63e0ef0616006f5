// Package localfs decides which file systems simplehttp trusts a stat of:
// local ones whose metadata this computer's kernel keeps, so that every
// change to a file moves its change time (ctime), every entry added,
// removed or renamed moves its folder's times, and a stat or a read of
// cached pages never waits on another computer.
//
// What relies on it, and takes a slower path everywhere else (NFS, CIFS,
// FUSE, 9p, or any file system not on the list):
//   - the small-file memory cache of package fileserve, which serves a
//     held file after one stat says it is unchanged;
//   - the name cache of package listing, which reuses a folder's names
//     while its stamp is unchanged, and its limit on big listings built
//     at once, which are CPU work only where a stat never waits;
//   - the program's sendfile, which makes a raw system call for pages
//     already in memory.
//
// A stamp vouches for content only once it has settled ([Settled]): a
// change within the same tick of a file system's clock leaves the times
// as they were.
package localfs

import (
	"sync/atomic"
	"time"
)

// SettleTime is how long before a file or folder is read its change time
// must lie for that time to vouch for what was read: longer than the
// coarsest clock of a trusted file system (FAT keeps times to 2 seconds;
// ext4 on small inodes, to 1), so that no later change can leave the time
// as it was.
const SettleTime = 3 * time.Second

// Settled reports whether a file or folder last changed at changed, read
// at or after readAt, can be told from any later version of itself by its
// change time: changed lies more than SettleTime before readAt. (Git's
// index calls the other case "racily clean".)
func Settled(changed, readAt time.Time) bool {
	return changed.Before(readAt.Add(-SettleTime))
}

// fakeType, when not 0, is the file-system type [Trusted] sees in place of
// every file's own (see [Pretend]). No file system has type 0.
var fakeType atomic.Uint32

// Pretend makes [Trusted] see every file as lying on a file system of type
// typ, a statfs f_type such as unix.NFS_SUPER_MAGIC, until restore is
// called. It is for tests: one that pretends must not run in parallel
// with tests that rely on what is trusted (call no t.Parallel in it).
func Pretend(typ uint32) (restore func()) {
	fakeType.Store(typ)
	return func() { fakeType.Store(0) }
}
