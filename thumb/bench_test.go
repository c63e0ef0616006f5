//go:build unix

package thumb

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math"
	"sync"
	"syscall"
	"testing"
	"time"
)

// texturedJPEG returns a JPEG of w×h pixels with a photo's texture (smooth
// gradients and fine detail), which decodes as slowly as a photo does.
func texturedJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		for x := range w {
			v := 128 + 60*math.Sin(float64(x)/97) + 40*math.Cos(float64(y)/53) + float64((x*7919+y*104729)%23)
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, v)))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+i%50), uint8(150-i%40)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var (
	photo24Once sync.Once
	photo24     []byte
)

// BenchmarkMake24MP makes the thumbnail of a 24-megapixel photo
// (6000×4000). It reports the process's CPU time per thumbnail too
// (cpu-ms/op), which a busy machine inflates less than the wall time:
// 1000 / cpu-ms/op is thumbnails per second per core.
func BenchmarkMake24MP(b *testing.B) {
	photo24Once.Do(func() { photo24 = texturedJPEG(b, 6000, 4000) })
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
