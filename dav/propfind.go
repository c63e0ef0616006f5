package dav

import (
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"

	"golang.org/x/net/webdav"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/exttype"
	"github.com/simplehttp/simplehttp/internal/hidden"
	"github.com/simplehttp/simplehttp/listing"
)

// propfind answers PROPFIND: the properties of a resource (Depth: 0), or
// of a folder and its entries (Depth: 1), written as they are found from
// the folder's listing (listing.Read, as the JSON listing reads it), so
// that it costs about what that listing costs. Depth: infinity, and a
// PROPFIND without Depth, which means infinity, are refused as RFC 4918
// §9.1 allows: a walk of the whole tree is the cost a client should not
// be able to impose.
func (h *Handler) propfind(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	switch r.Header.Get("Depth") {
	case "0", "1":
	case "", "infinity":
		h.fail(w, r, &answer.Refusal{Code: http.StatusForbidden, Condition: "propfind-finite-depth",
			Msg: "refused a PROPFIND of the whole tree (Depth: infinity): ask with Depth: 1, folder by folder"})
		return
	default:
		h.fail(w, r, answer.Refuse(http.StatusBadRequest, "refused a Depth other than 0 or 1"))
		return
	}
	info, err := h.root.Stat(res.rel)
	if err != nil || h.hidden(res) {
		h.fail(w, r, answer.Refuse(http.StatusNotFound, "no such file or folder"))
		return
	}
	body, err := xmlBody(r)
	var req propfindRequest
	if err == nil {
		req, err = parsePropfind(body)
	}
	var entries *listing.Listing
	if err == nil && info.IsDir() && r.Header.Get("Depth") == "1" {
		entries, err = h.readFolder(r.Context(), res)
	}
	if err != nil {
		if r.Context().Err() == nil {
			h.fail(w, r, err)
		}
		return
	}
	pw := &propWriter{h: h, req: req, ms: multistatus{w: w}, now: h.locks.now(), locked: h.locks.any()}
	for _, n := range req.names {
		pw.named = append(pw.named, propName{n, liveNames[n]})
		pw.dead = pw.dead || !liveNames[n]
	}
	pw.dead = pw.dead || req.kind != namedProps
	pw.self(res, info)
	if entries != nil {
		pw.entries(res, entries)
	}
	if err := pw.ms.close(); err != nil && r.Context().Err() == nil {
		h.log.Error("dav: PROPFIND failed half-way", "path", r.URL.Path, "err", err)
	}
}

// readFolder lists the entries of the folder res as its JSON listing
// does: hidden names and links to them left out unless dotfiles are
// served, at most listing.MaxLimit of them.
func (h *Handler) readFolder(ctx context.Context, res resource) (*listing.Listing, error) {
	opt := listing.Options{Query: listing.Query{Limit: listing.MaxLimit}, Names: h.names}
	if !h.dotfiles {
		// The folder itself is not hidden (the caller checked): an
		// entry is, by its name, or for a link by where it leads.
		opt.Hide = func(entry string) bool { return hiddenEntry(res.rel, entry) }
		opt.HideLink = func(entry string) bool { return hidden.In(h.links, path.Join(res.rel, entry)) }
	}
	return listing.Read(ctx, h.links, res.rel, res.url, opt)
}

// propWriter writes the answer to one PROPFIND.
type propWriter struct {
	h      *Handler
	req    propfindRequest
	ms     multistatus
	now    time.Time
	named  []propName // the properties a DAV:prop names, or a DAV:include adds
	all    []propName // scratch for allNames
	dead   bool       // the request may want dead properties
	locked bool       // some resource is locked
}

// propName is a property a request asks for, and whether it is live.
type propName struct {
	xml.Name
	live bool
}

// described is what a PROPFIND answer tells of a resource.
type described struct {
	url     string // "/a/b", for its locks (when there are some)
	href    string // its URL, percent-encoded, with a "/" after a folder
	name    string // its name, "" for the top
	dir     bool
	size    int64
	modTime time.Time
	ctype   string // from the extension, "" when it names none
}

// self writes the response of the resource the request names.
func (pw *propWriter) self(res resource, info fs.FileInfo) {
	d := described{url: res.url, href: (&url.URL{Path: res.url}).EscapedPath(), dir: info.IsDir(),
		modTime: info.ModTime()}
	if res.rel != "." {
		d.name = res.base()
	}
	if d.dir {
		if res.rel != "." {
			d.href += "/"
		}
	} else {
		d.size = info.Size()
		d.ctype, _ = exttype.Lookup(path.Ext(d.name))
	}
	pw.response(&d, func() (map[xml.Name]webdav.Property, error) { return pw.h.props.get(res.rel) })
}

// entries writes the responses of the entries of the folder res.
func (pw *propWriter) entries(res resource, l *listing.Listing) {
	base := (&url.URL{Path: res.url}).EscapedPath()
	if res.rel != "." {
		base += "/"
	}
	var props *folderProps
	if pw.dead {
		props = pw.h.props.folder(res.rel)
	}
	for _, e := range l.Entries {
		if e.Broken {
			continue
		}
		d := described{href: base + e.URL[len("./"):], name: e.Name, dir: e.IsDir, size: e.Size,
			modTime: e.ModTime, ctype: e.Type}
		if pw.locked {
			d.url = path.Join(res.url, e.Name)
		}
		if pw.ms.err != nil {
			break // the client is gone
		}
		pw.response(&d, func() (map[xml.Name]webdav.Property, error) { return props.get(e.Name, e.IsSymlink) })
	}
	if props != nil {
		props.close(pw.ms.err == nil && l.Total <= listing.MaxLimit)
	}
}

// response writes the response of the resource d, whose dead properties
// deadProps reads when the request may want them.
func (pw *propWriter) response(d *described, deadProps func() (map[xml.Name]webdav.Property, error)) {
	var dead map[xml.Name]webdav.Property
	if pw.dead {
		var err error
		if dead, err = deadProps(); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				pw.h.log.Error("dav: reading dead properties failed", "href", d.href, "err", err)
				pw.ms.status(d.href, http.StatusInternalServerError, "")
			}
			return
		}
	}
	var locks []lock
	if pw.locked {
		locks = pw.h.locks.covering(d.url)
	}
	names := pw.named
	if pw.req.kind != namedProps {
		names = pw.allNames(d, dead)
	}
	m := &pw.ms
	m.beginResponse(d.href)
	if pw.req.kind == propNames {
		m.beginPropstat()
		for _, n := range names {
			m.emptyProp(n.Name)
		}
		m.endPropstat(http.StatusOK)
		m.endResponse()
		return
	}
	var missing []xml.Name
	found := false
	for _, n := range names {
		if p, ok := dead[n.Name]; ok {
			found = m.beginOnce(found)
			m.deadProp(p)
		} else if n.live && liveFor(n.Local, d) {
			found = m.beginOnce(found)
			m.b = pw.appendLive(m.b, n.Local, d, locks)
		} else {
			missing = append(missing, n.Name)
		}
	}
	if found {
		m.endPropstat(http.StatusOK)
	}
	if len(missing) > 0 {
		m.beginPropstat()
		for _, n := range missing {
			m.emptyProp(n)
		}
		m.endPropstat(http.StatusNotFound)
	}
	if !found && len(missing) == 0 {
		m.beginPropstat()
		m.endPropstat(http.StatusOK)
	}
	m.endResponse()
}

// liveNames are the live properties of RFC 4918 §15, whose values the
// server keeps and a PROPPATCH may not set. creationdate and
// getcontentlanguage are live but have no value here; the others have one
// for a resource when liveFor says so.
var liveNames = map[xml.Name]bool{}

// liveOrder is the order of live properties in an allprop or a propname.
var liveOrder = []string{"resourcetype", "displayname", "getcontentlength", "getlastmodified",
	"getcontenttype", "getetag", "supportedlock", "lockdiscovery"}

func init() {
	for _, local := range append(liveOrder, "creationdate", "getcontentlanguage") {
		liveNames[xml.Name{Space: "DAV:", Local: local}] = true
	}
}

// liveFor reports whether the live property local has a value for d: a
// folder has no length, type or ETag.
func liveFor(local string, d *described) bool {
	switch local {
	case "getcontentlength", "getcontenttype", "getetag":
		return !d.dir
	case "creationdate", "getcontentlanguage":
		return false
	}
	return true
}

// allNames are the properties an allprop answers and a propname names:
// the live ones d has, its dead ones, and those the request's include
// adds. The slice is valid until the next call.
func (pw *propWriter) allNames(d *described, dead map[xml.Name]webdav.Property) []propName {
	names := pw.all[:0]
	for _, local := range liveOrder {
		if liveFor(local, d) {
			names = append(names, propName{xml.Name{Space: "DAV:", Local: local}, true})
		}
	}
	for n := range dead {
		if !liveNames[n] {
			names = append(names, propName{n, false})
		}
	}
	for _, n := range pw.named {
		if _, ok := dead[n.Name]; !ok && !(n.live && liveFor(n.Local, d)) {
			names = append(names, n)
		}
	}
	pw.all = names
	return names
}

// appendLive appends the live property local of d, which it has, with
// its value.
func (pw *propWriter) appendLive(b []byte, local string, d *described, locks []lock) []byte {
	b = append(b, "<D:"...)
	b = append(b, local...)
	b = append(b, '>')
	switch local {
	case "resourcetype":
		if d.dir {
			b = append(b, "<D:collection/>"...)
		}
	case "displayname":
		b = appendEscaped(b, d.name)
	case "getcontentlength":
		b = strconv.AppendInt(b, d.size, 10)
	case "getlastmodified":
		b = d.modTime.UTC().AppendFormat(b, http.TimeFormat)
	case "getcontenttype":
		// What a GET sends, as far as the extension tells: a file
		// whose extension names no type (which a GET sniffs) is not
		// read to find out.
		b = appendEscaped(b, cmp.Or(d.ctype, "application/octet-stream"))
	case "getetag":
		b = appendEscaped(b, etag.Of(d.modTime, d.size))
	case "supportedlock":
		b = append(b, pw.h.supportedLock...)
	case "lockdiscovery":
		b = append(b, activeLocks(locks, pw.now)...)
	}
	b = append(b, "</D:"...)
	b = append(b, local...)
	return append(b, '>')
}

// supportedLocks is DAV:supportedlock where clients may lock: exclusive
// and shared write locks.
const supportedLocks = `<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>` +
	`<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>`
