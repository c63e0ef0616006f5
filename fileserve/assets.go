package fileserve

import (
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/simplehttp/simplehttp/internal/assets"
	"github.com/simplehttp/simplehttp/internal/page"
	"github.com/simplehttp/simplehttp/public"
)

// assetName is the name of the file of package public that urlPath
// names, if it is under the reserved URL path they are served under (see
// package internal/assets). Listings link to them with a query, which
// mirroring clients skip and serveAsset ignores. The constant start of
// that path is looked at first, so that the path itself, a hash of every
// asset, is made only when a URL could be under it.
func assetName(urlPath string) (string, bool) {
	if !strings.HasPrefix(urlPath, assets.Dir) {
		return "", false
	}
	return strings.CutPrefix(urlPath, assets.Prefix())
}

// serveAsset serves one file of package public. Its URL names its version,
// so it may be cached for good.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	f, err := public.FS.Open(name)
	if err != nil {
		page.WriteStatus(w, r, http.StatusNotFound)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		page.WriteStatus(w, r, http.StatusNotFound)
		return
	}
	ctype, _ := typeByExtension(path.Ext(name))
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	cw := &contentWriter{ResponseWriter: w, r: r}
	http.ServeContent(cw, withNormalizedRange(r, info.Size()), "", info.ModTime(), f.(io.ReadSeeker))
}
