//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// The fixture tree, with no index.html anywhere.
const (
	smallPath   = "/small.txt" // 1 KiB of text
	smallSize   = 1024
	largePath   = "/large.bin" // random bytes, written in full
	manyPath    = "/many/"     // a folder of small files
	missingPath = "/no-such-dir/no-such-file.txt"
)

// writeFixtures creates the tree in root: small.txt, large.bin of
// largeMiB MiB and many/ with many files.
func writeFixtures(root string, largeMiB, many int) error {
	small := bytes.Repeat([]byte("simplehttp bench-peers fixture.\n"), smallSize/32)
	if err := os.WriteFile(filepath.Join(root, smallPath), small, 0o644); err != nil {
		return err
	}
	large := filepath.Join(root, largePath)
	if err := writeRandom(large, int64(largeMiB)<<20); err != nil {
		return err
	}
	if err := reread(large); err != nil {
		return err
	}
	dir := filepath.Join(root, manyPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range many {
		name := fmt.Sprintf("file-%05d.txt", i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte("this is "+name+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// reread drops name from the page cache and reads it back, so that its
// pages are there as a file read from disk has them, whatever wrote it.
// The kernel caches a file in pieces (folios) whose size follows how it
// came in: written 8 KiB at a time, or read ahead in big runs. Sending
// a 256 MiB file from small pieces cost simplehttp and nginx about 1.5
// times the CPU per GB it costs from read-ahead ones.
func reread(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	fd := int(f.Fd())
	if err := unix.Fdatasync(fd); err != nil {
		return err
	}
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return err
	}
	_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, make([]byte, 1<<20))
	return err
}

// writeRandom writes size random bytes to name: a file no server can
// compress, and no sparse file the kernel could send without reading.
func writeRandom(name string, size int64) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, err = io.CopyN(w, rand.NewChaCha8([32]byte{}), size)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
