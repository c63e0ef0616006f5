package upload

import (
	"io"
	"log/slog"
	"os"
)

// This file is what other handlers that change files in the same
// directory (package dav's COPY) share with uploads, so that every file
// is named and stored alike.

// CheckName returns nil when name may name a new file or folder, or an
// error saying why not (whose text is fit for the client): one path
// element, not "." or "..", valid UTF-8 of at most 255 bytes, without
// control characters or bidirectional overrides.
func CheckName(name string) error {
	return checkName(name)
}

// Store writes body as the file name in the folder dir (both under root)
// as an upload is stored: to a temporary file in dir, synced, then moved
// into place only once body ended cleanly with size bytes (size -1: any).
// An existing file is replaced only when replace is set, never a folder.
// It reports whether a file was replaced. logger receives warnings.
func Store(root *os.Root, dir, name string, body io.Reader, size int64, replace bool, logger *slog.Logger) (replaced bool, err error) {
	h := &Handler{root: root, overwrite: replace, log: logger}
	res, err := h.store(dir, name, body, size)
	return res.replaced, err
}
