package dav

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/answer"
)

// lockDiscoveryName is the live property that lists a resource's locks.
var lockDiscoveryName = xml.Name{Space: "DAV:", Local: "lockdiscovery"}

// lock takes a new lock (a LOCK with a lockinfo body) or refreshes one
// (a LOCK without a body, naming the lock in its If header).
func (h *Handler) lock(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err == nil && h.hidden(res) {
		err = answer.Refuse(http.StatusForbidden, "refused to lock the hidden name %q", res.base())
	}
	var body []byte
	if err == nil {
		body, err = xmlBody(r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	timeout := parseTimeout(r.Header.Get("Timeout"))
	if len(bytes.TrimSpace(body)) == 0 {
		h.refreshLock(w, r, res, timeout)
		return
	}
	info, err := parseLockInfo(body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.takeLock(w, r, res, info, timeout, true)
}

// takeLock takes the lock info asks for on res. With create, a name that
// does not exist yet becomes an empty file (RFC 4918 §7.3), which needs
// --upload.
func (h *Handler) takeLock(w http.ResponseWriter, r *http.Request, res resource, info lockInfo, timeout time.Duration, create bool) {
	infinite, err := infiniteDepth(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if hdr := r.Header.Get("If"); hdr != "" {
		lists, err := parseIf(hdr)
		if err != nil || !h.anyListHolds(r, lists, res) {
			h.fail(w, r, answer.Refuse(http.StatusPreconditionFailed, "the If header's conditions do not hold"))
			return
		}
	}
	l, err := h.locks.create(lock{root: res.url, shared: info.shared, infinite: infinite, owner: info.owner, timeout: timeout})
	switch {
	case errors.Is(err, errLocked):
		h.fail(w, r, &answer.Refusal{Code: http.StatusLocked, Msg: res.url + " is locked", Condition: "no-conflicting-lock"})
		return
	case err != nil:
		h.fail(w, r, answer.Refuse(http.StatusServiceUnavailable, "the server holds as many locks as it may"))
		return
	}
	created := false
	if create {
		created, err = h.createLocked(res)
	}
	if err != nil {
		h.locks.unlock(l.token, l.root) //nolint:errcheck // it was just made
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Lock-Token", "<"+l.token+">")
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	writeLockAnswer(w, code, []lock{l}, h.locks.now())
}

// createLocked makes res an empty file when nothing has its name, and
// reports whether it did.
func (h *Handler) createLocked(res resource) (bool, error) {
	if _, err := h.root.Stat(res.rel); !errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if !h.upload {
		return false, answer.Refuse(http.StatusForbidden, "this server does not take uploads, so it cannot lock a new name (start it with --upload or -w)")
	}
	f, err := h.root.OpenFile(res.rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		return false, answer.Refuse(http.StatusConflict, "no such folder")
	}
	if err != nil {
		return false, err
	}
	return true, f.Close()
}

// refreshLock restarts the time-out of the lock the If header names.
func (h *Handler) refreshLock(w http.ResponseWriter, r *http.Request, res resource, timeout time.Duration) {
	lists, err := parseIf(r.Header.Get("If"))
	if err != nil {
		h.fail(w, r, answer.Refuse(http.StatusBadRequest, "refused a LOCK with neither a lockinfo body nor the token to refresh in an If header"))
		return
	}
	for token := range tokens(lists) {
		if l, err := h.locks.refresh(token, res.url, timeout); err == nil {
			writeLockAnswer(w, http.StatusOK, []lock{l}, h.locks.now())
			return
		}
	}
	h.fail(w, r, answer.Refuse(http.StatusPreconditionFailed, "no lock of the If header's covers %s", res.url))
}

// unlock removes the lock the Lock-Token header names.
func (h *Handler) unlock(w http.ResponseWriter, r *http.Request) {
	res, err := resourceOf(r.URL.Path)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Lock-Token"), "<")
	token, ok2 := strings.CutSuffix(token, ">")
	if !ok || !ok2 || token == "" {
		h.fail(w, r, answer.Refuse(http.StatusBadRequest, "refused an UNLOCK without a Lock-Token header"))
		return
	}
	if err := h.locks.unlock(token, res.url); err != nil {
		h.fail(w, r, &answer.Refusal{Code: http.StatusConflict, Msg: "no such lock on " + res.url, Condition: "lock-token-matches-request-uri"})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// parseTimeout reads a Timeout header ("Second-3600", "Infinite", or a
// list of them): the first it understands, or 0 when none.
func parseTimeout(hdr string) time.Duration {
	for v := range strings.SplitSeq(hdr, ",") {
		v = strings.TrimSpace(v)
		if v == "Infinite" {
			return -1
		}
		if s, ok := strings.CutPrefix(v, "Second-"); ok {
			if n, err := strconv.ParseUint(s, 10, 32); err == nil {
				return time.Duration(n) * time.Second
			}
		}
	}
	return 0
}

// lockInfo is what a LOCK body asks for.
type lockInfo struct {
	shared bool
	owner  string // the inner XML of DAV:owner, namespaces declared
}

// parseLockInfo reads a DAV:lockinfo body (a checked one: see xmlBody):
// a write lock, exclusive or shared, and its owner.
func parseLockInfo(body []byte) (lockInfo, error) {
	var info lockInfo
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []xml.Name
	scope, write := false, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return lockInfo{}, answer.Refuse(http.StatusBadRequest, "refused a body that is not well-formed XML")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name)
			switch {
			case len(stack) == 1 && t.Name != (xml.Name{Space: "DAV:", Local: "lockinfo"}):
				return lockInfo{}, answer.Refuse(http.StatusBadRequest, "refused a LOCK body that is not a DAV:lockinfo")
			case len(stack) == 2 && t.Name == (xml.Name{Space: "DAV:", Local: "owner"}):
				owner, err := innerXML(d)
				if err != nil {
					return lockInfo{}, answer.Refuse(http.StatusBadRequest, "refused a body that is not well-formed XML")
				}
				info.owner = owner
				stack = stack[:1]
			case len(stack) == 3 && isDAV(stack[1], "lockscope"):
				switch {
				case isDAV(t.Name, "exclusive"):
					scope, info.shared = true, false
				case isDAV(t.Name, "shared"):
					scope, info.shared = true, true
				}
			case len(stack) == 3 && isDAV(stack[1], "locktype") && isDAV(t.Name, "write"):
				write = true
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if !scope || !write {
		return lockInfo{}, answer.Refuse(http.StatusBadRequest, "refused a lockinfo without a lockscope (exclusive or shared) and a write locktype")
	}
	return info, nil
}

func isDAV(n xml.Name, local string) bool { return n.Space == "DAV:" && n.Local == local }

// innerXML re-encodes what is inside the element d has just started, up
// to its end, so that every namespace it uses is declared within it.
func innerXML(d *xml.Decoder) (string, error) {
	var b bytes.Buffer
	e := xml.NewEncoder(&b)
	for depth := 0; ; {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				if err := e.Flush(); err != nil {
					return "", err
				}
				return b.String(), nil
			}
			depth--
		case xml.ProcInst, xml.Directive:
			continue
		}
		if err := e.EncodeToken(xml.CopyToken(tok)); err != nil {
			return "", err
		}
	}
}

// writeLockAnswer answers a LOCK with the locks' DAV:lockdiscovery.
func writeLockAnswer(w http.ResponseWriter, code int, locks []lock, now time.Time) {
	body := `<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<D:prop xmlns:D="DAV:"><D:lockdiscovery>` + activeLocks(locks, now) + `</D:lockdiscovery></D:prop>` + "\n"
	answer.WriteBody(w, code, "application/xml; charset=utf-8", []byte(body))
}

// activeLocks is the XML of locks as DAV:activelock elements, each
// declaring its namespace.
func activeLocks(locks []lock, now time.Time) string {
	var b strings.Builder
	for _, l := range locks {
		scope, depth := "exclusive", "0"
		if l.shared {
			scope = "shared"
		}
		if l.infinite {
			depth = "infinity"
		}
		left := max(int64((l.expires.Sub(now)+time.Second-1)/time.Second), 0)
		fmt.Fprintf(&b, `<D:activelock xmlns:D="DAV:"><D:locktype><D:write/></D:locktype>`+
			`<D:lockscope><D:%s/></D:lockscope><D:depth>%s</D:depth><D:owner>%s</D:owner>`+
			`<D:timeout>Second-%d</D:timeout><D:locktoken><D:href>%s</D:href></D:locktoken>`+
			`<D:lockroot><D:href>%s</D:href></D:lockroot></D:activelock>`,
			scope, depth, l.owner, left, escapeText(l.token), escapeText((&url.URL{Path: l.root}).EscapedPath()))
	}
	return b.String()
}

// escapeText escapes s for XML character data.
func escapeText(s string) string { return string(appendEscaped(nil, s)) }
