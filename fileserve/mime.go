package fileserve

import (
	"io"
	"mime"
	"path"

	"github.com/gabriel-vasile/mimetype"
	"github.com/simplehttp/simplehttp/internal/exttype"
)

// typeByExtension looks ext (".js", any case) up in the built-in table,
// which listings share.
func typeByExtension(ext string) (string, bool) { return exttype.Lookup(ext) }

// contentType is the Content-Type of the file name whose content is r:
// from its extension, else from sniffing its first bytes. It leaves r at
// its start.
func contentType(name string, r io.ReadSeeker) (string, error) {
	if t, ok := typeByExtension(path.Ext(name)); ok {
		return t, nil
	}
	mt, err := mimetype.DetectReader(r)
	if _, serr := r.Seek(0, io.SeekStart); err == nil {
		err = serr
	}
	if err != nil {
		return "", err
	}
	return sniffedType(mt), nil
}

// contentTypeOf is the Content-Type of the file name whose content (or
// its start) is b: from its extension, else from sniffing b.
func contentTypeOf(name string, b []byte) string {
	if t, ok := typeByExtension(path.Ext(name)); ok {
		return t
	}
	return sniffedType(mimetype.Detect(b))
}

// sniffedType turns a detected type into the type to send. Anything
// textual, HTML, SVG, XML and scripts included, is sent as plain text: a
// file that did not say by its name that it is a page is shown, never run.
func sniffedType(mt *mimetype.MIME) string {
	for m := mt; m != nil; m = m.Parent() {
		if m.Is("text/plain") {
			charset := "utf-8"
			if _, params, err := mime.ParseMediaType(mt.String()); err == nil && params["charset"] != "" {
				charset = params["charset"]
			}
			return "text/plain; charset=" + charset
		}
	}
	return mt.String()
}
