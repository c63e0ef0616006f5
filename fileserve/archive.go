package fileserve

import (
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
	"unicode"
	"unicode/utf8"

	"github.com/simplehttp/simplehttp/internal/archive"
	"github.com/simplehttp/simplehttp/internal/hidden"
	"github.com/simplehttp/simplehttp/internal/page"
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
	af, ok := archive.Formats[format]
	if !ok {
		h.fail(w, r, page.StatusError(http.StatusBadRequest))
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
	hdr.Set("Content-Type", af.ContentType)
	hdr.Set("Content-Disposition", contentDisposition(base+af.Ext))
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	// Send the headers now: the browser shows the download at once, even
	// when the first bytes of a big folder's archive take a while.
	_ = http.NewResponseController(w).Flush()
	out := bufio.NewWriterSize(w, archiveBufSize)
	aw := &archiveWalk{h: h, ctx: r.Context(), a: af.NewWriter(out), missing: &archive.LeftOut{}}
	err = aw.walkDir(name, base)
	if err == nil {
		err = aw.a.Close(aw.missing)
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
	a       archive.Writer
	missing *archive.LeftOut
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
	if err := aw.a.AddDir(arcName, info); err != nil {
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
	if !aw.h.dotfiles && hidden.Elem(e.Name(), dir == ".") {
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
	return aw.a.AddFile(arcName, info, f)
}

// leaveOut notes that name is not in the archive. Why is logged only when
// it is a fault of the server's (an I/O error, no descriptors left), as a
// GET logs only its 5xx: an unreadable file, a broken link, a link to a
// folder are what the folder holds, and the zip's comment names them.
func (aw *archiveWalk) leaveOut(name string, err error) {
	aw.missing.Add(name)
	if page.Status(err) >= 500 {
		aw.h.log.Error("fileserve: left out of an archive", "name", name, "err", err)
	}
}
