package fileserve

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/assets"
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
	if !l.ModTime.IsZero() && l.ModTime.Unix() > 0 {
		w.Header().Set("Last-Modified", l.ModTime.UTC().Format(http.TimeFormat))
		if notModified(r, l.ModTime) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	pw := newPageWriter(w, r, listingTypes[format])
	defer pw.release()
	err = render(pw, l, format, r.URL.Path, h.uploadForm)
	switch {
	case err == nil:
		pw.finish()
	case !pw.streaming:
		h.fail(w, r, err)
	case pw.err == nil:
		// Not the client's leaving: the page broke half-way. End the
		// connection, so the client sees a cut answer, not a short one.
		h.log.Error("fileserve: listing failed half-way", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// render writes l in format into buf; upload shows the upload area on an
// HTML page.
func render(buf io.Writer, l *listing.Listing, format listing.Format, urlPath string, upload bool) error {
	switch format {
	case listing.FormatJSON:
		return l.WriteJSON(buf)
	case listing.FormatText:
		return l.WriteText(buf)
	}
	return l.WriteHTML(buf, listing.HTMLOptions{AssetPrefix: assets.RelativePrefix(urlPath), Now: time.Now(), Upload: upload})
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
	best, bestQ := listing.FormatHTML, -1.0
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

// acceptQuality is the quality the Accept header values give the media
// type offer ("type/subtype", parameters ignored): that of the most
// specific matching range, 0 when none matches, 1 with no header at all.
func acceptQuality(accept []string, offer string) float64 {
	offer, _, _ = strings.Cut(offer, ";")
	typ, _, _ := strings.Cut(offer, "/")
	q, specificity := 0.0, -1
	if len(accept) == 0 {
		return 1
	}
	for _, v := range accept {
		for rng := range strings.SplitSeq(v, ",") {
			mt, rq := parseRange(rng)
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

// parseRange splits one Accept element ("text/html;q=0.8") into its media
// range and quality (1 when absent, 0 when invalid).
func parseRange(rng string) (string, float64) {
	mt, params, _ := strings.Cut(rng, ";")
	q := 1.0
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "q") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f >= 0 && f <= 1) { // NaN too
				f = 0
			}
			q = f
		}
	}
	return strings.TrimSpace(mt), q
}
