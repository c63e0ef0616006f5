package encode

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/simplehttp/simplehttp/internal/coding"
)

// keptCodings are the codings a body is kept in.
var keptCodings = []coding.Coding{coding.Brotli, coding.Gzip, coding.Zstd}

// words is n bytes of text drawn from a few hundred made-up words, which
// compresses as scripts do (to about a third).
func words(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "function w%d(a, b) { return a.f%d + b[%d]; }\n", i*7919%389, i*104729%283, i%97)
	}
	return b.Bytes()[:n]
}

// TestCodeKept: codeKept's output decodes to the body, in every coding
// and at every size the file server keeps; a body of up to keptMaxSize is
// coded harder than streamed in brotli and gzip, a larger one exactly as
// one streamed answer is, so that its one-time cost stays bounded.
func TestCodeKept(t *testing.T) {
	for _, size := range []int{0, 1000, keptMaxSize, keptMaxSize + 1, 256 << 10} {
		body := words(size)
		for _, c := range keptCodings {
			kept := codeKept([]byte("prefix"), body, c)
			if !bytes.HasPrefix(kept, []byte("prefix")) || !bytes.Equal(decodeAll(t, c, kept[len("prefix"):]), body) {
				t.Fatalf("%d bytes in %s: not appended, or differs once decoded", size, c)
			}
			kept = kept[len("prefix"):]
			streamed := codeStreamed(body, c)
			switch asStreamed := size > keptMaxSize || c == coding.Zstd; {
			case asStreamed && !bytes.Equal(kept, streamed):
				t.Errorf("%d bytes in %s: kept %d bytes, not as streamed (%d bytes)", size, c, len(kept), len(streamed))
			case !asStreamed && size > 0 && len(kept) >= len(streamed):
				t.Errorf("%d bytes in %s: kept %d bytes, no fewer than streamed (%d bytes)", size, c, len(kept), len(streamed))
			}
		}
	}
}

// codeStreamed is body compressed whole with c by a streaming encoder.
func codeStreamed(body []byte, c coding.Coding) []byte {
	var a appender
	enc := getEncoder(c, &a)
	enc.Write(body) //nolint:errcheck // an appender does not fail
	enc.Close()     //nolint:errcheck // nor does the encoder, then
	putEncoder(c, enc)
	return a
}

// decodeAll undoes the coding c.
func decodeAll(t *testing.T, c coding.Coding, data []byte) []byte {
	t.Helper()
	var r io.Reader
	var err error
	switch c {
	case coding.Brotli:
		r = brotli.NewReader(bytes.NewReader(data))
	case coding.Gzip:
		r, err = gzip.NewReader(bytes.NewReader(data))
	case coding.Zstd:
		var zr *zstd.Decoder
		zr, err = zstd.NewReader(bytes.NewReader(data))
		if err == nil {
			defer zr.Close()
			r = zr
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", c, err)
	}
	return out
}

// BenchmarkCodeKept measures coding a body once to keep it, by size and
// coding: the one-time cost a file's first compressed answer pays (the
// file server keeps files of up to 256 KiB compressed). out-bytes is
// the coded size.
func BenchmarkCodeKept(b *testing.B) {
	for _, size := range []int{4 << 10, 16 << 10, 35 << 10, 64 << 10, 256 << 10} {
		body := words(size)
		for _, c := range keptCodings {
			b.Run(fmt.Sprintf("%dKiB/%s", size>>10, c), func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				var out []byte
				for b.Loop() {
					out = codeKept(out[:0], body, c)
				}
				b.ReportMetric(float64(len(out)), "out-bytes")
			})
		}
	}
}
