// Package testphoto makes photo-like JPEGs for the tests and benchmarks of
// thumbnails: smooth gradients with fine detail, which decode about as
// slowly as a camera's photo does. Tests only: nothing else imports it.
package testphoto

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"testing"
)

// JPEG returns a w×h JPEG (quality 90, 4:2:0) with a photo's texture, or
// fails the test.
func JPEG(tb testing.TB, w, h int) []byte {
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
