package preview

import (
	"bytes"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dustin/go-humanize"
	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/assets"
	"github.com/simplehttp/simplehttp/internal/markdown"
	"github.com/simplehttp/simplehttp/listing"
	"github.com/simplehttp/simplehttp/templates"
)

// viewPage is parsed when a preview is first asked for, not at start: a
// server that shows none holds no parsed template. A broken template
// fails TestView.
var viewPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templates.FS, "preview.html"))
})

// MaxText is how much of a text file a preview shows: its first 256 KiB,
// read and sent; the page says when there is more.
const MaxText = 256 << 10

// viewCSP is the Content-Security-Policy of a preview page: the file
// itself as an image, a player's media or a PDF in a frame, the
// listing's style sheets and scripts (--live's reload script, which
// reloads a preview when its file changes), nothing else; and the
// listing of the same origin may show the page in its viewer's frame.
const viewCSP = "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; frame-src 'self'; " +
	"script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// viewData is what templates/preview.html sees.
type viewData struct {
	Name        string
	AssetPrefix string
	Raw         string        // the file's link, relative to the page
	Image       string        // the link an image is shown from
	Size        string        // the file's size, for people
	Kind        string        // image, video, audio, pdf, markdown, code, binary or none
	Body        template.HTML // a Markdown file, rendered
	Code        string        // a text file's text, shown as code
	Lines       string        // the numbers of Code's lines, one a line
	Language    string        // Code's language, as highlight.js names it ("" for none)
	Highlight   bool          // the page loads highlight.js: it has code of a language
	Truncated   bool
	Shown       string // MaxText, for people
}

// serveView answers ?view on f: a page that previews it, with a link to
// download it.
func (h *Handler) serveView(w http.ResponseWriter, r *http.Request, f *file) {
	base := path.Base(f.name)
	d := viewData{
		Name:        base,
		AssetPrefix: assets.RelativePrefix(r.URL.Path),
		Raw:         (&url.URL{Path: "./" + base}).String(),
		Size:        humanize.IBytes(uint64(f.info.Size())),
		Shown:       humanize.IBytes(MaxText),
	}
	d.Image = d.Raw
	switch listing.CategoryOf(base) {
	case listing.CategoryImage:
		d.Kind = "image"
		if !browserDraws(base) {
			d.Image += "?thumb" // TIFF: only its thumbnail shows in a browser
		}
	case listing.CategoryVideo:
		d.Kind = "video"
	case listing.CategoryAudio:
		d.Kind = "audio"
	case listing.CategoryPDF:
		d.Kind = "pdf"
	case listing.CategoryArchive:
		d.Kind = "none"
	default:
		if err := readText(f, &d); err != nil {
			fileserve.Error(w, r, fileserve.Status(err))
			return
		}
	}
	var buf bytes.Buffer
	if err := viewPage().Execute(&buf, &d); err != nil {
		h.log.Error("preview: rendering templates/preview.html", "err", err)
		fileserve.Error(w, r, http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Security-Policy", viewCSP)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", revalidate)
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes()) //nolint:errcheck // a failed write means the client left
	}
}

// browserDraws reports whether browsers show an image named name
// themselves (TIFF and HEIC they do not).
func browserDraws(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".tif", ".tiff", ".heic":
		return false
	}
	return true
}

// readText reads the first MaxText bytes of f and, when they are text,
// puts them in d: Markdown rendered, anything else as code with its
// language and line numbers, for the browser to highlight. Bytes that are
// not UTF-8 text (a NUL, an invalid sequence) make it "binary": a file
// that looks like text but is not is never shown.
func readText(f *file, d *viewData) error {
	head := make([]byte, min(f.info.Size(), MaxText))
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return err
	}
	head = head[:n]
	d.Truncated = f.info.Size() > int64(n)
	if d.Truncated {
		head = trimPartialRune(head)
	}
	if !isText(head) {
		d.Kind, d.Truncated = "binary", false
		return nil
	}
	if markdown.IsFile(d.Name) {
		var body bytes.Buffer
		if err := markdown.Render(&body, head, 1); err != nil { // below the page's h1, the file's name
			return err
		}
		d.Kind = "markdown"
		d.Body = template.HTML(body.String()) //nolint:gosec // escaped by goldmark
		d.Highlight = bytes.Contains(body.Bytes(), []byte(`<code class="language-`))
		return nil
	}
	d.Kind = "code"
	d.Code = string(head)
	d.Lines = lineNumbers(d.Code)
	d.Language = language(d.Name)
	d.Highlight = d.Language != ""
	return nil
}

// trimPartialRune cuts a UTF-8 sequence that a read split from the end
// of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// isText reports whether b is UTF-8 text: valid, with no NUL byte.
func isText(b []byte) bool {
	return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
}
