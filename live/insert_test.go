package live

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestInsertAt(t *testing.T) {
	const tag = "<S>"
	tests := []struct{ name, page, want string }{
		{"after head", "<!DOCTYPE html>\n<html lang=en>\n<head>\n<title>x</title>", "<!DOCTYPE html>\n<html lang=en>\n<head><S>\n<title>x</title>"},
		{"head with attributes", `<html><HEAD data-x="a>b" id='c>d'><meta charset=utf-8>`, `<html><HEAD data-x="a>b" id='c>d'><S><meta charset=utf-8>`},
		{"no head", "<!doctype html><title>t</title><p>x", "<!doctype html><S><title>t</title><p>x"},
		{"no tags at all", "just text", "<S>just text"},
		{"body only", "<body><p>x</p></body>", "<S><body><p>x</p></body>"},
		{"comments and bom first", "\ufeff<!-- a -- b --> <!--c--><!DOCTYPE html><html><head>", "\ufeff<!-- a -- b --> <!--c--><!DOCTYPE html><html><head><S>"},
		{"xml declaration", "<?xml version=\"1.0\"?>\n<html><head></head>", "<?xml version=\"1.0\"?>\n<html><head><S></head>"},
		{"header is not head", "<html><header>x</header>", "<html><S><header>x</header>"},
		{"empty", "", "<S>"},
		{"only a doctype", "<!doctype html>\n", "<!doctype html>\n<S>"},
		{"unclosed comment", "<!-- never closed", "<!-- never closed<S>"},
		{"unclosed head tag", "<head class='x", "<head class='x<S>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(inject([]byte(tt.page), []byte(tag))); got != tt.want {
				t.Errorf("inject(%q) = %q, want %q", tt.page, got, tt.want)
			}
		})
	}
}

// FuzzInsertAt checks, with HTML's own parser, that the script tag never
// changes the page around it: the doctype (and so the rendering mode)
// stays, and the parsed page less the script is the page parsed without
// it, but for white space between elements (which a script element before
// it can move from before <html> into <head>, where it shows no more).
func FuzzInsertAt(f *testing.F) {
	for _, seed := range []string{
		"<!DOCTYPE html><html><head><title>t</title></head><body>x</body></html>",
		"<!doctype html><meta charset=utf-8><p>no head", "plain text", "", "<!-- c --><html>",
		"<head a='>'>", "\ufeff<!DOCTYPE html>", "<frameset></frameset>", "<html><body><table><tr><td>x",
		"<?php echo 1 ?><p>", "<title>a</title><script>var x=1</script>", "<head><noscript><p>x</noscript>",
	} {
		f.Add(seed)
	}
	tag := []byte(`<script src="x/live.js" defer></script>`)
	f.Fuzz(func(t *testing.T, page string) {
		at := insertAt([]byte(page))
		if at < 0 || at > len(page) {
			t.Fatalf("insertAt = %d, out of 0..%d", at, len(page))
		}
		injected := inject([]byte(page), tag)
		before, err1 := html.Parse(strings.NewReader(page))
		after, err2 := html.Parse(bytes.NewReader(injected))
		if err1 != nil || err2 != nil {
			return
		}
		if hasDoctype(before) != hasDoctype(after) {
			t.Fatalf("the doctype changed: %q became %q", page, injected)
		}
		if !removeScript(after) {
			return // the tag landed in a comment or text: the page is unchanged, if not live
		}
		dropBlankText(before)
		dropBlankText(after)
		if a, b := render(t, before), render(t, after); a != b {
			t.Fatalf("the page changed around the script:\n%q\nparsed as\n%s\nbut with the script as\n%s", page, a, b)
		}
	})
}

func hasDoctype(doc *html.Node) bool {
	for c := doc.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.DoctypeNode {
			return true
		}
	}
	return false
}

// removeScript removes the injected script element, reporting whether
// there was one.
func removeScript(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "script" {
			for _, a := range c.Attr {
				if a.Key == "src" && a.Val == "x/live.js" {
					n.RemoveChild(c)
					return true
				}
			}
		}
		if removeScript(c) {
			return true
		}
	}
	return false
}

// dropBlankText removes the text nodes of white space only.
func dropBlankText(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" {
			n.RemoveChild(c)
		} else {
			dropBlankText(c)
		}
		c = next
	}
}

func render(t *testing.T, n *html.Node) string {
	var b bytes.Buffer
	if err := html.Render(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
