package dav

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/simplehttp/simplehttp/upload"
)

// deleteResource answers DELETE: a file, a link, or a folder with
// everything in it.
func (h *Handler) deleteResource(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err == nil {
		err = h.checkSource(res)
	}
	if err == nil {
		err = h.checkConditions(r, change{res: res, tree: true}, change{res: res.parent()})
	}
	if err == nil {
		err = h.remove(res)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	succeed(w, r, http.StatusNoContent, "./", []string{"deleted " + res.url})
}

// move answers MOVE, WebDAV's rename: one rename(2), atomic on one file
// system. A Destination that exists is replaced unless "Overwrite: F".
func (h *Handler) move(w http.ResponseWriter, r *http.Request) {
	src, dst, err := h.sourceAndDestination(r)
	if err == nil {
		err = h.checkConditions(r, change{res: src, tree: true}, change{res: src.parent()},
			change{res: dst, tree: true}, change{res: dst.parent()})
	}
	var created bool
	if err == nil {
		created, err = h.rename(src, dst, r.Header.Get("Overwrite") != "F")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	succeed(w, r, createdOr(created), "./", []string{"moved " + src.url + " to " + dst.url})
}

// copy answers COPY: a file, or a folder with (Depth: infinity, the
// default) or without (Depth: 0) what is in it. Replacing what the
// Destination names takes --delete, as any replacement does.
func (h *Handler) copy(w http.ResponseWriter, r *http.Request) {
	src, dst, err := h.sourceAndDestination(r)
	infinite := true
	switch r.Header.Get("Depth") {
	case "", "infinity":
	case "0":
		infinite = false
	default:
		err = refuse(http.StatusBadRequest, "refused a COPY Depth other than 0 or infinity")
	}
	if err == nil {
		err = h.checkConditions(r, change{res: dst, tree: true}, change{res: dst.parent()})
	}
	var created bool
	if err == nil {
		created, err = h.copyResource(src, dst, r.Header.Get("Overwrite") != "F", infinite)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	succeed(w, r, createdOr(created), "./", []string{"copied " + src.url + " to " + dst.url})
}

func createdOr(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusNoContent
}

// sourceAndDestination are the resources a COPY or MOVE names, once
// checked: the source exists and is not hidden, the destination is on
// this server, inside the served folder, not hidden, not the source or
// inside it, and not the top.
func (h *Handler) sourceAndDestination(r *http.Request) (src, dst resource, err error) {
	if src, err = resourceOf(r.URL.Path); err != nil {
		return
	}
	if dst, err = destination(r); err != nil {
		return
	}
	if err = h.checkSource(src); err != nil {
		return
	}
	err = h.checkTarget(src, dst)
	return
}

// checkSource checks that res may be deleted, moved or copied: it exists,
// is not hidden, and is not the top of the served folder.
func (h *Handler) checkSource(res resource) error {
	if h.hidden(res) {
		return refuse(http.StatusNotFound, "no such file or folder")
	}
	if res.rel == "." {
		return refuse(http.StatusForbidden, "refused to change the served folder itself")
	}
	if _, err := h.root.Lstat(res.rel); err != nil {
		return refuse(statusOf(err), "no such file or folder")
	}
	return nil
}

// checkTarget checks that dst may be what src becomes.
func (h *Handler) checkTarget(src, dst resource) error {
	switch {
	case dst.rel == ".":
		return refuse(http.StatusForbidden, "refused to replace the served folder itself")
	case dst.url == src.url:
		return refuse(http.StatusForbidden, "refused a Destination that is the source itself")
	case isBelow(dst.url, src.url):
		return refuse(http.StatusForbidden, "refused a Destination inside the source")
	case h.hidden(dst):
		return refuse(http.StatusForbidden, "refused the hidden name %q", dst.base())
	}
	info, err := h.root.Stat(dst.parent().rel)
	if err != nil || !info.IsDir() || h.hidden(dst.parent()) {
		return refuse(http.StatusConflict, "no folder %s to put it in", dst.parent().url)
	}
	return nil
}

// remove deletes res (not followed if it is a link): a folder with
// everything in it, once nothing in it is found hidden. The first entry
// that cannot be deleted stops it, and the error names it: what was
// deleted before it is gone, the rest is left.
func (h *Handler) remove(res resource) error {
	info, err := h.root.Lstat(res.rel)
	if err != nil {
		return err
	}
	if info.IsDir() && !h.dotfiles {
		if err := h.checkNoHidden(res.rel); err != nil {
			return err
		}
	}
	if err := h.removeTree(res.rel, info.IsDir()); err != nil {
		return err
	}
	h.locks.dropTree(res.url)
	h.props.deleted(res.rel)
	return nil
}

// namesPerRead bounds the names of a folder held at once while it is
// walked, so that a walk's memory grows with its depth, never its size.
const namesPerRead = 256

// eachEntry calls do with the name of every entry of the folder dir, a
// few hundred at a time; an error from do stops it.
func (h *Handler) eachEntry(dir string, do func(name string) error) error {
	f, err := h.root.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		names, err := f.Readdirnames(namesPerRead)
		for _, n := range names {
			if err := do(n); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// checkNoHidden walks the folder dir and refuses it if a hidden name is
// anywhere in it: the dotfile rule keeps such names from the client, so
// it may not delete them unseen.
func (h *Handler) checkNoHidden(dir string) error {
	return h.eachEntry(dir, func(name string) error {
		if strings.HasPrefix(name, ".") {
			return refuse(http.StatusForbidden, "refused: /%s holds hidden files, which this server does not delete (start it with --dotfiles)", dir)
		}
		child := path.Join(dir, name)
		info, err := h.root.Lstat(child)
		if err != nil || !info.IsDir() {
			return err
		}
		return h.checkNoHidden(child)
	})
}

// removeTree deletes name, and first everything in it if it is a folder.
func (h *Handler) removeTree(name string, isDir bool) error {
	if isDir {
		err := h.eachEntry(name, func(entry string) error {
			child := path.Join(name, entry)
			info, err := h.root.Lstat(child)
			if err != nil {
				return entryFailed(child, err)
			}
			return h.removeTree(child, info.IsDir())
		})
		if err != nil {
			return err
		}
	}
	if err := h.root.Remove(name); err != nil {
		return entryFailed(name, err)
	}
	return nil
}

// entryFailed is the error of an entry of a tree that could not be
// deleted or copied, which the answer names.
func entryFailed(name string, err error) error {
	var ref *refusal
	if errors.As(err, &ref) {
		return err
	}
	return &refusal{code: statusOf(err), msg: fmt.Sprintf("stopped at /%s: %s; what came before it is done, the rest is as it was", name, messageOf(err))}
}

// rename moves src to dst, replacing what dst names when overwrite is
// set (a folder, or a file by a folder, is deleted first; a file replaces
// a file atomically). It reports whether dst is new.
func (h *Handler) rename(src, dst resource, overwrite bool) (created bool, err error) {
	srcInfo, err := h.root.Lstat(src.rel)
	if err != nil {
		return false, err
	}
	dstInfo, err := h.root.Lstat(dst.rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		created = true
	case err != nil:
		return false, err
	case !overwrite:
		return false, refuse(http.StatusPreconditionFailed, "%s exists (Overwrite: F)", dst.url)
	case srcInfo.IsDir() || dstInfo.IsDir():
		if err := h.remove(dst); err != nil {
			return false, err
		}
	}
	if err := h.root.Rename(src.rel, dst.rel); err != nil {
		return false, err
	}
	h.locks.dropTree(src.url)
	h.props.moved(src.rel, dst.rel)
	return created, nil
}

// copyResource copies src to dst: a file (a link is followed), or a
// folder, alone or with everything in it. What dst names is replaced only
// when overwrite is set and the server deletes. It reports whether dst
// is new.
func (h *Handler) copyResource(src, dst resource, overwrite, infinite bool) (created bool, err error) {
	srcInfo, err := h.root.Stat(src.rel)
	if err != nil {
		return false, err
	}
	_, err = h.root.Lstat(dst.rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		created = true
	case err != nil:
		return false, err
	case !overwrite:
		return false, refuse(http.StatusPreconditionFailed, "%s exists (Overwrite: F)", dst.url)
	case !h.delete:
		return false, refuse(http.StatusForbidden, "%s exists, and this server does not replace files by a copy (start it with --delete or -w)", dst.url)
	default:
		if err := h.remove(dst); err != nil {
			return false, err
		}
	}
	if srcInfo.IsDir() {
		return created, h.copyFolder(src.rel, dst.rel, infinite)
	}
	if !srcInfo.Mode().IsRegular() {
		return false, refuse(http.StatusForbidden, "refused to copy %s, which is not a regular file", src.url)
	}
	return created, h.copyFile(src.rel, dst.rel)
}

// copyFile copies the regular file src to the new name dst as an upload
// is stored (complete or not at all), with its dead properties.
func (h *Handler) copyFile(src, dst string) error {
	f, err := h.root.Open(src)
	if err != nil {
		return entryFailed(src, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return entryFailed(src, err)
	}
	if _, err := upload.Store(h.root, path.Dir(dst), path.Base(dst), f, info.Size(), false, h.log); err != nil {
		return entryFailed(dst, err)
	}
	return h.props.copyTo(src, dst)
}

// copyFolder makes the folder dst, with src's dead properties, and with
// infinite copies everything in src into it: folders and files, and links
// as links. Hidden names are left out unless dotfiles are served.
func (h *Handler) copyFolder(src, dst string, infinite bool) error {
	if err := h.root.Mkdir(dst, 0o755); err != nil {
		return entryFailed(dst, err)
	}
	if err := h.props.copyTo(src, dst); err != nil {
		return err
	}
	if !infinite {
		return nil
	}
	return h.eachEntry(src, func(name string) error {
		if !h.dotfiles && strings.HasPrefix(name, ".") {
			return nil
		}
		from, to := path.Join(src, name), path.Join(dst, name)
		info, err := h.root.Lstat(from)
		switch {
		case err != nil:
			return entryFailed(from, err)
		case info.IsDir():
			return h.copyFolder(from, to, true)
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := h.root.Readlink(from)
			if err == nil {
				err = h.root.Symlink(target, to)
			}
			if err != nil {
				return entryFailed(from, err)
			}
			return nil
		case info.Mode().IsRegular():
			return h.copyFile(from, to)
		}
		return nil // a FIFO, socket or device is not copied
	})
}
