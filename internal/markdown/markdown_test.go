package markdown

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func render(t testing.TB, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, []byte(src), 0); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRender(t *testing.T) {
	got := render(t, "# Title\n\n[docs](docs/a.md) [plain text](javascript:x)\n\n### Deep\n\nSome *text* and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ https://example.com\n")
	for _, want := range []string{
		"<h1>Title</h1>", "<em>text</em>", "<code>code</code>", "<table>", "<td>1</td>",
		`<input checked="" disabled="" type="checkbox"`, "<del>old</del>", `<a href="https://example.com">`,
		`<a href="docs/a.md" rel="nofollow noreferrer">docs</a>`, "plain text", "<h3>Deep</h3>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %s in\n%s", want, got)
		}
	}
}

// TestSafe feeds the renderer what would run script or load things on a
// naive one: the cases of the listing's README tests, and more.
func TestHeadingOffset(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, []byte("# one\n\n##### five\n"), 2); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.Contains(got, "<h3>one</h3>") || !strings.Contains(got, "<h6>five</h6>") {
		t.Errorf("headings not two levels down, at most h6:\n%s", got)
	}
}

func TestSafe(t *testing.T) {
	got := render(t, strings.Join([]string{
		"<script>alert(1)</script>",
		"",
		"<img src=x onerror=alert(2)>",
		"",
		"[click](javascript:alert(3)) [data](data:text/html,<b>x</b>) [vb](VBScript:x) [f](file:///etc/passwd)",
		"[ok](\"><script>alert(4)</script>)",
		"`<b>code</b>` **<i>bold</i>**",
		"# <style>body{display:none}</style>",
		"```", "</code></pre><script>alert(5)</script>", "```",
		"<a href=\"javascript:alert(6)\">raw</a>",
		"![x](javascript:alert(7)) <iframe src=x></iframe>",
		"<div onclick=alert(8)>",
		"block",
		"</div>",
	}, "\n"))
	for _, bad := range []string{"<script", "<img src=\"x\"", "<img src=x", "<style", "<b>", "<i>", "<iframe", "<div",
		`href="javascript`, `href="data`, `href="vbscript`, `href="file`, `src="javascript`, "onerror=alert(2)>", "onclick=alert(8)>"} {
		if strings.Contains(strings.ToLower(got), bad) {
			t.Errorf("renders %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "<code>&lt;b&gt;code&lt;/b&gt;</code>", "<strong>&lt;i&gt;bold&lt;/i&gt;</strong>"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}

// allowedTags are the elements Render may write.
var allowedTags = map[string]bool{
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "p": true, "blockquote": true,
	"pre": true, "code": true, "ul": true, "ol": true, "li": true, "hr": true, "strong": true, "em": true,
	"a": true, "img": true, "br": true, "del": true, "table": true, "thead": true, "tbody": true, "tr": true,
	"th": true, "td": true, "input": true,
}

// FuzzRender checks that no text makes the renderer fail, or write an
// element outside the safe set or an event handler.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# h\n\ntext `c` **b** [l](u)\n- a\n1. b\n> q\n```\ncode\n```\n", "[](", "**", "`", "    x\n\ty",
		"---\n===", "[a](b)(c)", "<div>\nx\n</div>", "a <b onclick=x>", "| a |\n|---|\n| <script> |", "![i](data:image/png;base64,AA)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := render(t, s)
		for _, tag := range strings.Split(out, "<")[1:] {
			body, _, _ := strings.Cut(tag, ">")
			fields := strings.Fields(strings.TrimPrefix(body, "/"))
			if len(fields) == 0 || !allowedTags[strings.ToLower(strings.TrimSuffix(fields[0], "/"))] {
				t.Fatalf("tag <%s> in the rendering of %q:\n%s", body, s, out)
			}
			if handler.MatchString(quoted.ReplaceAllString(body, `""`)) {
				t.Fatalf("an event handler in <%s>, the rendering of %q", body, s)
			}
		}
	})
}

// quoted matches an attribute's quoted value; handler an event handler
// attribute outside one.
var (
	quoted  = regexp.MustCompile(`"[^"]*"`)
	handler = regexp.MustCompile(`(?i)\son[a-z]*\s*=`)
)
