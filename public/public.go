// Package public holds the static assets of simplehttp's generated pages
// (style sheet, icon sprite, favicon, script), embedded at build time. It
// holds data only; package fileserve serves it under a reserved, versioned
// URL prefix.
package public

import "embed"

// FS holds the asset files, with paths relative to this directory
// (for example "style.css", "icons.svg", "listing.js"). icons.svg holds
// every icon of the listings, each framed by a <view> named after it.
//
//go:embed *.css *.svg *.js
var FS embed.FS
