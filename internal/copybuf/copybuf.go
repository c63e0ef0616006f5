// Package copybuf lends the buffers that file contents are copied through
// on their way to or from the disk: into a folder's archive (fileserve)
// and from an upload's body into its file (upload). One pool serves
// both, so a buffer freed by one is there for the other.
package copybuf

import "sync"

// Size is the size of a buffer: large enough that copying a big file
// costs few system calls (reads of 256 KiB, not 64, halve an archive's),
// small enough that many copies at once cost little memory.
const Size = 256 << 10

// Buffer is a buffer to copy through.
type Buffer = [Size]byte

var pool = sync.Pool{New: func() any { return new(Buffer) }}

// Get returns a buffer; give it back with Put once the copy is done.
func Get() *Buffer { return pool.Get().(*Buffer) }

// Put gives b back for another copy to use. b must not be used after.
func Put(b *Buffer) { pool.Put(b) }
