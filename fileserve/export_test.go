package fileserve

import "time"

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
