package fileserve

import (
	"net/http"
	"slices"
	"time"
)

// Internals under test. Only what a black-box test cannot reach is here.

// NormalizeRange exposes normalizeRange.
var NormalizeRange = normalizeRange

// MaxRanges is the most byte ranges one request may ask for.
const MaxRanges = maxRanges

// TranslatePath exposes (*Handler).translatePath.
func (h *Handler) TranslatePath(urlPath string) (string, bool) { return h.translatePath(urlPath) }

// WithoutFragment exposes withoutFragment.
var WithoutFragment = withoutFragment

// SettleAll stops h's clock an hour from now, so that it takes every file
// in as if its ctime were long past (the tests write a file and ask for
// it at once), and renders listings' relative times from that moment.
func (h *Handler) SettleAll() { h.SetClock(time.Now().Add(time.Hour)) }

// SetClock stops h's clock at now.
func (h *Handler) SetClock(now time.Time) { h.now = func() time.Time { return now } }

// PageHandler answers every request with content, written in pieces of
// chunk bytes through a pageWriter of type text/plain, coded by the
// writer itself when the Precoder in front offers a coding (as listings
// are). kept gets the page finish handed back to be kept, or nil.
func PageHandler(content []byte, chunk int, kept *[]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pw := newPageWriter(w, r, "text/plain; charset=utf-8")
		defer pw.release()
		if _, ok := pw.offer(); ok {
			pw.code()
		}
		for b := range slices.Chunk(content, chunk) {
			if _, err := pw.Write(b); err != nil {
				return
			}
		}
		*kept = slices.Clone(pw.finish())
	})
}
