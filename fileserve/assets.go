package fileserve

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/simplehttp/simplehttp/public"
)

// assetPrefix is the reserved URL path under which the files of package
// public are served. It begins with ".", so it cannot shadow a user's file
// unless dotfiles are served, and it carries a hash of the assets, so even
// then only a folder of that exact name could be shadowed, and a new build's
// assets never meet an old build's cached ones. Listings link to them
// with a query, which mirroring clients skip and serveAsset ignores.
var assetPrefix = "/.simplehttp/" + assetsVersion(public.FS) + "/"

// assetsVersion is a short hash of every file in fsys.
func assetsVersion(fsys fs.FS) string {
	sum := sha256.New()
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
		_, err = io.Copy(sum, f)
		return err
	})
	if err != nil {
		panic("fileserve: reading embedded assets: " + err.Error())
	}
	return hex.EncodeToString(sum.Sum(nil)[:6])
}

// relativeAssetPrefix is assetPrefix as a link relative to the page at
// urlPath, so pages keep their style when the handler is mounted under a
// prefix with http.StripPrefix.
func relativeAssetPrefix(urlPath string) string {
	depth := strings.Count(path.Clean("/"+urlPath), "/")
	if !strings.HasSuffix(urlPath, "/") || urlPath == "/" || urlPath == "" {
		depth--
	}
	return strings.Repeat("../", max(depth, 0)) + strings.TrimPrefix(assetPrefix, "/")
}

// serveAsset serves one file of package public. Its URL names its version,
// so it may be cached for good.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	f, err := public.FS.Open(name)
	if err != nil {
		writeStatusPage(w, r, http.StatusNotFound)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		writeStatusPage(w, r, http.StatusNotFound)
		return
	}
	ctype, _ := typeByExtension(path.Ext(name))
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	cw := &contentWriter{ResponseWriter: w, r: r}
	http.ServeContent(cw, withNormalizedRange(r, info.Size()), "", info.ModTime(), f.(io.ReadSeeker))
}
