package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/simplehttp/simplehttp/preview"
)

// gallery is what the command line asks of thumbnails and previews.
type gallery struct {
	galleryOff bool   // --gallery-off: listings and files as without package preview
	thumbCache bool   // --thumb-cache: keep thumbnails on disk too
	thumbDir   string // where, once thumbCacheDir found it
}

// withPreviews puts the preview handler (?thumb, ?view, the listing's
// grid view) in front of the file server, unless --gallery-off.
func withPreviews(files http.Handler, dir *site, o *options, logger *slog.Logger) http.Handler {
	if o.galleryOff {
		return files
	}
	return preview.New(dir.fs(), files, &preview.Options{
		Dotfiles:  o.dotfiles,
		Logger:    logger,
		DiskCache: o.thumbDir,
	})
}

// thumbnails is fileserve.Options.Thumbnails: which files the listing's
// grid shows a thumbnail of, unless --gallery-off.
func thumbnails(o *options) func(name string) bool {
	if o.galleryOff {
		return nil
	}
	return preview.HasThumbnail
}

// fs is the file system the site's file server reads.
func (s *site) fs() fs.FS {
	if s.follow != nil {
		return s.follow
	}
	return s.root.FS()
}

// thumbCacheDir sets o.thumbDir for --thumb-cache: a folder of the user's
// cache directory (~/.cache/simplehttp/thumbnails/ on Linux) for this
// served directory, named by a hash of its path, so two served trees
// never share thumbnails. It must not be inside the served tree, where
// clients could read it.
func thumbCacheDir(o *options) error {
	if !o.thumbCache || o.galleryOff {
		return nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return fmt.Errorf("--thumb-cache: no cache directory: %v", err)
	}
	served, err := realPath(o.dir)
	if err != nil {
		return dirError(o.dir, err)
	}
	base := filepath.Join(resolved(cache), "simplehttp", "thumbnails")
	if inside(served, base) {
		return fmt.Errorf("--thumb-cache: the cache directory %s is inside the served directory", base)
	}
	sum := sha256.Sum256([]byte(served))
	o.thumbDir = filepath.Join(base, hex.EncodeToString(sum[:8]))
	return nil
}

// realPath is the absolute path of p with its symbolic links resolved.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}
