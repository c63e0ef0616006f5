// Package templates holds simplehttp's HTML templates, embedded at build time
// so the binary runs from anywhere. It holds data only; the packages that
// render pages parse these files once, with html/template.
package templates

import "embed"

// FS holds every *.html template in this directory.
//
//go:embed *.html
var FS embed.FS
