package encode

import (
	"io"
	"math/bits"
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

// pooledEncoder is an encoder of the pool of c that goes back to it when
// its stream is closed.
type pooledEncoder struct {
	enc encoder
	c   coding.Coding
}

func (e *pooledEncoder) Write(p []byte) (int, error) { return e.enc.Write(p) }

// Close ends the stream and gives the encoder back to its pool.
func (e *pooledEncoder) Close() error {
	err := e.enc.Close()
	putEncoder(e.c, e.enc)
	e.enc = nil
	return err
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
func newGzip() encoder { return newGzipLevel(nil, gzipLevel) }

// newGzipLevel returns a gzip encoder at level, writing to w.
func newGzipLevel(w io.Writer, level int) encoder {
	e, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		panic("encode: gzip level: " + err.Error()) // fixed level: a broken build
	}
	return e
}

// A body coded once and kept (coding.Precoder's Code) pays for its
// coding once per version of a file, not once per answer, so it is coded
// harder than a streamed answer, within a bound on that one-time cost:
// for a body of up to keptMaxSize bytes, at most what the streamed brotli
// costs on the largest body the file server keeps (256 KiB: about 4 ms
// on a 2-vCPU EPYC VM), whatever the text. The levels were measured on
// the bench's 35 KiB script, simplehttp's own scripts and style sheet,
// an HTML and a JSON listing, and text that strains encoders (one line
// repeated, base64, words in a short cycle); see the commit that set
// them for the numbers:
//
//   - brotli at quality 6, with a window fitted to the body: 4 to 16%
//     smaller than the streamed brotli, at most 3.6 ms for 64 KiB, with
//     0.6 to 1.7 MB of encoder made for the call (quality 5 is 1% larger,
//     quality 9 under 1% smaller for 50% more time, 10 and 11 6 to 9%
//     smaller for 15 to 75 times the time);
//   - gzip at level 7: 1 to 4% smaller than level 5, at most 2 ms for
//     64 KiB, and it entropy-codes text without repeats, such as base64,
//     which level 5 leaves as it is (level 9 is 1 to 5% smaller still,
//     but took 12 ms for 64 KiB of words in a short cycle);
//   - zstd as streamed: klauspost's better level gained 0 to 4% for twice
//     the time and 5.6 MB of encoder, its best 4 to 7% for 10 to 20
//     times the time and 37 MB.
//
// A larger body is coded as streamed: brotli at quality 6 took 15 ms for
// 256 KiB, where the streamed encoder takes 4 ms for 0 to 7% more bytes.
const (
	keptMaxSize   = 64 << 10
	keptBrQuality = 6
	keptGzipLevel = 7
)

// codeKept appends body, compressed whole with c at the level for a body
// coded once and kept, to dst.
func codeKept(dst, body []byte, c coding.Coding) []byte {
	a := appender(dst)
	var enc encoder
	switch {
	case len(body) > keptMaxSize || c == coding.Zstd:
		enc = getEncoder(c, &a)
		defer putEncoder(c, enc)
	case c == coding.Brotli:
		enc = brotli.NewWriterOptions(&a, brotli.WriterOptions{Quality: keptBrQuality, LGWin: brotliWindow(len(body))})
	default:
		enc = newGzipLevel(&a, keptGzipLevel)
	}
	enc.Write(body) //nolint:errcheck // an appender does not fail
	enc.Close()     //nolint:errcheck // nor does the encoder, then
	return a
}

// brotliWindow is the base-2 logarithm of the smallest window that holds
// a body of size bytes, within what brotli allows (1 KiB to 16 MiB):
// the encoder's memory, and the decoder's, grow with the window, and up
// to 64 KiB (16) the encoder uses its smaller match finder.
func brotliWindow(size int) int {
	return min(max(bits.Len(uint(size-1)), 10), 24)
}
