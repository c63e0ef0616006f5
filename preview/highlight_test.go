package preview

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/alecthomas/chroma/v2/styles"
)

var update = flag.Bool("update", false, "rewrite public/highlight.css")

// TestHighlightCSS checks that public/highlight.css holds the colours of
// the classes codeFormatter writes: GitHub's light style, and its dark one
// for dark pages. go test ./preview -run HighlightCSS -update rewrites it.
func TestHighlightCSS(t *testing.T) {
	var css bytes.Buffer
	css.WriteString("/* simplehttp previews: colours of highlighted code, made by chroma from its\n" +
		"   github and github-dark styles (go test ./preview -run HighlightCSS -update). */\n")
	// Each style in a media query of its own: a class the dark style
	// leaves to the text's colour must not keep the light one.
	for _, scheme := range []struct{ media, style string }{{"light", "github"}, {"dark", "github-dark"}} {
		css.WriteString("@media (prefers-color-scheme: " + scheme.media + ") {\n")
		if err := codeFormatter.WriteCSS(&css, styles.Get(scheme.style)); err != nil {
			t.Fatal(err)
		}
		css.WriteString("}\n")
	}
	const file = "../public/highlight.css"
	if *update {
		if err := os.WriteFile(file, css.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, css.Bytes()) {
		t.Errorf("%s is not what chroma makes: run go test ./preview -run HighlightCSS -update", file)
	}
}
