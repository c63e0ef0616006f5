package dav

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"path"
)

// A COPY or MOVE that replaces a folder, or puts a folder where a file
// was, cannot do it with one rename(2): it builds or moves the new tree
// under a temporary name beside the destination, then swaps it in (see
// place). The temporary names are hidden, so no listing shows them
// (unless dotfiles are served), and a restart mid-copy leaves one behind
// as an upload cut off mid-way leaves its temporary file.
const tempPrefix = ".simplehttp-dav-"

// tempName is a new temporary name in the folder dir, root-relative.
func (h *Handler) tempName(dir string) (string, error) {
	for range 10 {
		var b [8]byte
		rand.Read(b[:])
		name := path.Join(dir, tempPrefix+hex.EncodeToString(b[:]))
		if _, err := h.root.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
	}
	return "", errors.New("dav: no free temporary name")
}

// place gives the complete tree tmp, a temporary name in the folder of
// dst, the name dst. With replace, what dst named is swapped out in one
// step where the file system can (renameat2 with RENAME_EXCHANGE: dst
// names the old or the new, never nothing), else moved aside to another
// temporary name first (dst names nothing between two renames); then it
// is deleted. What cannot be deleted of it stays under its hidden
// temporary name, and is logged: dst is the copy, as the client asked.
func (h *Handler) place(tmp string, dst resource, replace bool) error {
	if !replace {
		return h.root.Rename(tmp, dst.rel)
	}
	dir := dst.parent().rel
	old := tmp // after an exchange, what dst named is at tmp
	err := h.swap(h.root, dir, path.Base(tmp), dst.base())
	if errors.Is(err, errors.ErrUnsupported) {
		if old, err = h.tempName(dir); err != nil {
			return err
		}
		if err = h.root.Rename(dst.rel, old); err == nil {
			if err = h.root.Rename(tmp, dst.rel); err != nil {
				h.root.Rename(old, dst.rel) //nolint:errcheck // back where it was, if it can be
			}
		}
	}
	if err != nil {
		return err
	}
	h.discard(old)
	return nil
}

// discard deletes the temporary tree tmp, logging what it cannot. (Any
// dead properties kept in memory for its names are the caller's.)
func (h *Handler) discard(tmp string) {
	info, err := h.root.Lstat(tmp)
	if err == nil {
		err = h.removeTree(tmp, info.IsDir())
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		h.log.Warn("dav: a temporary tree could not be deleted", "name", tmp, "err", err)
	}
}
