package dav

import (
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

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
		h.fail(w, r, refuse(http.StatusForbidden, "this server does not delete, rename or move (start it with --delete or -w)"))
		return
	}
	dir, err := resourceOf(r.URL.Path)
	if err == nil && (h.hidden(dir) || !h.isFolder(dir)) {
		err = refuse(http.StatusNotFound, "no such folder")
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
			h.confirmDelete(w, r, srcs)
			return
		}
		h.deleteAll(w, r, srcs)
	case "rename":
		if len(srcs) != 1 {
			h.fail(w, r, refuse(http.StatusBadRequest, "tick one entry to rename"))
			return
		}
		if err := upload.CheckName(to); err != nil {
			h.fail(w, r, refuse(http.StatusBadRequest, "%s", err.Error()))
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
		h.fail(w, r, refuse(http.StatusBadRequest, "unknown action %q: do=delete, rename or move", action))
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
		return nil, refuse(http.StatusBadRequest, "refused a form that could not be read (urlencoded, at most %d bytes)", maxFormBytes)
	}
	names := r.PostForm["name"]
	if len(names) == 0 {
		return nil, refuse(http.StatusBadRequest, "tick the entries first")
	}
	srcs := make([]resource, len(names))
	for i, n := range names {
		if err := upload.CheckName(n); err != nil {
			return nil, refuse(http.StatusBadRequest, "%s", err.Error())
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
func (h *Handler) confirmDelete(w http.ResponseWriter, r *http.Request, srcs []resource) {
	if styleOf(r) != styleBrowser {
		h.fail(w, r, refuse(http.StatusBadRequest, "a delete form needs confirm=yes"))
		return
	}
	page := confirmPage{Action: "./?do=delete"}
	for _, res := range srcs {
		if err := h.checkSource(res); err != nil {
			h.fail(w, r, err)
			return
		}
		page.Entries = append(page.Entries, confirmEntry{Name: res.base(), Folder: h.isFolder(res)})
	}
	var b strings.Builder
	if err := confirmTemplate.Execute(&b, page); err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(b.Len()))
	hdr.Set("Content-Security-Policy", "default-src 'none'; form-action 'self'")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(b.String())) //nolint:errcheck // a failed write means the client left
}

type confirmPage struct {
	Action  string
	Entries []confirmEntry
}

type confirmEntry struct {
	Name   string
	Folder bool
}

// Link is the entry's link from the folder's listing.
func (e confirmEntry) Link() string {
	u := (&url.URL{Path: e.Name}).EscapedPath()
	if e.Folder {
		u += "/"
	}
	return "./" + u
}

var confirmTemplate = template.Must(template.New("confirm").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Delete {{len .Entries}} {{if eq (len .Entries) 1}}entry{{else}}entries{{end}}?</title>
</head>
<body>
<main>
<h1>Delete {{len .Entries}} {{if eq (len .Entries) 1}}entry{{else}}entries{{end}}?</h1>
<p>These will be deleted for good:</p>
<ul>
{{- range .Entries}}
<li><a href="{{.Link}}">{{.Name}}{{if .Folder}}/{{end}}</a>{{if .Folder}}, a folder, with everything in it{{end}}</li>
{{- end}}
</ul>
<form method="post" action="{{.Action}}">
{{- range .Entries}}
<input type="hidden" name="name" value="{{.Name}}">
{{- end}}
<input type="hidden" name="confirm" value="yes">
<button type="submit">Delete</button>
<a href="./">Cancel</a>
</form>
</main>
</body>
</html>
`))
