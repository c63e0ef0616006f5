package coding

import "strings"

// compressibleTypes are the media types outside text/ whose bodies
// compress well. Types ending in "+json" or "+xml" (image/svg+xml,
// application/atom+xml, application/ld+json) are compressible too.
var compressibleTypes = [...]string{
	"application/json",
	"application/javascript",
	"application/x-javascript",
	"application/ecmascript",
	"application/xml",
	"application/wasm",
	"font/ttf",
	"font/otf",
}

// Compressible reports whether a body of the Content-Type contentType
// ("text/html; charset=utf-8") gains from compression: text (HTML, CSS,
// JavaScript, plain text, CSV, Markdown), JSON, XML, SVG, WebAssembly and
// uncompressed fonts. Images, audio, video, archives and compressed files
// (.gz) are compressed already; so are WOFF fonts. Server-sent events
// (text/event-stream) are left alone: every event must reach the client
// when it is written.
func Compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	if hasPrefixFold(mt, "text/") {
		return !equalFold(mt, "text/event-stream")
	}
	if hasSuffixFold(mt, "+json") || hasSuffixFold(mt, "+xml") {
		return true
	}
	for _, t := range compressibleTypes {
		if equalFold(mt, t) {
			return true
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}

// hasSuffixFold is strings.HasSuffix, ignoring ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && equalFold(s[len(s)-len(suffix):], suffix)
}
