// Package thumb makes thumbnails of images: JPEG, PNG, GIF (its first
// frame), WebP, BMP and TIFF, decoded by the standard library and
// golang.org/x/image.
//
// Images are untrusted. [Make] reads a file's header before its pixels and
// refuses, without decoding them, a file larger than [Limits].MaxBytes or
// one that declares more pixels than [Limits].MaxPixels (counted four bytes
// to the pixel, so a 16-bit image may have half as many): the memory one
// decode takes is bounded by the limits, not by what a file claims. A
// truncated or malformed file is an error, never a panic.
//
// The pixels are reduced by averaging blocks of them, then scaled with a
// Catmull-Rom filter to fit a square box, turned upright by the file's
// EXIF orientation (JPEG, TIFF, PNG's eXIf and WebP's EXIF chunk), and
// encoded as JPEG, or as PNG when transparency must be kept.
package thumb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"strings"

	_ "golang.org/x/image/bmp"
	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
	_ "image/gif" // registers the decoders image.Decode uses
)

// Limits bound the work and memory of one thumbnail.
type Limits struct {
	// MaxBytes is the largest file decoded.
	MaxBytes int64
	// MaxPixels is the most pixels an image may declare, at four bytes
	// to the pixel (8-bit RGBA); an image of deeper pixels may have
	// proportionally fewer. The memory of one decode is about four bytes
	// a pixel.
	MaxPixels int64
}

// DefaultLimits admit a 50-megapixel photo and refuse a file over 200 MB.
var DefaultLimits = Limits{MaxBytes: 200 << 20, MaxPixels: 50_000_000}

// DefaultSize is the longest side of a thumbnail, in pixels.
const DefaultSize = 320

// Errors of [Make]. Any other error is a file that could not be read or
// decoded.
var (
	ErrTooLarge = errors.New("thumb: image too large")
	ErrFormat   = errors.New("thumb: not an image of a supported format")
)

// Thumbnail is an encoded thumbnail.
type Thumbnail struct {
	Data          []byte
	ContentType   string // "image/jpeg" or "image/png"
	Width, Height int
	// Decoded is about the bytes the decoded image took, garbage now.
	Decoded int64
}

// exts are the file extensions of the formats Make decodes.
var exts = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".png": true, ".gif": true,
	".webp": true, ".bmp": true, ".tif": true, ".tiff": true,
}

// Supported reports whether a file named name is of a format Make
// decodes, by its extension (any case).
func Supported(name string) bool {
	return exts[strings.ToLower(path.Ext(name))]
}

// Make makes a thumbnail, at most size pixels on its longest side, of the
// image in r, a file of the given length. It never scales up. A ctx that
// ends stops the decode at its next read.
func Make(ctx context.Context, r io.ReaderAt, length int64, size int, lim Limits) (*Thumbnail, error) {
	if length > lim.MaxBytes {
		return nil, ErrTooLarge
	}
	cfg, format, err := image.DecodeConfig(io.NewSectionReader(r, 0, length))
	if err != nil {
		return nil, ErrFormat
	}
	if err := check(cfg, lim); err != nil {
		return nil, err
	}
	src, _, err := image.Decode(&ctxReader{ctx: ctx, r: io.NewSectionReader(r, 0, length)})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("thumb: decoding %s: %w", format, err)
	}
	if b := src.Bounds(); b.Empty() || !b.In(image.Rect(0, 0, cfg.Width, cfg.Height)) {
		// A GIF's first frame may be smaller than its canvas; a decoder
		// that returned more than its header declared would have escaped
		// the limit.
		return nil, fmt.Errorf("thumb: %s decoded to %v, past its %dx%d", format, b, cfg.Width, cfg.Height)
	}
	img := orient(scale(src, size), orientation(r, length, format))
	t, err := encode(img)
	if t != nil {
		t.Decoded = int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel)
	}
	return t, err
}

// check refuses an image whose declared size is past lim or empty.
func check(cfg image.Config, lim Limits) error {
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return ErrFormat
	}
	// Compared as a division, so no product of two huge sides overflows.
	perPixel := max(bytesPerPixel(cfg.ColorModel)/4, 1)
	if w > lim.MaxPixels/perPixel/h {
		return ErrTooLarge
	}
	return nil
}

// bytesPerPixel is about what a decoded pixel of model m takes.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.Gray16Model:
		return 2
	case color.GrayModel, color.AlphaModel:
		return 1
	}
	return 4
}

// ctxReader reads from r until ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// scale returns src fitted into a size×size box, never scaled up. It
// first averages blocks of k×k pixels, which is cheap and keeps the
// detail a thumbnail can show, to an image at least twice the final
// size, then scales that with Catmull-Rom, whose work and memory grow
// with its source.
func scale(src image.Image, size int) *image.RGBA {
	b := src.Bounds()
	w, h := fit(b.Dx(), b.Dy(), size)
	if k := min(b.Dx()/w, b.Dy()/h) / 2; k >= 2 {
		src = reduce(src, k)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	return dst
}

// fit is the size of a w×h image scaled down to fit a size×size box,
// each side at least 1.
func fit(w, h, size int) (int, int) {
	if w <= size && h <= size {
		return w, h
	}
	if w >= h {
		return size, max(1, (h*size+w/2)/w)
	}
	return max(1, (w*size+h/2)/h), size
}

// reduce averages each k×k block of src into one pixel. A partial block
// at the right or bottom edge is left out.
func reduce(src image.Image, k int) *image.RGBA {
	if ycc, ok := src.(*image.YCbCr); ok {
		return reduceYCbCr(ycc, k)
	}
	return reduceRows(src, k)
}

// reduceYCbCr is reduce for a JPEG's planes: it averages each plane over
// the block (the chroma planes at their own resolution) and converts
// only the averages to RGB, where reduceRows converts every pixel first:
// a 24-megapixel thumbnail takes a seventh less CPU time.
func reduceYCbCr(src *image.YCbCr, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		y0 := b.Min.Y + y*k
		for x := range w {
			x0 := b.Min.X + x*k
			lum := blockMean(src.Y, src.YStride, src.YOffset(x0, y0), k, k)
			c0, c1 := src.COffset(x0, y0), src.COffset(x0+k-1, y0+k-1)
			cw, ch := c1%src.CStride-c0%src.CStride+1, c1/src.CStride-c0/src.CStride+1
			cb := blockMean(src.Cb, src.CStride, c0, cw, ch)
			cr := blockMean(src.Cr, src.CStride, c0, cw, ch)
			r, g, bl := color.YCbCrToRGB(lum, cb, cr)
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = r, g, bl, 0xff
		}
	}
	return dst
}

// blockMean is the rounded mean of the w×h block of plane, whose rows are
// stride apart, that starts at off.
func blockMean(plane []uint8, stride, off, w, h int) uint8 {
	var sum int
	for range h {
		for _, v := range plane[off : off+w] {
			sum += int(v)
		}
		off += stride
	}
	n := w * h
	return uint8((sum + n/2) / n)
}

// reduceRows is reduce for any image, a row of src at a time (converted
// to RGBA by image/draw, which has fast paths for the decoders' image
// types).
func reduceRows(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	row := image.NewRGBA(image.Rect(0, 0, w*k, 1))
	sums := make([]uint32, 4*w)
	n := uint32(k * k)
	for y := range h {
		clear(sums)
		for dy := range k {
			draw.Draw(row, row.Rect, src, image.Pt(b.Min.X, b.Min.Y+y*k+dy), draw.Src)
			for x := range w {
				s := sums[4*x : 4*x+4 : 4*x+4]
				px := row.Pix[4*x*k : 4*(x+1)*k]
				for i := 0; i < len(px); i += 4 {
					s[0] += uint32(px[i])
					s[1] += uint32(px[i+1])
					s[2] += uint32(px[i+2])
					s[3] += uint32(px[i+3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for i, s := range sums {
			out[i] = uint8((s + n/2) / n)
		}
	}
	return dst
}

// orient turns img upright by the EXIF orientation o.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o <= orientNormal || o > orientRotate270 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := w, h
	if o >= orientTranspose {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			dx, dy := x, y
			switch o {
			case orientFlipH:
				dx = w - 1 - x
			case orientRotate180:
				dx, dy = w-1-x, h-1-y
			case orientFlipV:
				dy = h - 1 - y
			case orientTranspose:
				dx, dy = y, x
			case orientRotate90CW:
				dx, dy = h-1-y, x
			case orientTransverse:
				dx, dy = h-1-y, w-1-x
			case orientRotate270:
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], img.Pix[img.PixOffset(x, y):][:4])
		}
	}
	return dst
}

// jpegQuality is the quality thumbnails are encoded at: at 320 pixels
// the difference from higher settings does not show, and the file is
// about 15 KB.
const jpegQuality = 80

// encode encodes img as JPEG, or as PNG when it has a pixel that is not
// opaque.
func encode(img *image.RGBA) (*Thumbnail, error) {
	var buf bytes.Buffer
	t := &Thumbnail{Width: img.Rect.Dx(), Height: img.Rect.Dy()}
	if img.Opaque() {
		t.ContentType = "image/jpeg"
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return nil, err
		}
	} else {
		t.ContentType = "image/png"
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, err
		}
	}
	t.Data = buf.Bytes()
	return t, nil
}
