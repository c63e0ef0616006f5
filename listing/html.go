package listing

import (
	"html/template"
	"io"

	"github.com/simplehttp/simplehttp/templates"
)

// page is parsed once; a broken template fails every test at init.
var page = template.Must(template.ParseFS(templates.FS, "listing.html"))

// htmlData is what templates/listing.html sees.
type htmlData struct {
	*Listing
	// AssetPrefix is the URL prefix of the page's style sheet and icons.
	AssetPrefix string
}

// WriteHTML renders l as an HTML page. assetPrefix is the URL, relative to
// the page or absolute, under which the files of package public are served.
func (l *Listing) WriteHTML(w io.Writer, assetPrefix string) error {
	return page.Execute(w, htmlData{Listing: l, AssetPrefix: assetPrefix})
}
