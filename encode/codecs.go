package encode

import (
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/simplehttp/simplehttp/internal/coding"
)

// encoder compresses a stream into the writer it was last Reset to.
// Close ends the stream (it does not close the writer).
type encoder interface {
	io.WriteCloser
	Reset(w io.Writer)
}

// flusher is an encoder that can push out what it holds mid-stream.
// Brotli's fast encoder cannot: it writes a block per 64 KiB of input.
type flusher interface{ Flush() error }

// The levels were chosen by measurement on a corpus of real pages and
// their parts (Rust's HTML documentation, jQuery, a minified WebGL library,
// rustdoc's CSS, a JSON API answer, Go's wasm_exec.js and a Go WASM
// binary, simplehttp's own assets and 10,000-entry listings): each is
// the point past which more CPU buys little ratio. See the commit that
// set them for the numbers.
const (
	zstdLevel  = zstd.SpeedDefault // about zstd -3
	zstdWindow = 512 << 10         // a bigger one gains <1% and holds 16 MB more per encoder
	gzipLevel  = 5                 // 6 costs 9% more CPU for 2% less output
	brLevel    = 3                 // NewWriterV2's: better and faster than NewWriterLevel(4)
)

// pools recycle encoders, by coding: creating one costs far more than a
// small body's compression, and their tables are hundreds of kilobytes.
var pools = [...]sync.Pool{
	coding.Zstd:   {New: func() any { return newZstd() }},
	coding.Brotli: {New: func() any { return brotli.NewWriterV2(nil, brLevel) }},
	coding.Gzip:   {New: func() any { return newGzip() }},
}

// getEncoder returns a pooled encoder for c, writing to w.
func getEncoder(c coding.Coding, w io.Writer) encoder {
	e := pools[c].Get().(encoder)
	e.Reset(w)
	return e
}

// putEncoder returns e, whose stream is closed, to the pool of c.
func putEncoder(c coding.Coding, e encoder) {
	e.Reset(nil) // drop the response writer
	pools[c].Put(e)
}

// newZstd returns a zstd encoder that compresses in the calling
// goroutine (concurrency 1: the server has a goroutine per request
// already) with a window Chrome and Firefox accept (at most 8 MiB). It
// entropy-codes a block in which it found no match, as it does at levels
// above the default (below, it stores such a block as it is): text
// without repeats, such as base64, then still shrinks by a quarter (1,024
// bytes of base64 of random bytes: 1,039 bytes stored, 823 coded).
func newZstd() encoder {
	e, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstdLevel),
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(zstdWindow),
		zstd.WithAllLitEntropyCompression(true),
		zstd.WithZeroFrames(true)) // an empty body is still a valid stream
	if err != nil {
		panic("encode: zstd options: " + err.Error()) // fixed options: a broken build
	}
	return e
}

// newGzip returns a gzip encoder.
func newGzip() encoder {
	e, err := gzip.NewWriterLevel(nil, gzipLevel)
	if err != nil {
		panic("encode: gzip level: " + err.Error()) // fixed level: a broken build
	}
	return e
}
