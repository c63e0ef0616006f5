// Package markdown renders Markdown (CommonMark and GitHub's tables,
// strikethrough, task lists and autolinks) to HTML that is safe to put in
// a page: raw HTML in the text is shown as text, never rendered, and
// links and images to javascript:, vbscript:, file: or data: URLs (but
// data: images) lose their URL. It is github.com/yuin/goldmark, set up
// once; the README of a listing and the preview of a .md file both use it.
package markdown

import (
	"io"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// md is the renderer. Goldmark's own HTML renderer, without its Unsafe
// option, drops raw HTML and dangerous URLs; rawAsText takes over the
// raw HTML nodes to show them as the text they are.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(rawAsText{}, 100))),
)

// Render writes the HTML of the Markdown source to w.
func Render(w io.Writer, source []byte) error {
	return md.Convert(source, w)
}

// rawAsText renders raw HTML, inline and in blocks, escaped.
type rawAsText struct{}

// RegisterFuncs registers the renderers of the raw HTML nodes.
func (rawAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
}

// renderHTMLBlock shows an HTML block as a paragraph of its text.
func renderHTMLBlock(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := n.(*ast.HTMLBlock)
	w.WriteString("<p>") //nolint:errcheck // goldmark reports the writer's error
	lines := b.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		w.Write(util.EscapeHTML(seg.Value(source))) //nolint:errcheck
	}
	if b.HasClosure() {
		w.Write(util.EscapeHTML(b.ClosureLine.Value(source))) //nolint:errcheck
	}
	w.WriteString("</p>\n") //nolint:errcheck
	return ast.WalkSkipChildren, nil
}

// renderRawHTML shows an inline HTML tag as its text.
func renderRawHTML(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	segs := n.(*ast.RawHTML).Segments
	for i := range segs.Len() {
		seg := segs.At(i)
		w.Write(util.EscapeHTML(seg.Value(source))) //nolint:errcheck
	}
	return ast.WalkSkipChildren, nil
}
