package preview

import (
	"path"
	"strconv"
	"strings"
)

// byName are the languages of files whose name, not extension, tells it
// (in lower case), as highlight.js names them.
var byName = map[string]string{
	"makefile":      "makefile",
	"gnumakefile":   "makefile",
	"dockerfile":    "dockerfile",
	"containerfile": "dockerfile",
	"gemfile":       "ruby",
	"rakefile":      "ruby",
	"vagrantfile":   "ruby",
	".bashrc":       "bash",
	".bash_profile": "bash",
	".profile":      "bash",
	".zshrc":        "bash",
}

// byExtension are the languages of public/highlight.js (the common ones
// and Dockerfile) by the extensions of their files, in lower case, as
// highlight.js names them. Markdown is not among them: it is rendered.
var byExtension = map[string]string{
	"sh": "bash", "bash": "bash", "zsh": "bash",
	"c": "c", "h": "c",
	"cc": "cpp", "cpp": "cpp", "cxx": "cpp", "c++": "cpp", "hh": "cpp", "hpp": "cpp", "hxx": "cpp", "h++": "cpp",
	"cs":   "csharp",
	"css":  "css",
	"diff": "diff", "patch": "diff",
	"go":      "go",
	"graphql": "graphql", "gql": "graphql",
	"ini": "ini", "toml": "ini", "cfg": "ini",
	"java": "java", "jsp": "java",
	"js": "javascript", "mjs": "javascript", "cjs": "javascript", "jsx": "javascript",
	"json": "json", "jsonc": "json", "json5": "json",
	"kt": "kotlin", "kts": "kotlin",
	"less": "less",
	"lua":  "lua",
	"mk":   "makefile", "mak": "makefile",
	"m": "objectivec", "mm": "objectivec",
	"pl": "perl", "pm": "perl",
	"php": "php",
	"py":  "python", "pyi": "python", "pyw": "python",
	"r":  "r",
	"rb": "ruby", "gemspec": "ruby",
	"rs":    "rust",
	"scss":  "scss",
	"sql":   "sql",
	"swift": "swift",
	"ts":    "typescript", "tsx": "typescript", "mts": "typescript", "cts": "typescript",
	"vb":  "vbnet",
	"wat": "wasm", "wast": "wasm",
	"xml": "xml", "html": "xml", "htm": "xml", "xhtml": "xml", "svg": "xml", "xsd": "xml", "xsl": "xml", "plist": "xml",
	"yaml": "yaml", "yml": "yaml",
}

// language is the language a file named name is written in, as
// highlight.js names it: by the name for a few (Makefile, Dockerfile,
// Dockerfile.dev), else by the extension. It is "" for any other name:
// such a file is shown plain, and its page loads no highlighter.
func language(name string) string {
	base := strings.ToLower(path.Base(name))
	if lang, ok := byName[base]; ok {
		return lang
	}
	if stem, _, ok := strings.Cut(base, "."); ok && (stem == "dockerfile" || stem == "containerfile") {
		return "dockerfile"
	}
	return byExtension[strings.TrimPrefix(path.Ext(base), ".")]
}

// lineNumbers is the gutter beside text: the number of each of its lines,
// one a line. A last line without its newline counts.
func lineNumbers(text string) string {
	n := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		n++
	}
	var b strings.Builder
	b.Grow(n * 7)
	for i := 1; i <= n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('\n')
	}
	return b.String()
}
