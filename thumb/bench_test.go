//go:build unix

package thumb

import (
	"bytes"
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/testphoto"
)

var (
	photo24Once sync.Once
	photo24     []byte
)

// BenchmarkMake24MP makes the thumbnail of a 24-megapixel photo
// (6000×4000). It reports the process's CPU time per thumbnail too
// (cpu-ms/op), which a busy machine inflates less than the wall time:
// 1000 / cpu-ms/op is thumbnails per second per core.
func BenchmarkMake24MP(b *testing.B) {
	photo24Once.Do(func() { photo24 = testphoto.JPEG(b, 6000, 4000) })
	b.SetBytes(int64(len(photo24)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Make(context.Background(), bytes.NewReader(photo24), int64(len(photo24)), DefaultSize, DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru) //nolint:errcheck // cannot fail for RUSAGE_SELF
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
