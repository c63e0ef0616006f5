package listing

import (
	"path"
	"strings"

	"github.com/simplehttp/simplehttp/internal/exttype"
)

// Category is the kind of entry a listing's icon shows. Sorting by type
// orders entries by category (in the order of the constants), then by
// extension, then by name.
type Category uint8

// The categories.
const (
	CategoryFolder Category = iota
	CategoryArchive
	CategoryAudio
	CategoryCode
	CategoryImage
	CategoryPDF
	CategoryText
	CategoryVideo
	CategoryOther
)

// categoryInfo is each category's icon (a class the style sheet draws from
// the sprite public/icons.svg) and label.
var categoryInfo = [...]struct{ icon, label string }{
	CategoryFolder:  {"folder", "Folder"},
	CategoryArchive: {"archive", "Archive"},
	CategoryAudio:   {"audio", "Audio"},
	CategoryCode:    {"code", "Code"},
	CategoryImage:   {"image", "Image"},
	CategoryPDF:     {"pdf", "PDF"},
	CategoryText:    {"text", "Text"},
	CategoryVideo:   {"video", "Video"},
	CategoryOther:   {"file", "File"},
}

// Icon is the category's icon name ("folder", "image", …): its class in
// the listing and its <view> id in the icon sprite.
func (c Category) Icon() string { return categoryInfo[c].icon }

// Label is the category's name for people ("Folder", "Image", …).
func (c Category) Label() string { return categoryInfo[c].label }

// CategoryOf is the category of a file (not a folder) named name, from
// its extension alone.
func CategoryOf(name string) Category {
	ext := strings.ToLower(path.Ext(name))
	typ, _ := exttype.Lookup(ext)
	return categoryOf(ext, typ)
}

// archiveExts are the extensions of archives and compressed files.
var archiveExts = setOf(".zip", ".gz", ".tgz", ".br", ".zst", ".xz", ".bz2", ".7z", ".tar",
	".rar", ".jar", ".iso", ".deb", ".rpm", ".apk", ".dmg", ".lz", ".lz4", ".lzma", ".cab", ".whl")

// codeExts are the extensions of source code and markup.
var codeExts = setOf(".c", ".h", ".cc", ".cpp", ".hpp", ".go", ".rs", ".py", ".rb", ".java",
	".kt", ".swift", ".ts", ".tsx", ".jsx", ".js", ".mjs", ".cjs", ".sh", ".bash", ".php", ".pl",
	".sql", ".diff", ".patch", ".html", ".htm", ".xhtml", ".css", ".scss", ".json", ".xml",
	".yaml", ".yml", ".toml", ".ini", ".conf", ".wasm", ".lua", ".cs", ".mod", ".sum", ".mk")

func setOf(exts ...string) map[string]bool {
	m := make(map[string]bool, len(exts))
	for _, e := range exts {
		m[e] = true
	}
	return m
}

// classify sets e's extension, MIME type and category from its name and
// kind alone: a listing never reads a file's content. m remembers the last
// extension's: a big folder's files mostly share one.
func (e *Entry) classify(m *extMemo) {
	if e.IsDir {
		e.Category = CategoryFolder
		return
	}
	e.ext = path.Ext(e.lower)
	if m.known && m.ext == e.ext {
		e.Type, e.Category = m.typ, m.category
		return
	}
	e.Type, _ = exttype.Lookup(e.ext)
	e.Category = categoryOf(e.ext, e.Type)
	*m = extMemo{ext: e.ext, typ: e.Type, category: e.Category, known: true}
}

// extMemo is the MIME type and category of one extension.
type extMemo struct {
	ext, typ string
	category Category
	known    bool
}

// categoryOf is the category of a file with extension ext and MIME type
// typ (both maybe empty).
func categoryOf(ext, typ string) Category {
	major, _, _ := strings.Cut(typ, "/")
	switch {
	case archiveExts[ext]:
		return CategoryArchive
	case codeExts[ext]:
		return CategoryCode
	case typ == "application/pdf":
		return CategoryPDF
	case major == "image":
		return CategoryImage
	case major == "video":
		return CategoryVideo
	case major == "audio":
		return CategoryAudio
	case major == "text":
		return CategoryText
	}
	return CategoryOther
}
