package listing

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// renderReadme renders a listing whose only file is a README named name.
func renderReadme(t *testing.T, name, text string) string {
	t.Helper()
	fsys := fstest.MapFS{name: {Data: []byte(text)}}
	l, err := Read(context.Background(), fsys, ".", "/", Options{Readme: true})
	must(t, err)
	var buf bytes.Buffer
	must(t, l.WriteHTML(&buf, HTMLOptions{}))
	out := buf.String()
	start := strings.Index(out, `<section class="readme"`)
	end := strings.Index(out, "</section>")
	if start < 0 || end < start {
		t.Fatalf("no README section in\n%s", out)
	}
	return out[start:end]
}

func TestMarkdownReadme(t *testing.T) {
	text := strings.Join([]string{
		"Title", "=====", "",
		"Intro with `code`, **bold** and a [link](docs/guide.md)", "over two lines.", "",
		"## Install", "",
		"- one", "- two with [site](https://example.com/a?b=1&c=2)", "  continued", "",
		"1. first", "2) second", "",
		"> quoted", "",
		"```sh", "make <all> && echo \"ok\"", "```", "",
		"    indented code", "",
		"---", "",
		"#### Deep heading #", "",
	}, "\n")
	got := renderReadme(t, "README.md", text)
	// The text as goldmark renders CommonMark, headings two levels down.
	for _, want := range []string{
		"<h3>Title</h3>",
		"<p>Intro with <code>code</code>, <strong>bold</strong> and a <a href=\"docs/guide.md\" rel=\"nofollow noreferrer\">link</a>\nover two lines.</p>",
		"<h4>Install</h4>",
		"<ul>\n<li>one</li>\n<li>two with <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noreferrer\">site</a>\ncontinued</li>\n</ul>",
		"<ol>\n<li>first</li>\n</ol>\n<ol start=\"2\">\n<li>second</li>\n</ol>", // "1." and "2)" are two lists
		"<blockquote>\n<p>quoted</p>\n</blockquote>",
		"<pre><code class=\"language-sh\">make &lt;all&gt; &amp;&amp; echo &quot;ok&quot;\n</code></pre>",
		"<pre><code>indented code\n</code></pre>",
		"<hr>",
		"<h6>Deep heading</h6>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("README lacks %s in\n%s", want, got)
		}
	}
}

// TestMarkdownIsSafe feeds the README renderer what would run script or
// load things on a naive one.
func TestMarkdownIsSafe(t *testing.T) {
	lines := []string{
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(2)>",
		"[click](javascript:alert(3)) [data](data:text/html,<b>x</b>) [vb](VBScript:x)",
		"[ok](\"><script>alert(4)</script>)",
		"`<b>code</b>` **<i>bold</i>**",
		"# <style>body{display:none}</style>",
		"```", "</code></pre><script>alert(5)</script>", "```",
		"<a href=\"javascript:alert(6)\">raw</a>",
	}
	// One line after another, then each a block of its own (an HTML
	// block runs on to the next blank line, taking the rest as its text).
	for _, sep := range []string{"\n", "\n\n"} {
		got := renderReadme(t, "readme.markdown", strings.Join(lines, sep))
		for _, bad := range []string{"<script", "<img", "<style", "<b>", "<i>", `href="javascript`, `href="data`, `href="vbscript`, "onerror=alert(2)>"} {
			if strings.Contains(strings.ToLower(got), bad) {
				t.Errorf("README renders %q:\n%s", bad, got)
			}
		}
		if sep == "\n" {
			continue
		}
		// A link to a URL of another scheme is its text alone (goldmark
		// reads the balanced parentheses of javascript:alert(3) as the
		// URL's).
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "<code>&lt;b&gt;code&lt;/b&gt;</code>", "<strong>&lt;i&gt;bold&lt;/i&gt;</strong>", "click data vb"} {
			if !strings.Contains(got, want) {
				t.Errorf("README lacks %q:\n%s", want, got)
			}
		}
	}
}

func TestPlainReadmeIsPreformatted(t *testing.T) {
	got := renderReadme(t, "README", "# not a heading\n<b>x</b>\n")
	if !strings.Contains(got, "<pre># not a heading\n&lt;b&gt;x&lt;/b&gt;\n</pre>") {
		t.Errorf("plain README not shown as escaped text:\n%s", got)
	}
}

// FuzzMarkdown checks that no README text makes the page fail, or emit a
// tag outside the safe set Markdown renders to (internal/markdown), and
// below the page's own headings.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# h\n\ntext `c` **b** [l](u)\n- a\n1. b\n> q\n```\ncode\n```\n", "[](", "**", "`", "    x\n\ty", "---\n===", "[a](b)(c)"} {
		f.Add(s)
	}
	allowed := map[string]bool{"h3": true, "h4": true, "h5": true, "h6": true, "p": true, "blockquote": true, "pre": true,
		"code": true, "ul": true, "ol": true, "li": true, "hr": true, "strong": true, "em": true, "a": true, "img": true,
		"br": true, "del": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "input": true}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		l := &Listing{Path: "/", Readme: &Readme{Name: "README.md", Text: s}}
		if err := l.WriteHTML(&buf, HTMLOptions{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		start := strings.Index(out, `<div class="markdown">`)
		if start < 0 {
			return // nothing rendered: the plain <pre> instead
		}
		md := out[start+len(`<div class="markdown">`) : strings.LastIndex(out, "</div>\n</section>")]
		for _, tag := range strings.Split(md, "<")[1:] {
			fields := strings.FieldsFunc(tag, func(r rune) bool { return r == '>' || r == ' ' || r == '\n' || r == '/' })
			if len(fields) == 0 || !allowed[fields[0]] {
				t.Fatalf("tag <%.20s in the rendering of %q:\n%s", tag, s, md)
			}
		}
	})
}
