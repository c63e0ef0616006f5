package dav

import (
	"net/http"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/etag"
)

// change is a resource a request changes: itself only, or (a DELETE, a
// MOVE's source, what a COPY or MOVE replaces) its whole tree.
type change struct {
	res  resource
	tree bool
}

// checkConditions checks that the request may change what it changes:
// its If header holds (else 412), and every lock in the way of each
// change is one whose token the request submitted (else 423). The If
// header is evaluated first, so a request that names a lock it does not
// hold fails on its condition; one whose conditions hold but that does not
// submit the lock in its way is refused as locked (litmus asks for both).
func (h *Handler) checkConditions(r *http.Request, changes ...change) error {
	var submitted map[string]bool
	if hdr := r.Header.Get("If"); hdr != "" {
		lists, err := parseIf(hdr)
		if err != nil {
			return answer.Refuse(http.StatusBadRequest, "refused a malformed If header")
		}
		if !h.anyListHolds(r, lists, changes[0].res) {
			return answer.Refuse(http.StatusPreconditionFailed, "the If header's conditions do not hold")
		}
		submitted = tokens(lists)
	}
	for _, c := range changes {
		if h.locks.blocked(c.res.url, c.tree, submitted) {
			return &answer.Refusal{Code: http.StatusLocked, Msg: c.res.url + " is locked", Condition: "lock-token-submitted"}
		}
	}
	return nil
}

// anyListHolds evaluates the lists of an If header: true when every
// condition of one of them holds for its resource (its tag's, or the
// request's own). A list whose tag names another server holds for none.
func (h *Handler) anyListHolds(r *http.Request, lists []ifList, self resource) bool {
	for _, l := range lists {
		res := self
		if l.tag != "" {
			name, ok := tagName(l.tag, r.Host)
			if !ok {
				continue
			}
			var err error
			if res, err = resourceOf(name); err != nil {
				continue
			}
		}
		if h.listHolds(l, res) {
			return true
		}
	}
	return false
}

// listHolds reports whether every condition of l holds for res: a state
// token names a lock that covers it, an entity tag is its current one.
func (h *Handler) listHolds(l ifList, res resource) bool {
	current := ""
	for _, c := range l.conditions {
		var ok bool
		if c.token != "" {
			ok = h.locks.holds(c.token, res.url)
		} else {
			if current == "" {
				current = h.etagOf(res)
			}
			ok = current != "" && current == c.etag
		}
		if ok == c.not {
			return false
		}
	}
	return true
}

// etagOf is the ETag a GET of res would send, or "" for a folder or a
// name that does not exist (or is hidden).
func (h *Handler) etagOf(res resource) string {
	if h.hidden(res) {
		return ""
	}
	info, err := h.root.Stat(res.rel)
	if err != nil || info.IsDir() {
		return ""
	}
	return etag.Of(info.ModTime(), info.Size())
}
