// Package listing reads a directory into a model (a [Listing] of [Entry]
// values), sorts it and renders it. It knows nothing of HTTP: package
// fileserve decides when a listing is wanted and which format to send.
//
// The model is the template's data contract. templates/listing.html sees a
// [Listing]: .Path (the directory's URL path, unescaped, ending in "/"),
// .Entries, and .Parent (whether to show a link to the parent). Each
// [Entry] has .Name, .URL (relative and already percent-encoded), .IsDir,
// .IsSymlink, .Size, .ModTime and the display methods .DisplayName and
// .HumanSize.
package listing

import (
	"context"
	"io/fs"
	"net/url"
	"path"
	"time"

	"github.com/dustin/go-humanize"
)

// Entry is one row of a listing.
type Entry struct {
	// Name is the entry's file name, exactly as on disk.
	Name string `json:"name"`
	// URL is the link to the entry relative to the listing's page,
	// percent-encoded, with a trailing "/" for directories.
	URL string `json:"url"`
	// IsDir reports whether the entry is a directory (or a symlink to one).
	IsDir bool `json:"is_dir"`
	// IsSymlink reports whether the entry itself is a symbolic link.
	IsSymlink bool `json:"is_symlink"`
	// Size is the size in bytes of a file (or a symlink's target file).
	Size int64 `json:"size"`
	// ModTime is the modification time of the entry (or its target).
	ModTime time.Time `json:"mod_time"`
}

// DisplayName is the name as Python's http.server shows it: directories
// end in "/" and symbolic links in "@".
func (e Entry) DisplayName() string {
	switch {
	case e.IsDir:
		return e.Name + "/"
	case e.IsSymlink:
		return e.Name + "@"
	}
	return e.Name
}

// HumanSize is the size in binary units ("1.5 KiB"), or "—" for a directory.
func (e Entry) HumanSize() string {
	if e.IsDir {
		return "—"
	}
	return humanize.IBytes(uint64(max(e.Size, 0)))
}

// Listing is one directory's listing.
type Listing struct {
	// Path is the directory's URL path, unescaped, ending in "/".
	Path string
	// Entries are the directory's entries, in the order set by Sort.
	Entries []Entry
}

// Parent reports whether the page should link to its parent directory,
// which it does everywhere but at the root.
func (l *Listing) Parent() bool { return l.Path != "/" }

// Options controls which entries Read keeps.
type Options struct {
	// Hide, when set, reports whether an entry with this name is left out.
	Hide func(name string) bool
}

// Read lists the directory dir of fsys (a name valid for [fs.ValidPath]),
// whose URL path is urlPath. Symbolic links are followed to tell whether
// they lead to a directory; a link that cannot be followed (dangling, or
// pointing outside an [os.Root]) is listed as a link to nothing, size 0.
// Read stops early with ctx's error when ctx is done.
func Read(ctx context.Context, fsys fs.FS, dir, urlPath string, opt Options) (*Listing, error) {
	dirents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	l := &Listing{Path: urlPath, Entries: make([]Entry, 0, len(dirents))}
	for _, d := range dirents {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if opt.Hide != nil && opt.Hide(d.Name()) {
			continue
		}
		l.Entries = append(l.Entries, newEntry(fsys, dir, d))
	}
	return l, nil
}

// newEntry builds the entry for d, following a symlink to its target.
func newEntry(fsys fs.FS, dir string, d fs.DirEntry) Entry {
	e := Entry{Name: d.Name(), IsSymlink: d.Type()&fs.ModeSymlink != 0}
	var info fs.FileInfo
	var err error
	if e.IsSymlink {
		info, err = fs.Stat(fsys, path.Join(dir, d.Name()))
	} else {
		info, err = d.Info()
	}
	if err == nil {
		e.IsDir = info.IsDir()
		e.ModTime = info.ModTime()
		if !e.IsDir {
			e.Size = info.Size()
		}
	}
	e.URL = entryURL(e.Name, e.IsDir)
	return e
}

// entryURL is the relative, percent-encoded link to name. The "./" prefix
// keeps a name such as "foo:bar" from reading as a URL scheme.
func entryURL(name string, isDir bool) string {
	u := (&url.URL{Path: "./" + name}).EscapedPath()
	if isDir {
		u += "/"
	}
	return u
}
