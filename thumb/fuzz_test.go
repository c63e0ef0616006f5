package thumb

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"testing"
)

// fuzzLimits keep each fuzzed decode small, so the fuzzer explores
// formats rather than waiting on big allocations.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}

// FuzzMake feeds arbitrary bytes to the decode-and-resize path: it must
// never panic, and what it makes must be a thumbnail within the box that
// decodes.
func FuzzMake(f *testing.F) {
	small := marked(40, 20)
	for _, format := range []string{"jpeg", "png", "gif", "bmp", "tiff"} {
		f.Add(encodeWith(f, format, small))
	}
	f.Add(withJPEGExif(encodeWith(f, "jpeg", small), 6, binary.BigEndian))
	f.Add(withPNGExif(encodeWith(f, "png", small), 8))
	f.Add(pngHeader(100000, 100000))
	f.Add(jpegHeader(65535, 1))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8L"))
	f.Fuzz(func(t *testing.T, data []byte) {
		th, err := Make(context.Background(), bytes.NewReader(data), int64(len(data)), 16, fuzzLimits)
		if err != nil {
			return
		}
		if th.Width < 1 || th.Height < 1 || th.Width > 16 || th.Height > 16 {
			t.Fatalf("thumbnail is %dx%d", th.Width, th.Height)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(th.Data))
		if err != nil || cfg.Width != th.Width || cfg.Height != th.Height {
			t.Fatalf("thumbnail does not decode as %dx%d: %v %v", th.Width, th.Height, cfg, err)
		}
	})
}

// FuzzOrientation feeds arbitrary bytes to the EXIF reader of each
// container: it must never panic and always give an orientation 1 to 8.
func FuzzOrientation(f *testing.F) {
	f.Add(withJPEGExif([]byte{0xff, 0xd8, 0xff, 0xd9}, 6, binary.LittleEndian), "jpeg")
	f.Add(withPNGExif(pngHeader(1, 1), 3), "png")
	f.Add(withWebPExif([]byte("RIFF\x04\x00\x00\x00WEBP"), 5), "webp")
	f.Add(tiffExif(8, binary.BigEndian), "tiff")
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		if o := orientation(bytes.NewReader(data), int64(len(data)), format); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
