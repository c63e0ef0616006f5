// Package archive writes the archives a folder is downloaded as, zip or
// tar.gz, one entry at a time as the folder is read, so that the writer
// holds a copy buffer and its compressor's state, never the archive.
//
// What goes in, and in which order, is the caller's to decide (package
// fileserve walks the folder with its rules on hidden names and links);
// this package only writes entries well: names as they are, permissions
// without set-user-ID and the like, no owners, modification times, and
// compressed files stored rather than deflated again.
package archive

import (
	"archive/tar"
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/simplehttp/simplehttp/internal/copybuf"
)

// Format is one kind of archive a folder can be downloaded as.
type Format struct {
	Ext         string // of the download's file name: ".zip"
	ContentType string
	NewWriter   func(io.Writer) Writer
}

// Formats are the formats, by the names a download asks for them by.
var Formats = map[string]Format{
	"zip":    {".zip", "application/zip", newZipWriter},
	"tar.gz": {".tar.gz", "application/gzip", newTarGzWriter},
}

// Writer writes one archive. Names are slash-separated, relative to the
// archive's root.
type Writer interface {
	// AddDir adds the folder name.
	AddDir(name string, info fs.FileInfo) error
	// AddFile adds the file name, whose content is exactly info.Size()
	// bytes of r (ErrShrank if r ends sooner; bytes past it, of a file
	// that grew, are not read).
	AddFile(name string, info fs.FileInfo, r io.Reader) error
	// Close ends the archive; missing lists what was left out of it (a
	// zip archive says so in its comment).
	Close(missing *LeftOut) error
}

// ErrShrank is a file that ended before its size.
var ErrShrank = errors.New("archive: file shrank while it was archived")

// LeftOut counts the entries left out of an archive and keeps the first
// names. The zero value is empty.
type LeftOut struct {
	count int
	names []string
}

// maxLeftOutNames bounds the names an archive's comment lists.
const maxLeftOutNames = 20

// Add notes that name was left out.
func (l *LeftOut) Add(name string) {
	l.count++
	if len(l.names) < maxLeftOutNames {
		l.names = append(l.names, name)
	}
}

// String is the note an archive carries about what it lacks, or "".
func (l *LeftOut) String() string {
	if l.count == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "simplehttp: %d entries could not be read or followed and are missing from this archive:", l.count)
	for _, n := range l.names {
		fmt.Fprintf(&b, "\n  %q", n)
	}
	if l.count > len(l.names) {
		fmt.Fprintf(&b, "\n  and %d more", l.count-len(l.names))
	}
	return b.String()
}

// copyExactly copies size bytes of r to w: ErrShrank when r ends sooner;
// bytes past size (a file that grew) are not read.
func copyExactly(w io.Writer, r io.Reader, size int64) error {
	buf := copybuf.Get()
	defer copybuf.Put(buf)
	n, err := io.CopyBuffer(w, io.LimitReader(r, size), buf[:])
	if err == nil && n < size {
		return ErrShrank
	}
	return err
}

// archiveMode is the permission bits archived for info: its own, without
// set-user-ID and the like.
func archiveMode(info fs.FileInfo) fs.FileMode { return info.Mode().Perm() }

// zipWriter writes a zip archive. Names are stored as they are; archive/zip
// sets the UTF-8 flag for names that are valid UTF-8 and not ASCII, and not
// for other bytes, which old tools read in their own code page.
type zipWriter struct{ zw *zip.Writer }

func newZipWriter(w io.Writer) Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newPooledFlate)
	return &zipWriter{zw: zw}
}

func (z *zipWriter) AddDir(name string, info fs.FileInfo) error {
	fh := &zip.FileHeader{Name: name + "/", Method: zip.Store, Modified: info.ModTime()}
	fh.SetMode(fs.ModeDir | archiveMode(info))
	_, err := z.zw.CreateHeader(fh)
	return err
}

func (z *zipWriter) AddFile(name string, info fs.FileInfo, r io.Reader) error {
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: info.ModTime()}
	if info.Size() == 0 || compressed(name) {
		fh.Method = zip.Store
	}
	fh.SetMode(archiveMode(info))
	w, err := z.zw.CreateHeader(fh)
	if err != nil {
		return err
	}
	return copyExactly(w, r, info.Size())
}

func (z *zipWriter) Close(missing *LeftOut) error {
	if note := missing.String(); note != "" {
		z.zw.SetComment(note) // at most 20 names: far below the limit of 65535 bytes
	}
	return z.zw.Close()
}

// zipLevel is the deflate level of zip entries, gzipLevel that of tar.gz
// archives: fast levels, since the archive is made while the client waits.
const (
	zipLevel  = flate.BestSpeed
	gzipLevel = gzip.BestSpeed
)

// flateWriters recycles the deflate writers of zip entries: each holds
// several hundred kilobytes, and a folder of small files would make one
// per file.
var flateWriters sync.Pool

// newPooledFlate is the zip compressor for Deflate: a pooled deflate writer
// that returns to the pool when closed.
func newPooledFlate(w io.Writer) (io.WriteCloser, error) {
	if fw, ok := flateWriters.Get().(*flate.Writer); ok {
		fw.Reset(w)
		return &pooledFlate{fw}, nil
	}
	fw, err := flate.NewWriter(w, zipLevel)
	if err != nil {
		return nil, err
	}
	return &pooledFlate{fw}, nil
}

type pooledFlate struct{ *flate.Writer }

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	flateWriters.Put(p.Writer)
	p.Writer = nil
	return err
}

// compressedExts are extensions of files that are compressed already:
// stored in a zip as they are, which costs no time and loses nothing.
var compressedExts = map[string]bool{
	".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".zst": true, ".br": true,
	".7z": true, ".rar": true, ".jar": true, ".apk": true, ".epub": true, ".docx": true, ".xlsx": true,
	".pptx": true, ".odt": true, ".ods": true, ".odp": true, ".jpg": true, ".jpeg": true, ".png": true,
	".gif": true, ".webp": true, ".avif": true, ".heic": true, ".mp3": true, ".ogg": true, ".oga": true,
	".opus": true, ".flac": true, ".m4a": true, ".aac": true, ".mp4": true, ".m4v": true, ".webm": true,
	".mkv": true, ".mov": true, ".avi": true, ".ogv": true, ".woff": true, ".woff2": true,
}

// compressed reports whether the file name is compressed already, by its
// extension.
func compressed(name string) bool {
	return compressedExts[strings.ToLower(path.Ext(name))]
}

// tarGzWriter writes a gzip-compressed tar archive. Owners are not
// archived (uid and gid 0, no names): they mean nothing on the client's
// machine and would tell it the server's accounts.
type tarGzWriter struct {
	gz *gzip.Writer
	tw *tar.Writer
}

func newTarGzWriter(w io.Writer) Writer {
	gz, _ := gzip.NewWriterLevel(w, gzipLevel) // a valid level: no error
	return &tarGzWriter{gz: gz, tw: tar.NewWriter(gz)}
}

func (t *tarGzWriter) AddDir(name string, info fs.FileInfo) error {
	return t.tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeDir, Name: name + "/", Mode: int64(archiveMode(info)), ModTime: info.ModTime().Truncate(time.Second),
	})
}

func (t *tarGzWriter) AddFile(name string, info fs.FileInfo, r io.Reader) error {
	err := t.tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg, Name: name, Size: info.Size(), Mode: int64(archiveMode(info)),
		ModTime: info.ModTime().Truncate(time.Second),
	})
	if err != nil {
		return err
	}
	return copyExactly(t.tw, r, info.Size())
}

func (t *tarGzWriter) Close(*LeftOut) error {
	if err := t.tw.Close(); err != nil {
		return err
	}
	return t.gz.Close()
}
