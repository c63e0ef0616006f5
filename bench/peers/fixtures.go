package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
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
	if err := writeRandom(filepath.Join(root, largePath), int64(largeMiB)<<20); err != nil {
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
