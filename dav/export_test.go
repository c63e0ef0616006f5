package dav

import (
	"encoding/xml"
	"errors"
	"net/http"
	"os"
	"path"

	"github.com/simplehttp/simplehttp/internal/answer"
)

// SetMaxLocks sets the most locks h holds at once.
func SetMaxLocks(h *Handler, n int) { h.locks.max = n }

// Internals under test.
var (
	ParseIf       = parseIf
	CheckXML      = checkXML
	ParseLockInfo = parseLockInfo
	ParseTimeout  = parseTimeout
	StatusOf      = answer.StatusOf
	AppendEscaped = appendEscaped
)

// ResourceOf is the root-relative name a URL path names.
func ResourceOf(urlPath string) (string, error) {
	res, err := resourceOf(urlPath)
	return res.rel, err
}

// Library is x/net/webdav's own handler over h's file system: its
// PROPFIND is the reference that h's own is compared with.
func Library(h *Handler) http.Handler { return h.lib }

// ParsePropfind reads a PROPFIND body, and reports whether it asks for
// every property (allprop), their names (propname) or those it names.
func ParsePropfind(body []byte) (kind string, names []xml.Name, err error) {
	req, err := parsePropfind(body)
	return [...]string{allProps: "allprop", propNames: "propname", namedProps: "prop"}[req.kind], req.names, err
}

// FailPropertyReads makes every read of the dead properties of the file
// name (root-relative) fail with err; a nil err ends it.
func FailPropertyReads(h *Handler, name string, err error) {
	if f, ok := h.props.attrs.(failingReads); ok {
		h.props.attrs = f.xattrs
	}
	if err != nil {
		h.props.attrs = failingReads{xattrs: h.props.attrs, name: name, err: err}
	}
}

type failingReads struct {
	xattrs
	name string
	err  error
}

func (f failingReads) get(root *os.Root, name string) ([]byte, error) {
	if name == f.name {
		return nil, f.err
	}
	return f.xattrs.get(root, name)
}

func (f failingReads) getAt(dir *os.File, name string, buf *[]byte) ([]byte, error) {
	if name == path.Base(f.name) {
		return nil, f.err
	}
	return f.xattrs.getAt(dir, name, buf)
}

// NoExchange makes h work as on a file system that cannot exchange two
// names in one step.
func NoExchange(h *Handler) {
	h.swap = func(*os.Root, string, string, string) error { return errors.ErrUnsupported }
}
