package encode

import (
	"net/http"
	"strings"

	"github.com/simplehttp/simplehttp/internal/coding"
	"github.com/simplehttp/simplehttp/internal/etag"
)

// withoutSuffix is the tag of the uncompressed representation, and
// whether tag (one element of If-None-Match or If-Match) is a tag that
// coding.CodedTag made for the coding ch chooses for a streamed answer
// or for a kept body (the handler may have sent either).
func withoutSuffix(tag string, ch coding.Choice) (string, bool) {
	for _, c := range [...]coding.Coding{ch.Coding, ch.Kept} {
		suffix := "+" + c.String() + `"`
		if strings.HasSuffix(tag, suffix) && len(strings.TrimPrefix(tag, "W/")) > len(suffix) {
			return tag[:len(tag)-len(suffix)] + `"`, true
		}
	}
	return tag, false
}

// withIssuedTags returns r, or when its If-None-Match or If-Match holds a
// tag that coding.CodedTag made for a coding ch chooses, a copy that
// holds the next handler's own tag in its place, which it can compare
// with the tag it issues.
func withIssuedTags(r *http.Request, ch coding.Choice) *http.Request {
	inm, inmChanged := issuedTags(r.Header["If-None-Match"], ch)
	im, imChanged := issuedTags(r.Header["If-Match"], ch)
	if !inmChanged && !imChanged {
		return r
	}
	r2 := *r
	r2.Header = r.Header.Clone()
	if inmChanged {
		r2.Header["If-None-Match"] = inm
	}
	if imChanged {
		r2.Header["If-Match"] = im
	}
	return &r2
}

// issuedTags is the list of tags values, each tag made for a coding ch
// chooses replaced by the tag it was made from; changed is false, and
// nothing allocated, when there is none.
func issuedTags(values []string, ch coding.Choice) (tags []string, changed bool) {
	for _, v := range values {
		for tag := range etag.Tags(v) {
			if _, ok := withoutSuffix(tag, ch); ok {
				changed = true
			}
		}
	}
	if !changed {
		return values, false
	}
	var b strings.Builder
	for _, v := range values {
		for tag := range etag.Tags(v) {
			tag, _ = withoutSuffix(tag, ch)
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tag)
		}
	}
	return []string{b.String()}, true
}

// restoreTag gives a 304 the tag of the representation the client holds:
// the next handler compared the client's tag without its suffix, so when
// the client sent the suffixed tag, that is the one to confirm.
func (rw *responseWriter) restoreTag(hdr http.Header) {
	tag := hdr.Get("ETag")
	if tag == "" {
		return
	}
	for _, c := range [...]coding.Coding{rw.coding, rw.kept} {
		if coded := coding.CodedTag(tag, c); holdsTag(rw.ifNone, coded) {
			hdr.Set("ETag", coded)
			return
		}
	}
}

// holdsTag reports whether the If-None-Match values list tag, compared
// weakly (RFC 9110, 8.8.3.2: W/ does not count).
func holdsTag(values []string, tag string) bool {
	for _, v := range values {
		for t := range etag.Tags(v) {
			if etag.WeakEqual(t, tag) {
				return true
			}
		}
	}
	return false
}
