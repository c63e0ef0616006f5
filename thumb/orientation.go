package thumb

import (
	"bytes"
	"encoding/binary"
	"io"
)

// This file reads the one EXIF tag a thumbnail needs, Orientation
// (0x0112), without a library. The Go EXIF readers are large for one tag
// (dsoprea/go-exif brings a logging and a YAML library and reads every
// IFD) or unmaintained (rwcarlsen/goexif, last changed in 2019), and
// this is sixty lines over bounded reads. FuzzOrientation runs it on
// arbitrary bytes.

// Orientation values (EXIF 2.32, tag 0x0112): how the stored pixels must
// be turned to be seen upright.
const (
	orientNormal     = 1 // as stored
	orientFlipH      = 2 // mirrored left to right
	orientRotate180  = 3
	orientFlipV      = 4 // mirrored top to bottom
	orientTranspose  = 5 // mirrored along the top-left to bottom-right diagonal
	orientRotate90CW = 6 // turned a quarter clockwise to be upright
	orientTransverse = 7 // mirrored along the other diagonal
	orientRotate270  = 8 // turned a quarter counter-clockwise to be upright
)

// Bounds on the reads of a file's metadata, so a hostile file costs little.
const (
	maxMetaChunks = 64       // chunks or segments walked before giving up
	maxExifBytes  = 64 << 10 // an EXIF block larger than a JPEG segment is ignored
	maxIFDEntries = 512
)

// orientation is the EXIF orientation of the image in r (size bytes) of
// format ("jpeg", "png", "webp", "tiff"): orientNormal when it has none,
// or when its metadata cannot be read.
func orientation(r io.ReaderAt, size int64, format string) int {
	var exif io.ReaderAt
	switch format {
	case "tiff":
		exif = r
	case "jpeg":
		exif = jpegExif(r)
	case "png":
		exif = chunkExif(r, size, 8, binary.BigEndian, "eXIf", "IDAT")
	case "webp":
		exif = chunkExif(r, size, 12, binary.LittleEndian, "EXIF", "")
	}
	if exif == nil {
		return orientNormal
	}
	return tiffOrientation(exif)
}

// jpegExif returns the TIFF structure of a JPEG's APP1 "Exif" segment,
// which comes before the image data (SOS), or nil.
func jpegExif(r io.ReaderAt) io.ReaderAt {
	var hdr [4]byte
	off := int64(2) // after SOI
	for range maxMetaChunks {
		if _, err := r.ReadAt(hdr[:], off); err != nil || hdr[0] != 0xff {
			return nil
		}
		marker, n := hdr[1], int64(binary.BigEndian.Uint16(hdr[2:]))
		if marker == 0xda || marker == 0xd9 || n < 2 { // image data, end, or nonsense
			return nil
		}
		if marker == 0xe1 && n > 8 {
			seg := io.NewSectionReader(r, off+4, n-2)
			var id [6]byte
			if _, err := seg.ReadAt(id[:], 0); err == nil && string(id[:]) == "Exif\x00\x00" {
				return io.NewSectionReader(seg, 6, n-8)
			}
		}
		off += 2 + n
	}
	return nil
}

// chunkExif walks the chunks of a PNG or WebP file (a 4-byte length and a
// 4-byte type in PNG, type then length in WebP's RIFF, in order) from
// off, and returns the data of the chunk named exif, or nil once stop or
// the end is reached. WebP writers put a "Exif\0\0" header before the
// TIFF structure or leave it out; both are read.
func chunkExif(r io.ReaderAt, size, off int64, order binary.ByteOrder, exif, stop string) io.ReaderAt {
	png := order == binary.BigEndian
	var hdr [8]byte
	for range maxMetaChunks {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return nil
		}
		name, n := string(hdr[4:]), int64(order.Uint32(hdr[:4]))
		if !png {
			name, n = string(hdr[:4]), int64(order.Uint32(hdr[4:]))
		}
		switch {
		case name == stop:
			return nil
		case name == exif && n <= maxExifBytes:
			data := make([]byte, n)
			if _, err := r.ReadAt(data, off+8); err != nil {
				return nil
			}
			return bytes.NewReader(bytes.TrimPrefix(data, []byte("Exif\x00\x00")))
		}
		off += 8 + n
		if png {
			off += 4 // the CRC
		} else {
			off += n % 2 // RIFF pads chunks to an even length
		}
		if off >= size {
			return nil
		}
	}
	return nil
}

// tiffOrientation reads the Orientation tag of the first IFD of the TIFF
// structure in r: orientNormal when it is missing or out of range.
func tiffOrientation(r io.ReaderAt) int {
	var hdr [8]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return orientNormal
	}
	var order binary.ByteOrder
	switch string(hdr[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return orientNormal
	}
	ifd := int64(order.Uint32(hdr[4:]))
	var count [2]byte
	if _, err := r.ReadAt(count[:], ifd); err != nil {
		return orientNormal
	}
	var entry [12]byte
	for i := range min(int64(order.Uint16(count[:])), maxIFDEntries) {
		if _, err := r.ReadAt(entry[:], ifd+2+12*i); err != nil {
			return orientNormal
		}
		// tag 0x0112, type SHORT (3), count 1: the value is in place.
		if order.Uint16(entry[:]) != 0x0112 {
			continue
		}
		if order.Uint16(entry[2:]) != 3 || order.Uint32(entry[4:]) != 1 {
			return orientNormal
		}
		if v := int(order.Uint16(entry[8:])); v >= orientNormal && v <= orientRotate270 {
			return v
		}
		return orientNormal
	}
	return orientNormal
}
