package preview

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestHighlightVendored checks that public/ holds highlight.js as
// public/hljs/refresh.sh vendors it: the version package.json pins, and
// files unchanged since (their checksums in public/hljs/SHA256SUMS).
func TestHighlightVendored(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile("../public/hljs/package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	version := pkg.Dependencies["@highlightjs/cdn-assets"]
	if version == "" {
		t.Fatal("package.json pins no @highlightjs/cdn-assets")
	}
	js, err := os.ReadFile("../public/highlight.js")
	if err != nil {
		t.Fatal(err)
	}
	if want := "/*!\n  Highlight.js v" + version + " "; !strings.HasPrefix(string(js), want) {
		t.Errorf("public/highlight.js does not begin %q: run public/hljs/refresh.sh", want)
	}
	if !strings.Contains(string(js), "`dockerfile` grammar compiled for Highlight.js "+version) {
		t.Error("public/highlight.js lacks the dockerfile grammar of the same version")
	}
	sums, err := os.Open("../public/hljs/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer sums.Close()
	checked := 0
	for lines := bufio.NewScanner(sums); lines.Scan(); checked++ {
		sum, name, ok := strings.Cut(lines.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS: %q", lines.Text())
		}
		b, err := os.ReadFile("../public/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("public/%s is not what public/hljs/refresh.sh wrote: run it again rather than editing it", name)
		}
	}
	if checked != 3 {
		t.Errorf("SHA256SUMS checks %d files, want highlight.js, highlight.css and highlight.LICENSE", checked)
	}
}

func TestLanguage(t *testing.T) {
	for name, want := range map[string]string{
		"main.go":            "go",
		"src/Lib.RS":         "rust",
		"a/b/script.py":      "python",
		"index.html":         "xml",
		"Makefile":           "makefile",
		"sub/GNUmakefile":    "makefile",
		"rules.mk":           "makefile",
		"Dockerfile":         "dockerfile",
		"Dockerfile.dev":     "dockerfile",
		"Containerfile":      "dockerfile",
		"Gemfile":            "ruby",
		"notes.txt":          "",
		"notes":              "",
		"data.csv":           "",
		"weird.\"><x":        "",
		"archive.tar.go.bak": "",
		".bashrc":            "bash",
	} {
		if got := language(name); got != want {
			t.Errorf("language(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestLineNumbers(t *testing.T) {
	for text, want := range map[string]string{
		"":          "",
		"\n":        "1\n",
		"a":         "1\n",
		"a\nb":      "1\n2\n",
		"a\nb\n":    "1\n2\n",
		"\n\n\nx\n": "1\n2\n3\n4\n",
	} {
		if got := lineNumbers(text); got != want {
			t.Errorf("lineNumbers(%q) = %q, want %q", text, got, want)
		}
	}
}
