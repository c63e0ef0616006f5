package fileserve

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/simplehttp/simplehttp/internal/copybuf"
)

// A folder's URL with "?download=zip" or "?download=tar.gz" answers with
// an archive of the folder, streamed as the folder is read: the server
// holds a copy buffer, an output buffer and one batch of each open
// folder's names, never the archive, however large the folder.
//
// The archive holds what a browser could reach from the folder's listing,
// under a top folder of the folder's name:
//   - files and folders, with their modification times and permissions;
//   - a symbolic link to a file as that file, when the listing would serve
//     it (inside the root unless links are followed, not hidden); a link to
//     a folder is left out, so that no loop of links makes the archive
//     endless (download that folder on its own);
//   - nothing hidden: names beginning with "." unless dotfiles are served,
//     and links that lead to them;
//   - no FIFO, socket or device (never opened).
//
// A file that vanishes between the folder's read and its open is left out.
// One that cannot be read (permission denied) is left out, and a zip
// archive's comment says how many and which (an I/O error is also logged). A file that grows while it
// is read is archived at the size it had when opened; one that shrinks
// cuts the connection, so the client sees a broken download, never a
// complete-looking wrong archive.

// archiveFormat is one kind of archive a folder can be downloaded as.
type archiveFormat struct {
	ext         string // of the download's file name
	contentType string
	newWriter   func(io.Writer) archiveWriter
}

// archiveFormats are the formats, by the value of the download parameter.
var archiveFormats = map[string]archiveFormat{
	"zip":    {".zip", "application/zip", newZipWriter},
	"tar.gz": {".tar.gz", "application/gzip", newTarGzWriter},
}

// archiveWriter writes one archive. Names are slash-separated, relative to
// the archive's root.
type archiveWriter interface {
	// addDir adds the folder name.
	addDir(name string, info fs.FileInfo) error
	// addFile adds the file name, whose content is exactly info.Size()
	// bytes of r (errShrank if r ends sooner).
	addFile(name string, info fs.FileInfo, r io.Reader) error
	// close ends the archive; missing lists what was left out.
	close(missing *leftOut) error
}

// errShrank is a file that ended before its size.
var errShrank = errors.New("fileserve: file shrank while it was archived")

// archiveQuery returns the value of the request's download parameter, and
// whether it has one.
func archiveQuery(r *http.Request) (string, bool) {
	if !strings.Contains(r.URL.RawQuery, "download=") {
		return "", false // the common case, without parsing the query
	}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	return q.Get("download"), q.Has("download")
}

// serveArchive answers with an archive of the folder name in the format
// the download parameter names (400 for one it does not know).
func (h *Handler) serveArchive(w http.ResponseWriter, r *http.Request, name, format string) {
	af, ok := archiveFormats[format]
	if !ok {
		h.fail(w, r, statusError(http.StatusBadRequest))
		return
	}
	top, err := h.fsys.Open(name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	top.Close()
	base := h.archiveBase(name)
	hdr := w.Header()
	hdr.Set("Content-Type", af.contentType)
	hdr.Set("Content-Disposition", contentDisposition(base+af.ext))
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	// Send the headers now: the browser shows the download at once, even
	// when the first bytes of a big folder's archive take a while.
	_ = http.NewResponseController(w).Flush()
	out := bufio.NewWriterSize(w, archiveBufSize)
	aw := &archiveWalk{h: h, ctx: r.Context(), a: af.newWriter(out), missing: &leftOut{}}
	err = aw.walkDir(name, base)
	if err == nil {
		err = aw.a.close(aw.missing)
	}
	if err == nil {
		err = out.Flush()
	}
	switch {
	case err == nil:
	case r.Context().Err() != nil:
		// The client left: nothing to answer, nothing to log.
	default:
		h.log.Warn("fileserve: archive cut off", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler) // the client must see a broken download
	}
}

// archiveBufSize is the size of the writes of an archive to the
// connection: big enough that a large archive costs few system calls.
const archiveBufSize = 256 << 10

// archiveBase is the name of the archive's top folder and of the
// download: the folder's own name, or for the root the served
// directory's name ("files" when the kernel does not tell it).
func (h *Handler) archiveBase(name string) string {
	if name != "." {
		return path.Base(name)
	}
	if base := path.Base(h.rootDir); h.rootDir != "" && base != "/" {
		return base
	}
	return "files"
}

// contentDisposition is the header that saves the answer as filename.
// Control characters and invalid UTF-8 become "_"; names that are not
// ASCII are sent in RFC 5987's encoding, which every browser reads.
func contentDisposition(filename string) string {
	clean := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(filename, "_"))
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": clean}); v != "" {
		return v
	}
	return "attachment"
}

// archiveWalk adds a folder's tree to an archive.
type archiveWalk struct {
	h       *Handler
	ctx     context.Context
	a       archiveWriter
	missing *leftOut
}

// readDirBatch is how many names of a folder are read at a time: the
// archive of a folder of a million files holds no more of them at once.
const readDirBatch = 128

// walkDir adds the folder name (a folder of the served file system) and
// everything in it under the archive name arcName. It returns an error only
// when the archive itself fails: its writer, the client, a file that shrank.
func (aw *archiveWalk) walkDir(name, arcName string) error {
	d, err := aw.h.fsys.Open(name)
	if err != nil {
		aw.leaveOut(name, err)
		return nil
	}
	defer d.Close()
	info, err := d.Stat()
	rd, isDir := d.(fs.ReadDirFile)
	if err != nil || !isDir || !info.IsDir() {
		aw.leaveOut(name, cmpErr(err, fs.ErrInvalid))
		return nil
	}
	if err := aw.a.addDir(arcName, info); err != nil {
		return err
	}
	for {
		entries, err := rd.ReadDir(readDirBatch)
		for _, e := range entries {
			if cerr := aw.ctx.Err(); cerr != nil {
				return cerr
			}
			if werr := aw.entry(name, arcName, e); werr != nil {
				return werr
			}
		}
		if err != nil || len(entries) == 0 {
			if err != nil && !errors.Is(err, io.EOF) {
				aw.leaveOut(name, err)
			}
			return nil
		}
	}
}

// cmpErr is err, or alt when err is nil.
func cmpErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// entry adds one entry of the folder dir.
func (aw *archiveWalk) entry(dir, arcDir string, e fs.DirEntry) error {
	name := path.Join(dir, e.Name())
	arcName := arcDir + "/" + e.Name()
	if !aw.h.dotfiles && hiddenElem(e.Name(), dir == ".") {
		return nil
	}
	switch t := e.Type(); {
	case t.IsDir():
		return aw.walkDir(name, arcName)
	case t.IsRegular():
		return aw.file(name, arcName)
	case t&fs.ModeSymlink != 0:
		return aw.link(name, arcName)
	}
	aw.leaveOut(name, errSpecial)
	return nil
}

// errSpecial is a FIFO, socket or device: never opened.
var errSpecial = fmt.Errorf("not a regular file: %w", fs.ErrInvalid)

// errLinkToFolder is a symbolic link to a folder, left out of archives.
var errLinkToFolder = fmt.Errorf("a symbolic link to a folder: %w", fs.ErrInvalid)

// link adds the symbolic link name as the file it leads to, when reads
// would serve it.
func (aw *archiveWalk) link(name, arcName string) error {
	if aw.h.hidden(name) {
		return nil
	}
	info, err := fs.Stat(aw.h.fsys, name)
	switch {
	case err != nil:
		aw.leaveOut(name, err) // dangling, or out of the root
		return nil
	case info.IsDir():
		aw.leaveOut(name, errLinkToFolder)
		return nil
	case !info.Mode().IsRegular():
		aw.leaveOut(name, errSpecial)
		return nil
	}
	return aw.file(name, arcName)
}

// file adds the regular file name.
func (aw *archiveWalk) file(name, arcName string) error {
	f, info, err := aw.h.openFile(name)
	switch {
	case errors.Is(err, errHidden):
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return nil // gone since the folder was read
	case err != nil:
		aw.leaveOut(name, err)
		return nil
	}
	defer f.Close()
	return aw.a.addFile(arcName, info, f)
}

// leaveOut notes that name is not in the archive. Why is logged only when
// it is a fault of the server's (an I/O error, no descriptors left), as a
// GET logs only its 5xx: an unreadable file, a broken link, a link to a
// folder are what the folder holds, and the zip's comment names them.
func (aw *archiveWalk) leaveOut(name string, err error) {
	aw.missing.add(name)
	if statusFor(err) >= 500 {
		aw.h.log.Error("fileserve: left out of an archive", "name", name, "err", err)
	}
}

// leftOut counts the entries left out of an archive and keeps the first
// names.
type leftOut struct {
	count int
	names []string
}

// maxLeftOutNames bounds the names an archive's comment lists.
const maxLeftOutNames = 20

func (l *leftOut) add(name string) {
	l.count++
	if len(l.names) < maxLeftOutNames {
		l.names = append(l.names, name)
	}
}

// String is the note an archive carries about what it lacks, or "".
func (l *leftOut) String() string {
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

// copyExactly copies size bytes of r to w: errShrank when r ends sooner;
// bytes past size (a file that grew) are not read.
func copyExactly(w io.Writer, r io.Reader, size int64) error {
	buf := copybuf.Get()
	defer copybuf.Put(buf)
	n, err := io.CopyBuffer(w, io.LimitReader(r, size), buf[:])
	if err == nil && n < size {
		return errShrank
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

func newZipWriter(w io.Writer) archiveWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newPooledFlate)
	return &zipWriter{zw: zw}
}

func (z *zipWriter) addDir(name string, info fs.FileInfo) error {
	fh := &zip.FileHeader{Name: name + "/", Method: zip.Store, Modified: info.ModTime()}
	fh.SetMode(fs.ModeDir | archiveMode(info))
	_, err := z.zw.CreateHeader(fh)
	return err
}

func (z *zipWriter) addFile(name string, info fs.FileInfo, r io.Reader) error {
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

func (z *zipWriter) close(missing *leftOut) error {
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

func newTarGzWriter(w io.Writer) archiveWriter {
	gz, _ := gzip.NewWriterLevel(w, gzipLevel) // a valid level: no error
	return &tarGzWriter{gz: gz, tw: tar.NewWriter(gz)}
}

func (t *tarGzWriter) addDir(name string, info fs.FileInfo) error {
	return t.tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeDir, Name: name + "/", Mode: int64(archiveMode(info)), ModTime: info.ModTime().Truncate(time.Second),
	})
}

func (t *tarGzWriter) addFile(name string, info fs.FileInfo, r io.Reader) error {
	err := t.tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg, Name: name, Size: info.Size(), Mode: int64(archiveMode(info)),
		ModTime: info.ModTime().Truncate(time.Second),
	})
	if err != nil {
		return err
	}
	return copyExactly(t.tw, r, info.Size())
}

func (t *tarGzWriter) close(*leftOut) error {
	if err := t.tw.Close(); err != nil {
		return err
	}
	return t.gz.Close()
}
