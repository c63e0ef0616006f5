//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
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
	scriptPath  = "/app.js" // 35 KiB of script-like text that compresses as real scripts do
	scriptSize  = 35 << 10
	randomPath  = "/random.txt" // 4 KiB of base64 of random bytes: text that barely compresses
	randomSize  = 4 << 10
	largePath   = "/large.bin" // random bytes, written in full
	manyPath    = "/many/"     // a folder of small files
	missingPath = "/no-such-dir/no-such-file.txt"
)

// writeFixtures creates the tree in root: small.txt, app.js,
// random.txt, large.bin of largeMiB MiB and many/ with many files.
func writeFixtures(root string, largeMiB, many int) error {
	for name, content := range fixtureTexts() {
		if err := os.WriteFile(filepath.Join(root, name), content, 0o644); err != nil {
			return err
		}
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

// fixtureTexts are the text files of the tree, by path, the same in every
// run: the checks of the answers compare them byte for byte.
func fixtureTexts() map[string][]byte {
	return map[string][]byte{
		smallPath:  bytes.Repeat([]byte("simplehttp bench-peers fixture.\n"), smallSize/32),
		scriptPath: script(scriptSize),
		randomPath: randomText(randomSize),
	}
}

// script is size bytes of JavaScript-like text: small functions whose
// names, fields and numbers are drawn at random from a few hundred words,
// so that it compresses about as well as a hand-written script (gzip -1
// to a third or a quarter), neither as badly as random bytes nor as well
// as one line repeated.
func script(size int) []byte {
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	words := make([]string, 300)
	for i := range words {
		w := make([]byte, 3+rng.IntN(7))
		for j := range w {
			w[j] = "abcdefghijklmnopqrstuvwxyz"[rng.IntN(26)]
		}
		words[i] = string(w)
	}
	word := func() string { return words[rng.IntN(len(words))] }
	var b bytes.Buffer
	b.WriteString("'use strict';\n")
	for b.Len() < size {
		fmt.Fprintf(&b, "function %s%d(%s, %s) {\n", word(), rng.IntN(100), word(), word())
		for range 1 + rng.IntN(4) {
			switch rng.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "  const %s = %s.%s(%d, '%s');\n", word(), word(), word(), rng.IntN(10000), word())
			case 1:
				fmt.Fprintf(&b, "  if (%s.%s > %d) { return %s(%s); }\n", word(), word(), rng.IntN(1000), word(), word())
			case 2:
				fmt.Fprintf(&b, "  %s.%s = { %s: %d, %s: \"%s\" };\n", word(), word(), word(), rng.IntN(100), word(), word())
			default:
				fmt.Fprintf(&b, "  for (let i = 0; i < %s.length; i++) { %s += %s[i]; }\n", word(), word(), word())
			}
		}
		b.WriteString("}\n")
	}
	return b.Bytes()[:size]
}

// randomText is size bytes of base64 of random bytes, in lines of 76:
// text by its type, so servers offer to compress it, but of 64 symbols
// with no repeats, which only entropy coding shrinks (to about 3/4).
func randomText(size int) []byte {
	raw := make([]byte, size)
	rand.NewChaCha8([32]byte{2}).Read(raw)
	var b bytes.Buffer
	enc := base64.StdEncoding.EncodeToString(raw)
	for b.Len() < size {
		line := enc[:min(76, len(enc))]
		enc = enc[len(line):]
		b.WriteString(line + "\n")
	}
	return b.Bytes()[:size]
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
