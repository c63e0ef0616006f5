// Package exttype maps file extensions to Content-Types. File serving and
// directory listings share this one table, so a listing names the type a
// download will have, without reading any file's content.
package exttype

import "strings"

// types maps lower-case file extensions to Content-Types. It is
// built in, so the answer never depends on the host's mime.types (a host
// that maps .js to text/plain breaks ES modules). Compressed files are
// archives here, never a Content-Encoding: a browser must save foo.tar.gz,
// not unpack it.
var types = map[string]string{
	// Web pages and their parts.
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
	".xhtml": "application/xhtml+xml", ".css": "text/css; charset=utf-8",
	".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".cjs": "text/javascript; charset=utf-8", ".json": "application/json",
	".map": "application/json", ".jsonld": "application/ld+json",
	".webmanifest": "application/manifest+json", ".wasm": "application/wasm",
	".xml": "text/xml; charset=utf-8", ".rss": "application/rss+xml",
	".atom": "application/atom+xml",

	// Text.
	".txt": "text/plain; charset=utf-8", ".text": "text/plain; charset=utf-8",
	".log": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
	".markdown": "text/markdown; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".tsv": "text/tab-separated-values; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
	".vtt": "text/vtt; charset=utf-8", ".srt": "text/plain; charset=utf-8",
	".yaml": "text/plain; charset=utf-8", ".yml": "text/plain; charset=utf-8",
	".toml": "text/plain; charset=utf-8", ".ini": "text/plain; charset=utf-8",
	".conf": "text/plain; charset=utf-8", ".rtf": "application/rtf",

	// Source code is shown as text, never run.
	".c": "text/plain; charset=utf-8", ".h": "text/plain; charset=utf-8",
	".cc": "text/plain; charset=utf-8", ".cpp": "text/plain; charset=utf-8",
	".hpp": "text/plain; charset=utf-8", ".go": "text/plain; charset=utf-8",
	".rs": "text/plain; charset=utf-8", ".py": "text/plain; charset=utf-8",
	".rb": "text/plain; charset=utf-8", ".java": "text/plain; charset=utf-8",
	".kt": "text/plain; charset=utf-8", ".swift": "text/plain; charset=utf-8",
	".ts": "text/plain; charset=utf-8", ".tsx": "text/plain; charset=utf-8",
	".jsx": "text/plain; charset=utf-8", ".sh": "text/plain; charset=utf-8",
	".php": "text/plain; charset=utf-8", ".pl": "text/plain; charset=utf-8",
	".sql": "text/plain; charset=utf-8", ".diff": "text/plain; charset=utf-8",
	".patch": "text/plain; charset=utf-8",

	// Images.
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif",
	".svg": "image/svg+xml", ".ico": "image/vnd.microsoft.icon", ".bmp": "image/bmp",
	".tif": "image/tiff", ".tiff": "image/tiff", ".heic": "image/heic",

	// Audio and video.
	".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg",
	".opus": "audio/ogg", ".wav": "audio/wav", ".flac": "audio/flac",
	".m4a": "audio/mp4", ".aac": "audio/aac", ".mid": "audio/midi",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm",
	".ogv": "video/ogg", ".mov": "video/quicktime", ".mkv": "video/x-matroska",
	".avi": "video/x-msvideo", ".mpeg": "video/mpeg", ".mpg": "video/mpeg",

	// Fonts.
	".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",

	// Documents.
	".pdf": "application/pdf", ".epub": "application/epub+zip",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel",
	".ppt":  "application/vnd.ms-powerpoint",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",

	// Archives and compressed files.
	".zip": "application/zip", ".gz": "application/gzip", ".tgz": "application/gzip",
	".br": "application/x-brotli", ".zst": "application/zstd", ".xz": "application/x-xz",
	".bz2": "application/x-bzip2", ".7z": "application/x-7z-compressed",
	".tar": "application/x-tar", ".rar": "application/vnd.rar",
	".jar": "application/java-archive", ".iso": "application/x-iso9660-image",
	".deb": "application/vnd.debian.binary-package", ".rpm": "application/x-rpm",
	".apk": "application/vnd.android.package-archive", ".dmg": "application/x-apple-diskimage",
	".exe": "application/vnd.microsoft.portable-executable", ".msi": "application/x-msi",
	".bin": "application/octet-stream",
}

// Lookup returns the Content-Type of the extension ext (".js", any case,
// with its dot) and whether the table knows it.
func Lookup(ext string) (string, bool) {
	t, ok := types[ext]
	if !ok {
		t, ok = types[strings.ToLower(ext)]
	}
	return t, ok
}
