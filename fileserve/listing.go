package fileserve

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/assets"
	"github.com/simplehttp/simplehttp/internal/localfs"
	"github.com/simplehttp/simplehttp/internal/page"
	"github.com/simplehttp/simplehttp/internal/qvalue"
	"github.com/simplehttp/simplehttp/listing"
)

// listingTypes are the Content-Types of the listing formats.
var listingTypes = [...]string{
	listing.FormatHTML: "text/html; charset=utf-8",
	listing.FormatJSON: "application/json",
	listing.FormatText: "text/plain; charset=utf-8",
}

// serveListing renders the listing of the directory name in the format
// the query or the Accept header asks for, or answers 304 when the client
// holds it already.
func (h *Handler) serveListing(w http.ResponseWriter, r *http.Request, name string) {
	q := listing.ParseQuery(r.URL.RawQuery)
	if h.thumbnails == nil {
		q.View = listing.ViewList // no grid without thumbnails
	}
	format := q.Format
	if format == listing.FormatAuto {
		format = negotiate(r.Header.Values("Accept"))
	}
	// The folder itself is not hidden (sendHead checked), so an entry is
	// hidden by its own name, or as a link that leads to a hidden name:
	// only links pay for the walk.
	opt := listing.Options{
		Hide:     h.hideIn(name),
		HideLink: h.hideLinkIn(name),
		Query:    q,
		Readme:   format == listing.FormatHTML,
		Names:    h.names,
	}
	l, err := listing.Read(r.Context(), h.fsys, name, r.URL.Path, opt)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client left mid-read: no one to answer, nothing to log
		}
		h.fail(w, r, err)
		return
	}
	w.Header().Add("Vary", "Accept")
	// Zero: no time that could vouch for it. Not settled: a change later
	// in the same second would leave the HTTP date as it is, and the
	// browser, revalidating, would get 304 and keep the old listing.
	if !l.ModTime.IsZero() && localfs.Settled(l.ModTime, h.now()) {
		w.Header().Set("Last-Modified", l.ModTime.UTC().Format(http.TimeFormat))
		if notModified(r, l.ModTime) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if format == listing.FormatHTML && h.thumbnails != nil {
		w.Header().Set("Content-Security-Policy", page.PreviewsPolicy)
	}
	pw := newPageWriter(w, r, listingTypes[format])
	defer pw.release()
	// Relative times count from the second, so that a page made in it
	// may be sent again within it.
	pageOpt := listing.HTMLOptions{Upload: h.uploadForm, Manage: h.manageForm, Now: h.now().Truncate(time.Second), Thumbnails: h.thumbnails}
	key, sum, at := pageKey{path: r.URL.Path, query: l.Query, format: format}, uint64(0), int64(0)
	if c, ok := pw.offer(); ok {
		key.coding, sum = c, l.Fingerprint()
		if format == listing.FormatHTML {
			at = pageOpt.Now.Unix()
		}
		if page := h.pages.get(key, sum, at); page != nil {
			pw.sendCoded(page)
			return
		}
		pw.code()
	}
	err = render(pw, l, format, r.URL.Path, pageOpt)
	switch {
	case err == nil:
		if page := pw.finish(); page != nil {
			h.pages.put(key, sum, at, page)
		}
	case !pw.streaming:
		h.fail(w, r, err)
	case pw.err == nil:
		// Not the client's leaving: the page broke half-way. End the
		// connection, so the client sees a cut answer, not a short one.
		h.log.Error("fileserve: listing failed half-way", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// render writes l in format into buf; opt says which forms an HTML page
// shows (upload, manage), whether it has the gallery and previews
// (Thumbnails), and the moment its relative times ("3 minutes ago") are
// from.
func render(buf io.Writer, l *listing.Listing, format listing.Format, urlPath string, opt listing.HTMLOptions) error {
	switch format {
	case listing.FormatJSON:
		return l.WriteJSON(buf)
	case listing.FormatText:
		return l.WriteText(buf)
	}
	opt.AssetPrefix = assets.RelativePrefix(urlPath)
	return l.WriteHTML(buf, opt)
}

// notModified reports whether the request's If-Modified-Since holds a
// time no older than modTime (to the second, as HTTP dates go). An
// If-None-Match takes precedence (RFC 9110, 13.1.3), and listings have no
// ETag, so with one present the listing is sent.
func notModified(r *http.Request, modTime time.Time) bool {
	if r.Header.Get("If-None-Match") != "" {
		return false
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" {
		return false
	}
	t, err := http.ParseTime(ims)
	return err == nil && !modTime.Truncate(time.Second).After(t)
}

// negotiate picks the listing format the Accept header values prefer.
// HTML wins ties and is the answer to no header, "*/*" (curl's default)
// and anything unparseable: what Python's server sends. JSON or text is
// sent only when the client ranks it above HTML, as "Accept:
// application/json" does.
func negotiate(accept []string) listing.Format {
	best, bestQ := listing.FormatHTML, -1
	for _, f := range []listing.Format{listing.FormatHTML, listing.FormatJSON, listing.FormatText} {
		if q := acceptQuality(accept, listingTypes[f]); q > bestQ {
			best, bestQ = f, q
		}
	}
	if bestQ <= 0 {
		return listing.FormatHTML
	}
	return best
}

// acceptQuality is the weight, in thousandths, that the Accept header
// values give the media type offer ("type/subtype", parameters ignored):
// that of the most specific matching range, 0 when none matches,
// qvalue.Max with no header at all. An element whose weight is not a
// qvalue counts for nothing.
func acceptQuality(accept []string, offer string) int {
	if len(accept) == 0 {
		return qvalue.Max
	}
	offer, _, _ = strings.Cut(offer, ";")
	typ, _, _ := strings.Cut(offer, "/")
	q, specificity := 0, -1
	for _, v := range accept {
		for elem := range strings.SplitSeq(v, ",") {
			mt, rq, ok := qvalue.Element(elem)
			if !ok {
				continue
			}
			s := -1
			switch {
			case strings.EqualFold(mt, offer):
				s = 2
			case strings.EqualFold(mt, typ+"/*"):
				s = 1
			case mt == "*/*":
				s = 0
			}
			if s > specificity {
				q, specificity = rq, s
			}
		}
	}
	return q
}
