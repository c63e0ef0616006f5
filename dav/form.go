package dav

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/assets"
	"github.com/simplehttp/simplehttp/templates"
	"github.com/simplehttp/simplehttp/upload"
)

// maxFormBytes bounds the body of the listing's forms: names of the
// entries selected, and a new name or folder.
const maxFormBytes = 256 << 10

// form answers the listing's delete, rename and move form, which posts
// the names of the entries ticked ("name", repeated) and, for a rename or
// a move, the new name or the folder ("to") to the folder's URL with
// ?do=delete, ?do=rename or ?do=move. It needs --delete. A delete from a
// browser is first answered with a page that names what will go and asks
// to confirm; it happens when the form comes back with confirm=yes.
func (h *Handler) form(w http.ResponseWriter, r *http.Request, action string) {
	if !h.delete {
		h.fail(w, r, answer.Refuse(http.StatusForbidden, "this server does not delete, rename or move (start it with --delete or -w)"))
		return
	}
	dir, err := resourceOf(r.URL.Path)
	if err == nil && (h.hidden(dir) || !h.isFolder(dir)) {
		err = answer.Refuse(http.StatusNotFound, "no such folder")
	}
	var srcs []resource
	if err == nil {
		srcs, err = h.formSources(w, r, dir)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	to := r.PostForm.Get("to")
	switch action {
	case "delete":
		if r.PostForm.Get("confirm") != "yes" {
			h.confirmDelete(w, r, dir, srcs)
			return
		}
		h.deleteAll(w, r, srcs)
	case "rename":
		if len(srcs) != 1 {
			h.fail(w, r, answer.Refuse(http.StatusBadRequest, "tick one entry to rename"))
			return
		}
		if err := upload.CheckName(to); err != nil {
			h.fail(w, r, answer.Refuse(http.StatusBadRequest, "%s", err.Error()))
			return
		}
		h.moveAll(w, r, srcs, dir)
	case "move":
		target, err := resourceOf(resolve(dir.url, to))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.moveAll(w, r, srcs, target)
	default:
		h.fail(w, r, answer.Refuse(http.StatusBadRequest, "unknown action %q: do=delete, rename or move", action))
	}
}

// isFolder reports whether res is a folder.
func (h *Handler) isFolder(res resource) bool {
	info, err := h.root.Stat(res.rel)
	return err == nil && info.IsDir()
}

// formSources reads the form and returns the entries of dir it names.
func (h *Handler) formSources(w http.ResponseWriter, r *http.Request, dir resource) ([]resource, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, answer.Refuse(http.StatusBadRequest, "refused a form that could not be read (urlencoded, at most %d bytes)", maxFormBytes)
	}
	names := r.PostForm["name"]
	if len(names) == 0 {
		return nil, answer.Refuse(http.StatusBadRequest, "tick the entries first")
	}
	srcs := make([]resource, len(names))
	for i, n := range names {
		if err := upload.CheckName(n); err != nil {
			return nil, answer.Refuse(http.StatusBadRequest, "%s", err.Error())
		}
		res, err := resourceOf(path.Join(dir.url, n))
		if err != nil {
			return nil, err
		}
		srcs[i] = res
	}
	return srcs, nil
}

// resolve is the URL path of the folder to, as typed in the form: from
// the top when it begins with "/", else from the folder dir.
func resolve(dir, to string) string {
	if strings.HasPrefix(to, "/") {
		return to
	}
	return path.Join(dir, to)
}

// deleteAll deletes srcs in order. The first that fails stops it: the
// answer says what went before it, and the rest is left.
func (h *Handler) deleteAll(w http.ResponseWriter, r *http.Request, srcs []resource) {
	var done []string
	for _, res := range srcs {
		err := h.checkSource(res)
		if err == nil {
			err = h.checkConditions(r, change{res: res, tree: true}, change{res: res.parent()})
		}
		if err == nil {
			err = h.remove(res)
		}
		if err != nil {
			h.failAfter(w, r, done, err)
			return
		}
		done = append(done, "deleted "+res.url)
	}
	succeed(w, r, http.StatusOK, "./", done)
}

// moveAll renames the one entry of srcs to the form's new name in its
// folder (when into is that folder), or moves each into the folder into,
// never replacing what is there.
func (h *Handler) moveAll(w http.ResponseWriter, r *http.Request, srcs []resource, into resource) {
	var done []string
	for _, src := range srcs {
		name := src.base()
		if into.url == src.parent().url {
			name = r.PostForm.Get("to") // a rename
		}
		dst, err := resourceOf(path.Join(into.url, name))
		if err == nil {
			err = h.checkSource(src)
		}
		if err == nil {
			err = h.checkTarget(src, dst)
		}
		if err == nil {
			err = h.checkConditions(r, change{res: src, tree: true}, change{res: src.parent()},
				change{res: dst, tree: true}, change{res: dst.parent()})
		}
		if err == nil {
			_, err = h.rename(src, dst, false)
		}
		if err != nil {
			h.failAfter(w, r, done, err)
			return
		}
		done = append(done, "moved "+src.url+" to "+dst.url)
	}
	succeed(w, r, http.StatusOK, "./", done)
}

// confirmDelete answers a delete form that is not confirmed yet: to a
// browser, a page naming what will go, whose button sends the form again
// with confirm=yes; to any other client, 400.
func (h *Handler) confirmDelete(w http.ResponseWriter, r *http.Request, dir resource, srcs []resource) {
	if answer.StyleOf(r) != answer.Browser {
		h.fail(w, r, answer.Refuse(http.StatusBadRequest, "a delete form needs confirm=yes"))
		return
	}
	title := fmt.Sprintf("Delete %d entries?", len(srcs))
	if len(srcs) == 1 {
		title = "Delete 1 entry?"
	}
	h.managePage(w, r, dir, srcs, "delete", title)
}

// entryPage answers GET ?do=entry&name=… of a folder, the link of each
// row of its listing: a page with a form each to rename, move or delete
// the entry, which work without a script.
func (h *Handler) entryPage(w http.ResponseWriter, r *http.Request) {
	dir, err := resourceOf(r.URL.Path)
	if err == nil && (h.hidden(dir) || !h.isFolder(dir)) {
		err = answer.Refuse(http.StatusNotFound, "no such folder")
	}
	name := r.URL.Query().Get("name")
	if err == nil {
		err = upload.CheckName(name)
	}
	var src resource
	if err == nil {
		src, err = resourceOf(path.Join(dir.url, name))
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.managePage(w, r, dir, []resource{src}, "entry", "Rename, move or delete "+name)
}

// managePage answers with templates/manage.html: for action "delete",
// the confirmation of a delete of srcs; for "entry", the forms of the one
// entry of srcs. It looks like the folder's listing, under the same
// strict Content-Security-Policy, without a script.
func (h *Handler) managePage(w http.ResponseWriter, r *http.Request, dir resource, srcs []resource, action, title string) {
	page := managePage{Title: title, Action: action, Folder: strings.TrimSuffix(dir.url, "/") + "/",
		Assets: assets.RelativePrefix(r.URL.Path)}
	for _, res := range srcs {
		if err := h.checkSource(res); err != nil {
			h.fail(w, r, err)
			return
		}
		page.Entries = append(page.Entries, pageEntry{Name: res.base(), Folder: h.isFolder(res)})
	}
	var b bytes.Buffer
	if err := manageTemplate().Execute(&b, page); err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(b.Len()))
	hdr.Set("Content-Security-Policy", managePagePolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes()) //nolint:errcheck // a failed write means the client left
	}
}

// managePagePolicy is the listing's Content-Security-Policy, less
// scripts: the page has none.
const managePagePolicy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// manageTemplate is parsed on first use, once: a server that never shows
// the delete, rename and move forms never holds it.
var manageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templates.FS, "manage.html"))
})

// managePage is what templates/manage.html shows.
type managePage struct {
	Title   string
	Action  string // "delete" or "entry"
	Folder  string // the folder's URL path, ending in "/"
	Assets  string // the URL of the assets, relative to the page
	Entries []pageEntry
}

// pageEntry is an entry a manage page names.
type pageEntry struct {
	Name   string
	Folder bool
}

// Link is the entry's link from the folder's listing.
func (e pageEntry) Link() string {
	u := (&url.URL{Path: e.Name}).EscapedPath()
	if e.Folder {
		u += "/"
	}
	return "./" + u
}
