package dav

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/simplehttp/simplehttp/internal/answer"
)

// propfindKind is what a PROPFIND asks for.
type propfindKind int

const (
	allProps   propfindKind = iota // DAV:allprop, or an empty body: every property, with its value
	propNames                      // DAV:propname: the name of every property
	namedProps                     // DAV:prop: the properties it names
)

// propfindRequest is a PROPFIND body, read.
type propfindRequest struct {
	kind propfindKind
	// names are the properties a DAV:prop names, in its order, or those
	// a DAV:include adds to an allprop.
	names []xml.Name
}

// errBadPropfind is the answer to a body that is not a PROPFIND.
var errBadPropfind = answer.Refuse(http.StatusBadRequest, "refused a PROPFIND body that is not a DAV:propfind of allprop, propname or prop")

// parsePropfind reads a PROPFIND body (a checked one: see xmlBody) as
// RFC 4918 §14.20 defines it: a DAV:propfind holding DAV:allprop (with a
// DAV:include of more names, optionally), DAV:propname, or a DAV:prop
// naming properties. An empty body asks for allprop. Elements it does not
// know are skipped; the names in prop and include must be empty elements.
func parsePropfind(body []byte) (propfindRequest, error) {
	if len(body) == 0 {
		return propfindRequest{kind: allProps}, nil
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	start, err := nextElement(d)
	if err != nil || !isDAV(start.Name, "propfind") {
		return propfindRequest{}, errBadPropfind
	}
	var all, names, prop, include bool
	var props, included []xml.Name
	for {
		child, err := nextElement(d)
		if errors.Is(err, errEndElement) {
			break
		}
		if err != nil {
			return propfindRequest{}, errBadPropfind
		}
		switch {
		case isDAV(child.Name, "allprop"):
			all = true
			err = d.Skip()
		case isDAV(child.Name, "propname"):
			names = true
			err = d.Skip()
		case isDAV(child.Name, "prop"):
			prop = true
			props, err = appendPropNames(d, props)
		case isDAV(child.Name, "include"):
			include = true
			included, err = appendPropNames(d, included)
		default:
			err = d.Skip()
		}
		if err != nil {
			return propfindRequest{}, errBadPropfind
		}
	}
	switch {
	case all && !names && !prop:
		return propfindRequest{kind: allProps, names: included}, nil
	case all, include:
		return propfindRequest{}, errBadPropfind
	case names && !prop:
		return propfindRequest{kind: propNames}, nil
	case prop && !names:
		return propfindRequest{kind: namedProps, names: props}, nil
	}
	return propfindRequest{}, errBadPropfind
}

// errEndElement is nextElement's report of the end of the element it was in.
var errEndElement = errors.New("dav: end of element")

// nextElement skips character data, comments and processing instructions
// to the next element's start, or reports errEndElement at the end of
// the element the decoder is in.
func nextElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, errEndElement
		}
	}
}

// appendPropNames appends to names the names of the children of the
// DAV:prop or DAV:include the decoder has just entered, which must be
// empty elements. The names of all a body's DAV:prop (or DAV:include)
// count together, and must be one at least.
func appendPropNames(d *xml.Decoder, names []xml.Name) ([]xml.Name, error) {
	for {
		el, err := nextElement(d)
		if errors.Is(err, errEndElement) {
			if len(names) == 0 {
				return nil, errBadPropfind // RFC 4918 §14.18: one name at least
			}
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		if err := emptyElement(d); err != nil {
			return nil, err
		}
		names = append(names, el.Name)
	}
}

// emptyElement reads to the end of the element just started, refusing
// anything in it but comments and processing instructions.
func emptyElement(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement, xml.CharData:
			return errBadPropfind
		}
	}
}
