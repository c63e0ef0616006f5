package netlimit

import (
	"io"
	"testing"
)

// BenchmarkConnReadFrom sends a 16 MiB file, in the page cache, through
// a conn to a loopback client that discards it, with the default write
// limits: the path of a large download over plain HTTP.
func BenchmarkConnReadFrom(b *testing.B) {
	const size = 16 << 20
	f := tempFile(b, randomBytes(size))
	c, client := tcpPair(b, DefaultWriteLimit, 0, 0)
	go io.Copy(io.Discard, client)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		if n, err := c.ReadFrom(&io.LimitedReader{R: f, N: size}); n != size || err != nil {
			b.Fatalf("ReadFrom = %d, %v", n, err)
		}
	}
}

// BenchmarkConnWrite writes 1 MiB at a time through a conn to a loopback
// client that discards it: the path of an answer made in memory.
func BenchmarkConnWrite(b *testing.B) {
	p := randomBytes(1 << 20)
	c, client := tcpPair(b, DefaultWriteLimit, 0, 0)
	go io.Copy(io.Discard, client)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if n, err := c.Write(p); n != len(p) || err != nil {
			b.Fatalf("Write = %d, %v", n, err)
		}
	}
}
