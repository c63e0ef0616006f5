// Package markdown renders Markdown (CommonMark and GitHub's tables,
// strikethrough, task lists and autolinks) to HTML that is safe to put in
// a page: raw HTML in the text is shown as text, never rendered; a link
// keeps only a relative, http, https or mailto URL (any other shows as
// its text), and carries rel="nofollow noreferrer"; an image to a
// javascript:, vbscript:, file: or data: URL (but data: images) loses
// it. It is github.com/yuin/goldmark, set up once; the README of a
// listing and the preview of a .md file both use it.
package markdown

import (
	"bytes"
	"io"
	"net/url"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md is the renderer, made on first use: a server that never shows a
// README or a .md file never holds it. Goldmark's own HTML renderer,
// without its Unsafe option, drops raw HTML and dangerous URLs; rawAsText
// takes over the raw HTML nodes to show them as the text they are.
var md = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(rawAsText{}, 100))),
	)
})

// Render writes the HTML of the Markdown source to w, with every heading
// headingOffset levels deeper (at most h6): a README below a page's own
// headings starts lower than h1.
func Render(w io.Writer, source []byte, headingOffset int) error {
	doc := md().Parser().Parse(text.NewReader(source))
	var unsafe []*ast.Link
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) { //nolint:errcheck // the walker returns none
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+headingOffset, 6)
		case *ast.Link:
			if safeLink(string(n.Destination)) {
				n.SetAttributeString("rel", []byte("nofollow noreferrer"))
			} else {
				unsafe = append(unsafe, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, link := range unsafe {
		unwrap(link)
	}
	return md().Renderer().Render(w, source, doc)
}

// safeLink reports whether a link may lead to target: a relative URL or
// an http, https or mailto one.
func safeLink(target string) bool {
	u, err := url.Parse(target)
	if err != nil || target == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

// unwrap puts the children of n in its place: a link without its URL.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
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
	var raw []byte
	lines := b.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		raw = append(raw, seg.Value(source)...)
	}
	if b.HasClosure() {
		raw = append(raw, b.ClosureLine.Value(source)...)
	}
	w.WriteString("<p>")                                 //nolint:errcheck // goldmark reports the writer's error
	w.Write(util.EscapeHTML(bytes.TrimRight(raw, "\n"))) //nolint:errcheck
	w.WriteString("</p>\n")                              //nolint:errcheck
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

// IsFile reports whether a file named name is Markdown, by its extension
// (.md or .markdown, any case).
func IsFile(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".markdown")
}
