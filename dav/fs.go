package dav

import (
	"context"
	"encoding/xml"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"golang.org/x/net/webdav"

	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/exttype"
	"github.com/simplehttp/simplehttp/internal/hidden"
	"github.com/simplehttp/simplehttp/internal/rootlinks"
	"github.com/simplehttp/simplehttp/listing"
)

// fileSystem is the served folder as the webdav library sees it for the
// requests it answers (PROPFIND, PROPPATCH, MKCOL): every name goes
// through the os.Root, hidden names (and links to them) do not exist
// unless dotfiles are served, and no file's content is ever read, so a
// PROPFIND of a folder costs what its listing costs. Changes to files go
// through the Handler's own code, never through this.
type fileSystem struct {
	root     *os.Root
	links    rootlinks.FS
	dotfiles bool
	props    *propStore
	locks    *lockStore
}

var _ webdav.FileSystem = (*fileSystem)(nil)

// errNotHere refuses the changes this file system never makes.
var errNotHere = errors.New("dav: not through the library")

// rel turns the library's "/a/b" into a root-relative name ("a/b", or "."
// for the root), or an error for a hidden one.
func (f *fileSystem) rel(name string) (string, error) {
	n := strings.TrimPrefix(path.Clean("/"+name), "/")
	if n == "" {
		n = "."
	}
	if !f.dotfiles && hidden.In(f.links, n) {
		return "", fs.ErrNotExist
	}
	return n, nil
}

// Mkdir makes the folder name (MKCOL), whose name the Handler has checked.
func (f *fileSystem) Mkdir(ctx context.Context, name string, _ os.FileMode) error {
	n, err := f.rel(name)
	if err != nil {
		return fs.ErrPermission
	}
	return f.root.Mkdir(n, 0o755)
}

// OpenFile opens name to read its properties or list its entries. The
// library's PROPPATCH opens with O_RDWR to write properties, never
// content.
func (f *fileSystem) OpenFile(ctx context.Context, name string, _ int, _ os.FileMode) (webdav.File, error) {
	name = path.Clean("/" + name)
	info, err := f.Stat(ctx, name)
	if err != nil {
		return nil, err
	}
	return &file{fsys: f, ctx: ctx, name: name, info: info.(*fileInfo)}, nil
}

// Stat describes name, following links that stay in the root.
func (f *fileSystem) Stat(ctx context.Context, name string) (os.FileInfo, error) {
	n, err := f.rel(name)
	if err != nil {
		return nil, err
	}
	info, err := f.root.Stat(n)
	if err != nil {
		return nil, err
	}
	return infoOf(info), nil
}

// RemoveAll and Rename are the Handler's (DELETE, MOVE, COPY).
func (f *fileSystem) RemoveAll(context.Context, string) error      { return errNotHere }
func (f *fileSystem) Rename(context.Context, string, string) error { return errNotHere }

// file is a resource the library asks about. It never holds a descriptor
// of its own: its entries are read as a listing is, its content never.
type file struct {
	fsys *fileSystem
	ctx  context.Context
	name string // "/a/b"
	info *fileInfo
}

var _ webdav.DeadPropsHolder = (*file)(nil)

func (f *file) Close() error                   { return nil }
func (f *file) Stat() (fs.FileInfo, error)     { return f.info, nil }
func (f *file) Read([]byte) (int, error)       { return 0, errNotHere }
func (f *file) Write([]byte) (int, error)      { return 0, errNotHere }
func (f *file) Seek(int64, int) (int64, error) { return 0, errNotHere }

// Readdir lists a folder's entries as its JSON listing does, hidden names
// and links out of the root left out.
func (f *file) Readdir(int) ([]fs.FileInfo, error) {
	n, err := f.fsys.rel(f.name)
	if err != nil {
		return nil, err
	}
	opt := listing.Options{Query: listing.Query{Limit: listing.MaxLimit}}
	if !f.fsys.dotfiles {
		// The folder itself is not hidden (rel said so): an entry is, by
		// its name, or for a link by where it leads.
		opt.Hide = func(entry string) bool { return hiddenEntry(n, entry) }
		opt.HideLink = func(entry string) bool { return hidden.In(f.fsys.links, path.Join(n, entry)) }
	}
	l, err := listing.Read(f.ctx, f.fsys.links, n, f.name, opt)
	if err != nil {
		return nil, err
	}
	infos := make([]fs.FileInfo, 0, len(l.Entries))
	for _, e := range l.Entries {
		if e.Broken {
			continue
		}
		infos = append(infos, &fileInfo{name: e.Name, size: e.Size, modTime: e.ModTime, dir: e.IsDir, contentType: e.Type})
	}
	return infos, nil
}

// DeadProps returns the properties clients set, and the locks on the
// resource as DAV:lockdiscovery (a live property the library leaves to
// the lock system, which it cannot list).
func (f *file) DeadProps() (map[xml.Name]webdav.Property, error) {
	props := map[xml.Name]webdav.Property{}
	n, err := f.fsys.rel(f.name)
	if err != nil {
		return nil, err
	}
	stored, err := f.fsys.props.get(n)
	if err != nil {
		return nil, err
	}
	for k, v := range stored {
		props[k] = v
	}
	props[lockDiscoveryName] = webdav.Property{
		XMLName:  lockDiscoveryName,
		InnerXML: []byte(activeLocks(f.fsys.locks.covering(f.name), f.fsys.locks.now())),
	}
	return props, nil
}

// Patch sets and removes properties (PROPPATCH), all or none. The library
// has refused live properties before.
func (f *file) Patch(patches []webdav.Proppatch) ([]webdav.Propstat, error) {
	n, err := f.fsys.rel(f.name)
	if err != nil {
		return nil, err
	}
	return f.fsys.props.patch(n, patches)
}

// fileInfo describes a resource without reading it: its type comes from
// its extension, its ETag from its size and time, as a GET's do.
type fileInfo struct {
	name        string
	size        int64
	modTime     time.Time
	dir         bool
	contentType string // from the extension; "" when it names none
}

var (
	_ webdav.ContentTyper = (*fileInfo)(nil)
	_ webdav.ETager       = (*fileInfo)(nil)
)

// infoOf is the fileInfo of what os.Stat tells.
func infoOf(info fs.FileInfo) *fileInfo {
	fi := &fileInfo{name: info.Name(), size: info.Size(), modTime: info.ModTime(), dir: info.IsDir()}
	if !fi.dir {
		fi.contentType, _ = exttype.Lookup(path.Ext(fi.name))
	}
	return fi
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) ModTime() time.Time { return fi.modTime }
func (fi *fileInfo) IsDir() bool        { return fi.dir }
func (fi *fileInfo) Sys() any           { return nil }

func (fi *fileInfo) Mode() fs.FileMode {
	if fi.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}

// ContentType is the Content-Type a GET would send, as far as the
// extension tells; a file whose extension names no type (which a GET
// sniffs) is application/octet-stream here, never read to find out.
func (fi *fileInfo) ContentType(context.Context) (string, error) {
	if fi.contentType == "" {
		return "application/octet-stream", nil
	}
	return fi.contentType, nil
}

// ETag is the ETag a GET of the file sends.
func (fi *fileInfo) ETag(context.Context) (string, error) {
	return etag.Of(fi.modTime, fi.size), nil
}

// hiddenEntry reports whether the dotfile rule hides the name entry in
// the folder dir by its text alone: it begins with "." and is not the
// top-level ".well-known" (hidden.In's rule, for one element).
func hiddenEntry(dir, entry string) bool {
	return strings.HasPrefix(entry, ".") && !(dir == "." && entry == ".well-known")
}
