package thumb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// marked is a w×h test image: grey, with a red block in its top-left
// corner, so a thumbnail shows where the top-left went.
func marked(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{128, 128, 128, 255}
			if x < w/4 && y < h/4 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// encodeWith encodes img with one of Go's encoders.
func encodeWith(t testing.TB, format string, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95})
	case "png":
		err = png.Encode(&buf, img)
	case "gif":
		pal := image.NewPaletted(img.Bounds(), palette.WebSafe)
		draw.Draw(pal, pal.Rect, img, img.Bounds().Min, draw.Src)
		err = gif.Encode(&buf, pal, nil)
	case "bmp":
		err = bmp.Encode(&buf, img)
	case "tiff":
		err = tiff.Encode(&buf, img, nil)
	default:
		t.Fatalf("no encoder for %s", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// convertTool returns the path of ImageMagick's convert, which makes the
// WebP files (Go has no WebP encoder). CI installs it; elsewhere its
// absence skips the test.
func convertTool(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("convert")
	if err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("convert (imagemagick) is not installed, and CI=true requires it")
		}
		t.Skip("skipping: convert (imagemagick) is not installed (CI would fail here)")
	}
	return p
}

// webpOf encodes img as WebP with convert, lossless so colours stay exact.
func webpOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.png"), filepath.Join(dir, "out.webp")
	if err := os.WriteFile(in, encodeWith(t, "png", img), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(convertTool(t), in, "-define", "webp:lossless=true", out).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// tiffExif is a little- or big-endian TIFF structure whose first IFD
// holds Orientation o and one other tag before it.
func tiffExif(o int, order binary.AppendByteOrder) []byte {
	b := []byte("II*\x00")
	if order == binary.BigEndian {
		b = []byte("MM\x00*")
	}
	b = order.AppendUint32(b, 8)
	b = order.AppendUint16(b, 2)
	// ImageDescription (0x010e), ASCII, 1 byte: to be skipped.
	b = order.AppendUint16(b, 0x010e)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint32(b, 1)
	b = order.AppendUint32(b, 0)
	b = order.AppendUint16(b, 0x0112)
	b = order.AppendUint16(b, 3)
	b = order.AppendUint32(b, 1)
	b = order.AppendUint16(b, uint16(o))
	b = order.AppendUint16(b, 0)
	return order.AppendUint32(b, 0) // no next IFD
}

// withJPEGExif puts an APP1 Exif segment holding Orientation o after a
// JPEG's SOI marker.
func withJPEGExif(data []byte, o int, order binary.AppendByteOrder) []byte {
	payload := append([]byte("Exif\x00\x00"), tiffExif(o, order)...)
	seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(payload)+2))
	out := append([]byte{}, data[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, data[2:]...)
}

// withPNGExif puts an eXIf chunk holding Orientation o after a PNG's
// IHDR chunk.
func withPNGExif(data []byte, o int) []byte {
	payload := tiffExif(o, binary.BigEndian)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	chunk = append(chunk, "eXIf"...)
	chunk = append(chunk, payload...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	ihdrEnd := 8 + 8 + 13 + 4
	out := append([]byte{}, data[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, data[ihdrEnd:]...)
}

// withWebPExif appends an EXIF chunk holding Orientation o (with the
// "Exif\0\0" header some writers put) to a WebP file.
func withWebPExif(data []byte, o int) []byte {
	payload := append([]byte("Exif\x00\x00"), tiffExif(o, binary.LittleEndian)...)
	out := append([]byte{}, data...)
	out = append(out, "EXIF"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
	out = append(out, payload...)
	if len(payload)%2 == 1 {
		out = append(out, 0)
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

// redAt reports whether the thumbnail's pixel at (x, y) is red.
func redAt(t *testing.T, th *Thumbnail, x, y int) bool {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(th.Data))
	if err != nil {
		t.Fatalf("thumbnail does not decode: %v", err)
	}
	r, g, b, _ := img.At(x, y).RGBA()
	return r > 0xc000 && g < 0x4000 && b < 0x4000
}

// makeBox makes a thumbnail of data in a size×size box. The tests use
// small images and boxes: the race detector slows pixel loops tenfold.
func makeBox(t *testing.T, data []byte, size int) (*Thumbnail, error) {
	t.Helper()
	return Make(context.Background(), bytes.NewReader(data), int64(len(data)), size, DefaultLimits)
}

func TestFormats(t *testing.T) {
	src := marked(160, 120)
	cases := []struct {
		format string
		data   func(t *testing.T) []byte
	}{
		{"jpeg", func(t *testing.T) []byte { return encodeWith(t, "jpeg", src) }},
		{"png", func(t *testing.T) []byte { return encodeWith(t, "png", src) }},
		{"gif", func(t *testing.T) []byte { return encodeWith(t, "gif", src) }},
		{"bmp", func(t *testing.T) []byte { return encodeWith(t, "bmp", src) }},
		{"tiff", func(t *testing.T) []byte { return encodeWith(t, "tiff", src) }},
		{"webp", func(t *testing.T) []byte { return webpOf(t, src) }},
	}
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			th, err := makeBox(t, tc.data(t), 80)
			if err != nil {
				t.Fatal(err)
			}
			if th.Width != 80 || th.Height != 60 {
				t.Errorf("thumbnail is %dx%d, want 80x60", th.Width, th.Height)
			}
			if th.ContentType != "image/jpeg" {
				t.Errorf("Content-Type %q, want image/jpeg for an opaque image", th.ContentType)
			}
			if th.Decoded < 160*120 || th.Decoded > 160*120*4 {
				t.Errorf("Decoded %d bytes, want one to four a pixel", th.Decoded)
			}
			if !redAt(t, th, 5, 5) || redAt(t, th, 70, 50) {
				t.Error("the red corner is not at the top left")
			}
		})
	}
}

func TestOrientation(t *testing.T) {
	// A 120×60 image, red at its stored top left. Turned upright by each
	// orientation, the red corner lands where this says (in a 60-pixel
	// box: 60×30 or, for a quarter turn, 30×60).
	type corner struct{ right, bottom bool }
	want := map[int]corner{
		1: {false, false}, 2: {true, false}, 3: {true, true}, 4: {false, true},
		5: {false, false}, 6: {true, false}, 7: {true, true}, 8: {false, true},
	}
	base := marked(120, 60)
	containers := []struct {
		name string
		with func(t *testing.T, o int) []byte
	}{
		{"jpeg-le", func(t *testing.T, o int) []byte {
			return withJPEGExif(encodeWith(t, "jpeg", base), o, binary.LittleEndian)
		}},
		{"jpeg-be", func(t *testing.T, o int) []byte {
			return withJPEGExif(encodeWith(t, "jpeg", base), o, binary.BigEndian)
		}},
		{"png", func(t *testing.T, o int) []byte { return withPNGExif(encodeWith(t, "png", base), o) }},
		{"webp", func(t *testing.T, o int) []byte { return withWebPExif(webpOf(t, base), o) }},
	}
	for _, c := range containers {
		for o := 1; o <= 8; o++ {
			t.Run(c.name+"/"+strconv.Itoa(o), func(t *testing.T) {
				t.Parallel()
				th, err := makeBox(t, c.with(t, o), 60)
				if err != nil {
					t.Fatal(err)
				}
				w, h := 60, 30
				if o >= 5 {
					w, h = 30, 60
				}
				if th.Width != w || th.Height != h {
					t.Fatalf("thumbnail is %dx%d, want %dx%d", th.Width, th.Height, w, h)
				}
				x, y := 3, 3
				if want[o].right {
					x = w - 4
				}
				if want[o].bottom {
					y = h - 4
				}
				if !redAt(t, th, x, y) {
					t.Errorf("orientation %d: the red corner is not at (%d, %d)", o, x, y)
				}
			})
		}
	}
}

func TestTransparencyKept(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 100, 100))
	for i := range img.Pix {
		if i%4 == 3 {
			img.Pix[i] = 100 // translucent black
		}
	}
	th, err := makeBox(t, encodeWith(t, "png", img), 50)
	if err != nil {
		t.Fatal(err)
	}
	if th.ContentType != "image/png" {
		t.Fatalf("Content-Type %q, want image/png for a translucent image", th.ContentType)
	}
	dec, err := png.Decode(bytes.NewReader(th.Data))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, a := dec.At(25, 25).RGBA(); a>>8 < 90 || a>>8 > 110 {
		t.Errorf("alpha %d, want about 100", a>>8)
	}
}

func TestReduce(t *testing.T) {
	// A photo's path: a YCbCr image several times the box is averaged
	// down by blocks before the final scaling.
	src := image.NewYCbCr(image.Rect(0, 0, 400, 300), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = 200
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = 128, 128
	}
	for y := range 75 { // a dark top-left corner
		for x := range 100 {
			src.Y[y*src.YStride+x] = 20
		}
	}
	img := scale(src, 100)
	if img.Rect.Dx() != 100 || img.Rect.Dy() != 75 {
		t.Fatalf("scaled to %v, want 100x75", img.Rect)
	}
	if dark, light := img.RGBAAt(5, 5).R, img.RGBAAt(90, 70).R; dark > 40 || light < 180 {
		t.Errorf("corner %d, rest %d: want about 20 and 200", dark, light)
	}
}

func TestSmallNotScaledUp(t *testing.T) {
	th, err := makeBox(t, encodeWith(t, "png", marked(40, 30)), DefaultSize)
	if err != nil {
		t.Fatal(err)
	}
	if th.Width != 40 || th.Height != 30 {
		t.Errorf("thumbnail is %dx%d, want the image's own 40x30", th.Width, th.Height)
	}
}

func TestFit(t *testing.T) {
	cases := []struct{ w, h, size, ww, wh int }{
		{6000, 4000, 320, 320, 213},
		{4000, 6000, 320, 213, 320},
		{320, 320, 320, 320, 320},
		{321, 1, 320, 320, 1},
		{1, 100000, 320, 1, 320},
		{10, 10, 320, 10, 10},
	}
	for _, c := range cases {
		if w, h := fit(c.w, c.h, c.size); w != c.ww || h != c.wh {
			t.Errorf("fit(%d, %d, %d) = %d, %d; want %d, %d", c.w, c.h, c.size, w, h, c.ww, c.wh)
		}
	}
}

// pngHeader is a PNG signature and IHDR declaring w×h 8-bit RGBA, and no
// pixels.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, 13)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	ihdr = binary.BigEndian.AppendUint32(ihdr, crc32.ChecksumIEEE(ihdr[4:]))
	return append([]byte("\x89PNG\r\n\x1a\n"), ihdr...)
}

// jpegHeader is a baseline JPEG's SOI, JFIF segment and a SOF0
// declaring w×h, and no pixels.
func jpegHeader(w, h uint16) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	b = append(b, 0xff, 0xc0, 0, 17, 8)
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	return append(b, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
}

// zeros is an endless file of zero bytes that counts its reads.
type zeros struct{ reads int }

func (z *zeros) ReadAt(p []byte, off int64) (int, error) {
	z.reads++
	clear(p)
	return len(p), nil
}

func TestHostile(t *testing.T) {
	good := encodeWith(t, "jpeg", marked(200, 150))
	cases := []struct {
		name string
		data []byte
		want error // nil: any error
	}{
		{"png declaring 100000x100000", pngHeader(100000, 100000), ErrTooLarge},
		{"png declaring 2^31x2^31", pngHeader(1<<31-1, 1<<31-1), nil},
		{"jpeg declaring 65535x65535", jpegHeader(65535, 65535), ErrTooLarge},
		{"png of 50,000,001 pixels", pngHeader(50_000_001, 1), ErrTooLarge},
		{"png declaring 0x10", pngHeader(0, 10), ErrFormat},
		{"truncated jpeg", good[:len(good)/2], nil},
		{"jpeg headers only", good[:700], nil},
		{"not an image", []byte("hello, world\n"), ErrFormat},
		{"empty", nil, ErrFormat},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ErrFormat},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			th, err := makeBox(t, tc.data, DefaultSize)
			if err == nil {
				t.Fatalf("made a %dx%d thumbnail", th.Width, th.Height)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v to refuse", d)
			}
		})
	}
}

func TestHugeFileRefusedUnread(t *testing.T) {
	z := &zeros{}
	_, err := Make(context.Background(), z, 1<<30, DefaultSize, DefaultLimits)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if z.reads != 0 {
		t.Errorf("read %d times a file it refused by its length", z.reads)
	}
}

func TestDeepPixelsCountDouble(t *testing.T) {
	// A 16-bit RGBA image of 30 megapixels would take 240 MB decoded:
	// past a 50-megapixel limit counted at four bytes a pixel.
	cfg := image.Config{ColorModel: color.NRGBA64Model, Width: 6000, Height: 5000}
	if err := check(cfg, DefaultLimits); !errors.Is(err, ErrTooLarge) {
		t.Errorf("16-bit 30 MP: err = %v, want ErrTooLarge", err)
	}
	cfg.ColorModel = color.NRGBAModel
	if err := check(cfg, DefaultLimits); err != nil {
		t.Errorf("8-bit 30 MP: err = %v, want nil", err)
	}
}

func TestCanceledContextStopsDecode(t *testing.T) {
	data := encodeWith(t, "png", marked(40, 30))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Make(ctx, bytes.NewReader(data), int64(len(data)), DefaultSize, DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestSupported(t *testing.T) {
	for name, want := range map[string]bool{
		"a.jpg": true, "B.JPEG": true, "c.png": true, "d.gif": true, "e.webp": true,
		"f.bmp": true, "g.tif": true, "h.TIFF": true, "i.svg": false, "j.heic": false,
		"k.txt": false, "jpg": false, "": false,
	} {
		if got := Supported(name); got != want {
			t.Errorf("Supported(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestReduceYCbCrMatchesRows(t *testing.T) {
	// The planes' averages, converted once, are the converted pixels'
	// averages, to rounding: the conversion is linear but for clamping.
	// (Decoders make images at the origin, so blocks of 4 align with
	// every chroma sample.)
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410}
	for _, ratio := range ratios {
		src := image.NewYCbCr(image.Rect(0, 0, 97, 61), ratio) // as decoders make them
		// Values whose RGB never clamps.
		for i := range src.Y {
			src.Y[i] = uint8(60 + (i*37)%120)
		}
		for i := range src.Cb {
			src.Cb[i], src.Cr[i] = uint8(110+(i*13)%36), uint8(112+(i*7)%30)
		}
		fast, slow := reduceYCbCr(src, 4), reduceRows(src, 4)
		if fast.Rect != slow.Rect {
			t.Fatalf("%v: %v and %v", ratio, fast.Rect, slow.Rect)
		}
		for i := range fast.Pix {
			if d := int(fast.Pix[i]) - int(slow.Pix[i]); d < -3 || d > 3 {
				t.Fatalf("%v: byte %d is %d, %d converting each pixel", ratio, i, fast.Pix[i], slow.Pix[i])
			}
		}
	}
}
