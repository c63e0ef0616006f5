package main

import (
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// repoRoot is the repository's top folder, seen from this package.
const repoRoot = "../.."

// readmeLimit is the README's budget in bytes: what a user needs, with
// the details in docs/.
const readmeLimit = 15 * 1024

// markdownFiles are the documents whose links and flags are checked.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md", "SECURITY.md", "bench/README.md"}
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs/*.md: %v", err)
	}
	for _, name := range docs {
		rel, _ := filepath.Rel(repoRoot, name)
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// readDoc reads the document at name, relative to the repository's top.
func readDoc(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestReadmeSize(t *testing.T) {
	if n := len(readDoc(t, "README.md")); n >= readmeLimit {
		t.Errorf("README.md is %d bytes, over its budget of %d: keep a short section with an example, "+
			"and move the details to docs/ (linked from the README)", n, readmeLimit)
	}
}

// TestReadmeLayoutNamesEveryPackage checks that the README's Layout
// paragraph names every Go package of the repository: its path with a
// trailing slash ("`upload/parts/`"), or, in the lists of internal/ and
// bench/, its name ("`etag`").
func TestReadmeLayoutNamesEveryPackage(t *testing.T) {
	readme := readDoc(t, "README.md")
	start := strings.Index(readme, "\nLayout: ")
	if start < 0 {
		t.Fatal("README.md has no paragraph beginning with \"Layout: \"")
	}
	layout, _, _ := strings.Cut(readme[start+1:], "\n\n")
	for _, pkg := range goPackages(t) {
		if !strings.Contains(layout, "`"+pkg+"/`") && !strings.Contains(layout, "`"+path.Base(pkg)+"`") {
			t.Errorf("the README's Layout paragraph does not name the package %s", pkg)
		}
	}
}

// goPackages lists the folders of the repository that hold Go files, as
// slash paths from its top, skipping testdata and hidden folders.
func goPackages(t *testing.T) []string {
	t.Helper()
	found := map[string]bool{}
	err := filepath.WalkDir(repoRoot, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && name != repoRoot && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(name, ".go") {
			rel, _ := filepath.Rel(repoRoot, filepath.Dir(name))
			found[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 10 {
		t.Fatalf("found only %d packages under %s", len(found), repoRoot)
	}
	return slices.Sorted(maps.Keys(found))
}

// proseLines returns text's lines outside fenced code blocks, with code
// spans blanked, so that neither is read as a link.
func proseLines(text string) []string {
	var lines []string
	fenced := false
	codeSpan := regexp.MustCompile("`[^`]*`")
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			lines = append(lines, codeSpan.ReplaceAllString(line, "``"))
		}
	}
	return lines
}

// anchors returns the anchors GitHub makes of text's headings: lower
// case, spaces as dashes, other punctuation dropped, "-1" and so on after
// a repeated one.
func anchors(text string) map[string]bool {
	found := map[string]bool{}
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
		}
		title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if fenced || !ok || !strings.HasPrefix(line, "#") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(title)) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		base := b.String()
		anchor := base
		for n := 1; found[anchor]; n++ {
			anchor = base + "-" + strconv.Itoa(n)
		}
		found[anchor] = true
	}
	return found
}

// TestDocLinks checks that every relative link in the documents leads to
// a file of the repository, and every #anchor to a heading in it.
func TestDocLinks(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^()\s]+)\)`)
	for _, name := range markdownFiles(t) {
		for _, line := range proseLines(readDoc(t, name)) {
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				file, anchor, _ := strings.Cut(target, "#")
				if file == "" {
					file = name
				} else {
					file = path.Join(path.Dir(name), file)
				}
				if strings.HasPrefix(file, "../") {
					t.Errorf("%s: link %q leaves the repository", name, target)
					continue
				}
				info, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(file)))
				switch {
				case err != nil:
					t.Errorf("%s: link %q: no file %s", name, target, file)
				case anchor == "":
				case info.IsDir() || !strings.HasSuffix(file, ".md"):
					t.Errorf("%s: link %q: an anchor into %s, which is not Markdown", name, target, file)
				case !anchors(readDoc(t, file))[anchor]:
					t.Errorf("%s: link %q: %s has no heading for #%s", name, target, file, anchor)
				}
			}
		}
	}
}

func TestAnchors(t *testing.T) {
	got := anchors("# simplehttp\n## Passwords, CORS, sites and caching\n```\n# not a heading\n```\n" +
		"## `make bench`: Go's benchmarks\n## Uploads\n## Uploads\n#hashtag\n")
	want := []string{"simplehttp", "passwords-cors-sites-and-caching", "make-bench-gos-benchmarks", "uploads", "uploads-1"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
		t.Errorf("anchors = %q, want %q", keys, want)
	}
}

// TestFlagTables checks that the flag tables of the README and of
// docs/command-line.md name every flag of --help, with its short form,
// and no other.
func TestFlagTables(t *testing.T) {
	option := regexp.MustCompile("`(-[a-zA-Z]), (--[a-z0-9-]+)|`(--[a-z0-9-]+)")
	for _, name := range []string{"README.md", "docs/command-line.md"} {
		rows := map[string]string{} // "--long": the first cell of its row
		for _, line := range strings.Split(readDoc(t, name), "\n") {
			cells := strings.Split(line, "|")
			if !strings.HasPrefix(line, "| `-") || len(cells) < 3 {
				continue
			}
			for _, m := range option.FindAllStringSubmatch(cells[1], -1) {
				rows[m[2]+m[3]] = cells[1]
			}
		}
		for _, spec := range flagSpecs {
			cell, ok := rows["--"+spec.long]
			switch {
			case !ok:
				t.Errorf("%s: the flag table has no row for --%s: add one", name, spec.long)
			case spec.short != 0 && !strings.Contains(cell, "-"+string(spec.short)+", --"+spec.long):
				t.Errorf("%s: the flag table shows --%s without -%c", name, spec.long, spec.short)
			}
			delete(rows, "--"+spec.long)
		}
		for long := range rows {
			t.Errorf("%s: the flag table has %s, which is not a flag", name, long)
		}
	}
}

// TestDocAbbreviationsResolve checks that every shortened option the
// documents show (--dir) names one flag.
func TestDocAbbreviationsResolve(t *testing.T) {
	word := regexp.MustCompile(`(?:^|[^\w-])--([a-z][a-z0-9-]*)`)
	for _, name := range markdownFiles(t) {
		for _, m := range word.FindAllStringSubmatch(readDoc(t, name), -1) {
			prefix := m[1]
			if !slices.ContainsFunc(flagSpecs, func(spec flagSpec) bool {
				return spec.long != prefix && strings.HasPrefix(spec.long, prefix)
			}) {
				continue // a flag's full name, or another program's option
			}
			if _, err := lookupLong(prefix); err != nil {
				t.Errorf("%s shows --%s: %v", name, prefix, err)
			}
		}
	}
}
