// Package public holds the static assets of simplehttp's generated pages
// (style sheet, icons, scripts), embedded at build time. It holds data only;
// package fileserve serves it under a reserved, versioned URL prefix.
package public

import "embed"

// FS holds the asset files, with paths relative to this directory
// (for example "style.css", "icons.svg", "listing.js").
//
//go:embed *.css *.svg *.js icons
var FS embed.FS
