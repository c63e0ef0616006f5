// Package listing reads a directory into a model (a [Listing] of [Entry]
// values), filters, sorts and pages it as a [Query] asks, and renders it as
// HTML, JSON or plain text. It knows nothing of HTTP: package fileserve
// decides when a listing is wanted and which format to send.
//
// All three formats render the same Listing, so they always agree on which
// entries a page holds and in which order. templates/listing.html sees an
// htmlPage: the Listing's fields (.Path, .Total, .Query, .Readme, …) plus
// .Crumbs, .Columns, .Prev, .Next and .AssetPrefix; the table's rows are
// written by Go code (html.go), escaped by hand and tested with hostile
// names, because 10,000 template calls per page would be most of the cost.
package listing

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/simplehttp/simplehttp/internal/etag"
)

// Entry is one row of a listing.
type Entry struct {
	// Name is the entry's file name, exactly as on disk.
	Name string
	// URL is the link to the entry relative to the listing's page,
	// percent-encoded, with a trailing "/" for directories.
	URL string
	// Size is the size in bytes of a file (or a symlink's target file);
	// 0 for a directory.
	Size int64
	// ModTime is the modification time of the entry (or its target); zero
	// when it could not be read (a dangling symlink).
	ModTime time.Time
	// Type is the MIME type named by the extension ("" for a directory or
	// an unknown extension); a listing never reads a file's content.
	Type string
	// IsDir reports whether the entry is a directory (or a symlink to one).
	IsDir bool
	// IsSymlink reports whether the entry itself is a symbolic link.
	IsSymlink bool
	// Broken reports whether the entry is a symbolic link that cannot be
	// followed: dangling, or leading out of a confined file system. Its
	// size and time are unknown.
	Broken bool
	// Category is the kind of file the icon shows.
	Category Category

	// The small fields above and below share one word.
	typed  bool // IsDir, IsSymlink, Type and Category are known
	stated bool // Size and ModTime are known
	gone   bool // it vanished between the read and its stat

	lower string      // strings.ToLower(Name), the sort and filter key
	ext   string      // lower-case extension, with its dot
	d     fs.DirEntry // for the lazy stat; nil when read as a bare name
}

// Kind is "dir", "symlink" or "file".
func (e *Entry) Kind() string {
	switch {
	case e.IsSymlink:
		return "symlink"
	case e.IsDir:
		return "dir"
	}
	return "file"
}

// Listing is one page of one directory's listing.
type Listing struct {
	// Path is the directory's URL path, unescaped, ending in "/".
	Path string
	// Entries are the page's entries, filtered, sorted and paged as Query
	// asked.
	Entries []*Entry
	// Total is the number of entries that passed the filter, on all pages.
	Total int
	// Query is the request the listing answers.
	Query Query
	// ModTime is the newest modification time of the directory, the
	// page's entries and the README: the listing's Last-Modified. It is
	// zero when one of them is not a meaningful time (at or before
	// 1970-01-01 00:00:01, as in the Nix store), which could change
	// without moving the newest.
	ModTime time.Time
	// Readme is the folder's README, on the first page of an HTML
	// listing, or nil.
	Readme *Readme
}

// Readme is the text of a folder's README file, shown below its listing.
type Readme struct {
	// Name is the README's file name.
	Name string
	// Text is its content, valid UTF-8, at most maxReadme bytes.
	Text string
	// Truncated reports whether the file was longer than Text.
	Truncated bool
}

// maxReadme caps the README shown below a listing, in bytes.
const maxReadme = 64 << 10

// readmeNames are the README files a listing shows, best first.
var readmeNames = []string{"readme.md", "readme.markdown", "readme.txt", "readme"}

// Options controls what Read keeps and how it orders it.
type Options struct {
	// Hide, when set, reports whether an entry with this name is left out.
	// It sees every name, so it should look at the name alone.
	Hide func(name string) bool
	// HideLink, when set, reports whether a symbolic link with this name
	// is left out (say, because it leads to a hidden name). It is called
	// only for links. A huge folder's links past the first page's worth of
	// entries are known as links only once stat'ed, on their page: there
	// a hidden link is dropped from the page but still counted in Total.
	HideLink func(name string) bool
	// Query filters, sorts and pages the entries.
	Query Query
	// Readme asks for the folder's README (on the first page only).
	Readme bool
	// Names, when set, keeps the names of folders read, for the next
	// listing of the same folder while it is unchanged.
	Names *NameCache
}

// Read lists the directory dir of fsys (a name valid for [fs.ValidPath]),
// whose URL path is urlPath, as opt.Query asks. Symbolic links are followed
// to tell whether they lead to a directory; a link that cannot be followed
// (dangling, or pointing outside an [os.Root]) is listed as a link to
// nothing, size 0. Only the page's entries are stat'ed, unless the order
// needs every entry's size or time. Read stops early with ctx's error when
// ctx is done. A local folder of more than a thousand entries waits its
// turn: the process builds as many such listings at once as Go has
// cores (GOMAXPROCS), however many clients ask.
func Read(ctx context.Context, fsys fs.FS, dir, urlPath string, opt Options) (*Listing, error) {
	f, err := fsys.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r := reader{ctx: ctx, fsys: fsys, dir: dir, opt: opt, fd: dirFD(f), dirInfo: info}
	r.local = r.fd != nil && onLocalFS(r.fd)
	dirents, names, err := r.readDir(f)
	if err != nil {
		return nil, err
	}
	if r.local && len(dirents)+len(names) > bigFolder {
		if err := bigBuilds.take(ctx); err != nil {
			return nil, err
		}
		defer bigBuilds.release()
	}
	all, readme, err := r.entries(dirents, names)
	if err != nil {
		return nil, err
	}
	if err := r.sort(all); err != nil {
		return nil, err
	}
	l := &Listing{Path: urlPath, Total: len(all), Query: opt.Query}
	var newest lastModified
	newest.add(info.ModTime())
	if l.Entries, err = r.page(all, &newest); err != nil {
		return nil, err
	}
	if opt.Readme && opt.Query.Offset == 0 && readme != "" {
		l.Readme = r.readme(readme, &newest)
	}
	l.ModTime = newest.time()
	return l, nil
}

// reader holds what building one listing needs.
type reader struct {
	ctx  context.Context
	fsys fs.FS
	dir  string
	opt  Options
	// fd is the open directory's descriptor, when it has one and the
	// system can stat by it (Linux): then entries are read as bare names
	// and stat'ed by [reader.lstatAt], with no per-entry FileInfo.
	fd syscall.RawConn
	// local reports whether the directory is on a local file system
	// (see [onLocalFS]).
	local bool
	// dirInfo is the directory's own FileInfo.
	dirInfo fs.FileInfo
	// memo is the last extension classified.
	memo extMemo
}

// namesReader is a directory that can list names without their types,
// which needs no stat: an [os.File].
type namesReader interface {
	Readdirnames(n int) ([]string, error)
}

// readDir reads the open directory f, in directory order. With a
// descriptor to stat by, it reads bare names only. Else it reads entries
// (with their types, which an [os.Root] learns by a stat of each) as many
// as a page holds, and the rest, when the order needs no stats and f can,
// as bare names. So a huge folder's first page in name order costs a page
// of stats, not one per entry.
func (r *reader) readDir(f fs.File) ([]fs.DirEntry, []string, error) {
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil, nil, &fs.PathError{Op: "readdir", Path: r.dir, Err: errors.ErrUnsupported}
	}
	q := r.opt.Query
	nr, ok := f.(namesReader)
	if ok && r.fd != nil {
		names, err := r.readNames(nr)
		return nil, names, err
	}
	if !ok || q.needsAllStats() {
		dirents, err := d.ReadDir(-1)
		return dirents, nil, err
	}
	n := q.PageSize()
	dirents, err := d.ReadDir(n)
	if err == io.EOF || (err == nil && len(dirents) < n) {
		return dirents, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	names, err := nr.Readdirnames(-1)
	return dirents, names, err
}

// readNames reads every name in the directory d, or takes them from
// r.opt.Names when they were read there while d was as it is now. The
// names must not be changed: the cache may share them.
func (r *reader) readNames(d namesReader) ([]string, error) {
	cache := r.opt.Names
	if cache == nil || !r.local {
		return d.Readdirnames(-1)
	}
	id, stamp, ok := stampOf(r.dirInfo)
	if !ok { // not a folder of the operating system's
		return d.Readdirnames(-1)
	}
	if names, hit := cache.get(id, stamp); hit {
		return names, nil
	}
	readAt := cache.now()
	names, err := d.Readdirnames(-1)
	if err == nil {
		cache.put(id, stamp, readAt, names)
	}
	return names, err
}

// entries builds an Entry for every shown entry that passes the filter:
// typed ones from dirents, untyped ones (stat'ed when paged) from names.
// It also returns the name of the folder's README, if it has one.
func (r *reader) entries(dirents []fs.DirEntry, names []string) ([]*Entry, string, error) {
	filter := strings.ToLower(r.opt.Query.Filter)
	n := len(dirents) + len(names)
	store := make([]Entry, 0, n)
	all := make([]*Entry, 0, n)
	readme, rank := "", len(readmeNames)
	// When every entry will be stat'ed anyway, stat each now, in read
	// order, while its DirEntry is at hand: in sorted order the same
	// stats land all over memory (a tenth of a 10,000-entry listing).
	// With a descriptor, the stats are made in one batch after the loop.
	q := r.opt.Query
	statNow := r.fd == nil && (q.Sort == SortSize || q.Sort == SortTime || (names == nil && q.Offset == 0 && len(dirents) <= q.PageSize()))
	for i := range n {
		if i%256 == 0 && r.ctx.Err() != nil {
			return nil, "", r.ctx.Err()
		}
		var d fs.DirEntry
		var name string
		if i < len(dirents) {
			d = dirents[i]
			name = d.Name()
		} else {
			name = names[i-len(dirents)]
		}
		if r.opt.Hide != nil && r.opt.Hide(name) {
			continue
		}
		lower := strings.ToLower(name)
		if k := readmeRank(lower); k < rank {
			readme, rank = name, k
		}
		if filter != "" && !strings.Contains(lower, filter) {
			continue
		}
		store = append(store, Entry{Name: name, lower: lower, d: d})
		e := &store[len(store)-1]
		if d != nil && !r.typeFrom(e, d) {
			store = store[:len(store)-1]
			continue
		}
		if statNow {
			r.stat(e)
		}
		all = append(all, e)
	}
	// The batch: every entry when the order needs them all (folders
	// first and type too, as bare names have no kind) or when the whole
	// folder is one page; else only the page's, once sorted.
	if r.fd != nil && (q.needsAllStats() || q.Offset == 0 && len(all) <= q.PageSize()) {
		if err := r.lstatAt(all); err != nil {
			return nil, "", err
		}
		all = r.drop(all)
	}
	return all, readme, nil
}

// drop removes from es, in place, the entries that vanished before their
// stat and the links HideLink hides.
func (r *reader) drop(es []*Entry) []*Entry {
	kept := es[:0]
	for _, e := range es {
		if !e.gone && !(e.IsSymlink && r.hiddenLink(e.Name)) {
			kept = append(kept, e)
		}
	}
	return kept
}

// typeFrom sets e's kind from its directory entry. It reports false for
// a link that HideLink hides.
func (r *reader) typeFrom(e *Entry, d fs.DirEntry) bool {
	e.typed = true
	e.IsDir = d.IsDir()
	e.IsSymlink = d.Type()&fs.ModeSymlink != 0
	if e.IsSymlink {
		if r.hiddenLink(e.Name) {
			return false
		}
		r.stat(e) // a link's kind is its target's: the sort needs it
	}
	e.classify(&r.memo)
	return true
}

// hiddenLink reports whether HideLink hides the link name.
func (r *reader) hiddenLink(name string) bool {
	return r.opt.HideLink != nil && r.opt.HideLink(name)
}

// readmeRank is the place of lower in readmeNames, or len(readmeNames).
func readmeRank(lower string) int {
	for i, n := range readmeNames {
		if lower == n {
			return i
		}
	}
	return len(readmeNames)
}

// stat fills in e's size and time (and, for a symlink, its target's
// kind; for an untyped entry, its kind and category).
func (r *reader) stat(e *Entry) {
	if e.stated {
		return
	}
	e.stated = true
	info, err := r.info(e)
	if err == nil {
		setInfo(e, info)
	} else if e.IsSymlink {
		e.Broken = true
	}
	if !e.typed {
		e.typed = true
		e.classify(&r.memo)
	}
}

// setInfo sets e's kind, time and size from info.
func setInfo(e *Entry, info fs.FileInfo) {
	e.IsDir = info.IsDir()
	e.ModTime = info.ModTime()
	if !e.IsDir {
		e.Size = info.Size()
	}
}

// follow sets the kind, time and size of the symbolic link e from its
// target's, or marks it broken when the target cannot be reached.
func (r *reader) follow(e *Entry) {
	if info, err := fs.Stat(r.fsys, path.Join(r.dir, e.Name)); err == nil {
		setInfo(e, info)
	} else {
		e.Broken = true
	}
}

// info is the FileInfo of e, of its target for a symbolic link.
func (r *reader) info(e *Entry) (fs.FileInfo, error) {
	if !e.typed {
		li, err := lstat(r.fsys, path.Join(r.dir, e.Name))
		if err != nil {
			return nil, err
		}
		if e.IsSymlink = li.Mode()&fs.ModeSymlink != 0; !e.IsSymlink {
			return li, nil
		}
	}
	if e.IsSymlink {
		return fs.Stat(r.fsys, path.Join(r.dir, e.Name))
	}
	return e.d.Info()
}

// lstat is [fs.Lstat] where fsys has it, else [fs.Stat].
func lstat(fsys fs.FS, name string) (fs.FileInfo, error) {
	if _, ok := fsys.(fs.ReadLinkFS); ok {
		return fs.Lstat(fsys, name)
	}
	return fs.Stat(fsys, name)
}

// statAll stats every entry, stopping when the request is gone.
func (r *reader) statAll(all []*Entry) error {
	if r.fd != nil {
		return r.lstatAt(all)
	}
	for i, e := range all {
		if i%256 == 0 && r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		r.stat(e)
	}
	return nil
}

// page cuts the requested page out of the sorted entries, stats its
// entries, sets their links and adds their times to newest. The links
// share one string: a page of thousands costs one allocation, not one
// each.
func (r *reader) page(all []*Entry, newest *lastModified) ([]*Entry, error) {
	q := r.opt.Query
	start := min(q.Offset, len(all))
	end := start + min(q.PageSize(), len(all)-start)
	page := all[start:end:end]
	if r.fd != nil {
		if err := r.lstatAt(page); err != nil {
			return nil, err
		}
		page = r.drop(page)
	}
	kept := page[:0]
	var urls strings.Builder
	urls.Grow(len(page) * 32)
	for _, e := range page {
		wasTyped := e.typed
		r.stat(e)
		if !wasTyped && e.IsSymlink && r.hiddenLink(e.Name) {
			continue
		}
		// Bytes written to a Builder never change, so earlier links
		// stay valid when it grows.
		start := urls.Len()
		writeURL(&urls, e.Name, e.IsDir)
		e.URL = urls.String()[start:]
		newest.add(e.ModTime)
		kept = append(kept, e)
	}
	return kept, nil
}

// readme reads the README file name, capped at maxReadme bytes, and adds
// its time to newest. A README that is not a regular file or cannot be
// read is left out.
func (r *reader) readme(name string, newest *lastModified) *Readme {
	p := path.Join(r.dir, name)
	if li, err := lstat(r.fsys, p); err != nil || (li.Mode()&fs.ModeSymlink != 0 && r.hiddenLink(name)) {
		return nil
	}
	info, err := fs.Stat(r.fsys, p)
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	f, err := r.fsys.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxReadme+1))
	if err != nil {
		return nil
	}
	newest.add(info.ModTime())
	rm := &Readme{Name: name, Truncated: len(b) > maxReadme}
	if rm.Truncated {
		b = b[:maxReadme]
	}
	rm.Text = strings.ToValidUTF8(string(b), "\uFFFD")
	return rm
}

// lastModified is the newest of the times a listing shows, or none at all
// once one of them is not meaningful (etag.Meaningful: at or before
// 1970-01-01 00:00:01, as in the Nix store): an entry with such a time
// can change without moving the newest one. An unknown (zero) time, as a
// broken link's, is passed over.
type lastModified struct {
	newest time.Time
	void   bool
}

// add takes t into account.
func (m *lastModified) add(t time.Time) {
	switch {
	case t.IsZero():
	case !etag.Meaningful(t):
		m.void = true
	case t.After(m.newest):
		m.newest = t
	}
}

// time is the listing's Last-Modified: the newest time, or the zero time.
func (m *lastModified) time() time.Time {
	if m.void {
		return time.Time{}
	}
	return m.newest
}

// entryURL is the relative, percent-encoded link to name. The "./" prefix
// keeps a name such as "foo:bar" from reading as a URL scheme.
func entryURL(name string, isDir bool) string {
	var b strings.Builder
	writeURL(&b, name, isDir)
	return b.String()
}

// writeURL writes entryURL(name, isDir) to b.
func writeURL(b *strings.Builder, name string, isDir bool) {
	if allIn(name, &unreservedBytes) {
		b.WriteString("./") // what EscapedPath gives, sooner
		b.WriteString(name)
	} else {
		b.WriteString((&url.URL{Path: "./" + name}).EscapedPath())
	}
	if isDir {
		b.WriteByte('/')
	}
}

// unreservedBytes are RFC 3986's unreserved characters, the ones a URL
// path never escapes: ASCII letters, digits and "-._~".
var unreservedBytes = byteSet(func(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
})
