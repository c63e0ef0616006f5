// Package assets names the reserved URL prefix under which the files of
// package public are served: package fileserve serves them there, and
// pages that other packages make or change (package live's script) link to
// them there.
package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/simplehttp/simplehttp/public"
)

// Dir is the start of Prefix: the folder whose name it begins with.
const Dir = "/.simplehttp/"

// Prefix returns the reserved URL path under which the files of package
// public are served. It begins with ".", so it cannot shadow a user's
// file unless dotfiles are served, and it carries a hash of the assets,
// so even then only a folder of that exact name could be shadowed, and a
// new build's assets never meet an old build's cached ones. It is made
// on first use: the hash reads every asset (240 KB), which a server that
// is never asked for a page or an asset need not touch.
var Prefix = sync.OnceValue(func() string { return Dir + version(public.FS) + "/" })

// version is a short hash of every file in fsys. The files are read
// through one buffer: io.Copy would take a new 32 KiB for each.
func version(fsys fs.FS) string {
	sum := sha256.New()
	buf := make([]byte, 32<<10)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		io.WriteString(sum, name+"\x00")
		_, err = io.CopyBuffer(sum, f, buf)
		return err
	})
	if err != nil {
		panic("assets: reading embedded assets: " + err.Error())
	}
	return hex.EncodeToString(sum.Sum(nil)[:6])
}

// RelativePrefix is Prefix as a link relative to the page at urlPath, so
// pages keep their assets when the handler is mounted under a prefix with
// http.StripPrefix.
func RelativePrefix(urlPath string) string {
	depth := strings.Count(path.Clean("/"+urlPath), "/")
	if !strings.HasSuffix(urlPath, "/") || urlPath == "/" || urlPath == "" {
		depth--
	}
	return strings.Repeat("../", max(depth, 0)) + strings.TrimPrefix(Prefix(), "/")
}
