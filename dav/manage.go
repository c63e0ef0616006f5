package dav

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/simplehttp/simplehttp/internal/answer"
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
	var ref *answer.Refusal
	switch {
	case err == nil:
		succeed(w, r, http.StatusNoContent, "./", []string{"deleted " + res.url})
	case answer.StyleOf(r) == answer.Text && errors.As(err, &ref) && ref.Member != "" && ref.Member != res.url:
		// RFC 4918 §9.6.1: a WebDAV client learns which entry inside
		// the folder could not be deleted from a 207 naming it.
		writeMemberFailure(w, ref)
	default:
		h.fail(w, r, err)
	}
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
	infinite, depthErr := infiniteDepth(r)
	if depthErr != nil {
		err = depthErr
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
		return answer.Refuse(http.StatusNotFound, "no such file or folder")
	}
	if res.rel == "." {
		return answer.Refuse(http.StatusForbidden, "refused to change the served folder itself")
	}
	if _, err := h.root.Lstat(res.rel); err != nil {
		return answer.Refuse(answer.StatusOf(err), "no such file or folder")
	}
	return nil
}

// checkTarget checks that dst may be what src becomes.
func (h *Handler) checkTarget(src, dst resource) error {
	switch {
	case dst.rel == ".":
		return answer.Refuse(http.StatusForbidden, "refused to replace the served folder itself")
	case dst.url == src.url:
		return answer.Refuse(http.StatusForbidden, "refused a Destination that is the source itself")
	case isBelow(dst.url, src.url):
		return answer.Refuse(http.StatusForbidden, "refused a Destination inside the source")
	case h.hidden(dst):
		return answer.Refuse(http.StatusForbidden, "refused the hidden name %q", dst.base())
	}
	info, err := h.root.Stat(dst.parent().rel)
	if err != nil || !info.IsDir() || h.hidden(dst.parent()) {
		return answer.Refuse(http.StatusConflict, "no folder %s to put it in", dst.parent().url)
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
		return outcome(err, "what came before it is gone, the rest is as it was")
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
			return answer.Refuse(http.StatusForbidden, "refused: /%s holds hidden files, which this server does not delete (start it with --dotfiles)", dir)
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

// entryFailed is the error of the entry name of a tree that could not
// be deleted or copied: the answer names it, by its URL path.
func entryFailed(name string, err error) error {
	var ref *answer.Refusal
	if errors.As(err, &ref) {
		return err
	}
	return &answer.Refusal{Code: answer.StatusOf(err), Msg: fmt.Sprintf("stopped at /%s: %s", name, messageOf(err)), Member: "/" + name}
}

// outcome adds to the message of err, when it names an entry, what
// became of the rest of the tree.
func outcome(err error, what string) error {
	var ref *answer.Refusal
	if errors.As(err, &ref) && ref.Member != "" {
		return &answer.Refusal{Code: ref.Code, Msg: ref.Msg + "; " + what, Member: ref.Member}
	}
	return err
}

// rename moves src to dst: one rename(2), atomic on one file system. What
// dst names is replaced only when overwrite is set: a file by a file in
// the same step; a folder, or a file by a folder, through a temporary
// name (see place). It reports whether dst is new.
func (h *Handler) rename(src, dst resource, overwrite bool) (created bool, err error) {
	srcInfo, err := h.root.Lstat(src.rel)
	if err != nil {
		return false, err
	}
	dstInfo, err := h.root.Lstat(dst.rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		created = true
		err = h.root.Rename(src.rel, dst.rel)
	case err != nil:
		return false, err
	case !overwrite:
		return false, answer.Refuse(http.StatusPreconditionFailed, "%s exists (Overwrite: F)", dst.url)
	case srcInfo.IsDir() || dstInfo.IsDir():
		err = h.renameOver(src, dst, dstInfo.IsDir())
	default:
		err = h.root.Rename(src.rel, dst.rel)
	}
	if err != nil {
		return false, err
	}
	if !created {
		h.props.deleted(dst.rel)
	}
	h.locks.dropTree(src.url)
	h.locks.dropTree(dst.url)
	h.props.moved(src.rel, dst.rel)
	return created, nil
}

// renameOver moves src over dst where one of them is a folder, which
// rename(2) cannot replace by the other: src first takes a temporary name
// beside dst, then place swaps it in.
func (h *Handler) renameOver(src, dst resource, dstIsDir bool) error {
	if dstIsDir && !h.dotfiles {
		if err := h.checkNoHidden(dst.rel); err != nil {
			return err
		}
	}
	tmp, err := h.tempName(dst.parent().rel)
	if err != nil {
		return err
	}
	if err := h.root.Rename(src.rel, tmp); err != nil {
		return err
	}
	if err := h.place(tmp, dst, true); err != nil {
		h.root.Rename(tmp, src.rel) //nolint:errcheck // back where it was, if it can be
		return err
	}
	return nil
}

// copyResource copies src to dst: a file (a link is followed), or a
// folder, alone or with everything in it. What dst names is replaced only
// when overwrite is set and the server deletes. Nothing is half-done: a
// file is copied as an upload is stored (to a temporary file, then
// renamed into place); a folder, or a file over a folder, is copied whole
// under a temporary name, which place then swaps in. A copy that fails
// leaves dst as it was. It reports whether dst is new.
func (h *Handler) copyResource(src, dst resource, overwrite, infinite bool) (created bool, err error) {
	srcInfo, err := h.root.Stat(src.rel)
	if err != nil {
		return false, err
	}
	if !srcInfo.IsDir() && !srcInfo.Mode().IsRegular() {
		return false, answer.Refuse(http.StatusForbidden, "refused to copy %s, which is not a regular file", src.url)
	}
	dstInfo, err := h.root.Lstat(dst.rel)
	replace := err == nil
	switch {
	case errors.Is(err, fs.ErrNotExist):
		created = true
	case err != nil:
		return false, err
	case !overwrite:
		return false, answer.Refuse(http.StatusPreconditionFailed, "%s exists (Overwrite: F)", dst.url)
	case !h.delete:
		return false, answer.Refuse(http.StatusForbidden, "%s exists, and this server does not replace files by a copy (start it with --delete or -w)", dst.url)
	case dstInfo.IsDir() && !h.dotfiles:
		if err := h.checkNoHidden(dst.rel); err != nil {
			return false, err
		}
	}
	if !srcInfo.IsDir() && !(replace && dstInfo.IsDir()) {
		err = h.copyFile(src.rel, dst.rel, replace)
	} else {
		err = h.copyAside(src.rel, dst, srcInfo.IsDir(), infinite, replace)
	}
	if err != nil {
		return false, outcome(err, "nothing was copied")
	}
	if replace {
		h.locks.dropTree(dst.url)
	}
	return created, nil
}

// copyAside copies src whole under a temporary name beside dst, then
// places it as dst.
func (h *Handler) copyAside(src string, dst resource, isDir, infinite, replace bool) error {
	tmp, err := h.tempName(dst.parent().rel)
	if err == nil {
		if isDir {
			err = h.copyFolder(src, tmp, infinite)
		} else {
			err = h.copyFile(src, tmp, false)
		}
	}
	if err == nil {
		err = h.place(tmp, dst, replace)
	}
	if err != nil {
		if tmp != "" {
			h.discard(tmp)
			h.props.deleted(tmp)
		}
		return err
	}
	h.props.deleted(dst.rel)
	h.props.moved(tmp, dst.rel)
	return nil
}

// copyFile copies the regular file src to dst as an upload is stored
// (complete or not at all), with its dead properties; with replace, over
// the file dst, in one rename.
func (h *Handler) copyFile(src, dst string, replace bool) error {
	f, err := h.root.Open(src)
	if err != nil {
		return entryFailed(src, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return entryFailed(src, err)
	}
	if _, err := upload.Store(h.root, path.Dir(dst), path.Base(dst), f, info.Size(), replace, h.log); err != nil {
		return entryFailed(src, err)
	}
	if replace {
		h.props.deleted(dst)
	}
	return h.props.copyTo(src, dst)
}

// copyFolder makes the folder dst, with src's dead properties, and with
// infinite copies everything in src into it: folders and files, and links
// as links. Hidden names are left out unless dotfiles are served. An
// entry that fails is named by its name in src.
func (h *Handler) copyFolder(src, dst string, infinite bool) error {
	if err := h.root.Mkdir(dst, 0o755); err != nil {
		return entryFailed(src, err)
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
			return h.copyFile(from, to, false)
		}
		return nil // a FIFO, socket or device is not copied
	})
}
