package dav

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/internal/hidden"
	"github.com/simplehttp/simplehttp/upload"
)

// resource is a name the request is about: its form in URLs and locks
// ("/a/b", "/" for the top) and under the root ("a/b", "." for the top).
type resource struct {
	url string
	rel string
}

// resourceOf is the resource a URL path names, or a 400 for a name no file
// can have: every element must be a valid name (upload's rules: valid
// UTF-8, no control characters, no "/" or "\" within it); "." and ".."
// are cleaned away first, so nothing can climb above the top.
func resourceOf(urlPath string) (resource, error) {
	if !strings.HasPrefix(urlPath, "/") {
		return resource{}, answer.Refuse(http.StatusBadRequest, "refused a path that does not begin with /")
	}
	clean := path.Clean(urlPath)
	if clean == "/" {
		return resource{url: "/", rel: "."}, nil
	}
	for elem := range strings.SplitSeq(clean[1:], "/") {
		if err := upload.CheckName(elem); err != nil {
			return resource{}, answer.Refuse(http.StatusBadRequest, "%s", err.Error())
		}
	}
	return resource{url: clean, rel: clean[1:]}, nil
}

// parent is the folder holding res.
func (res resource) parent() resource {
	if res.rel == "." {
		return res
	}
	dir := path.Dir(res.rel)
	if dir == "." {
		return resource{url: "/", rel: "."}
	}
	return resource{url: "/" + dir, rel: dir}
}

// base is res's name in its folder.
func (res resource) base() string { return path.Base(res.url) }

// infiniteDepth reads the Depth header of a COPY or a LOCK, which may be
// 0 or infinity (the default), and reports whether it is infinity.
func infiniteDepth(r *http.Request) (bool, error) {
	switch r.Header.Get("Depth") {
	case "", "infinity":
		return true, nil
	case "0":
		return false, nil
	}
	return false, answer.Refuse(http.StatusBadRequest, "refused a %s Depth other than 0 or infinity", r.Method)
}

// hidden reports whether the dotfile rule hides res: by its name, or for
// a link on its way, by where it leads.
func (h *Handler) hidden(res resource) bool {
	return !h.dotfiles && hidden.In(h.links, res.rel)
}

// destination is the resource a COPY or MOVE's Destination header names:
// an absolute URL on this server, or an absolute path. Another host is a
// 502 (RFC 4918 §9.8.5); a name that cannot be a file's, a 400.
func destination(r *http.Request) (resource, error) {
	hdr := r.Header.Get("Destination")
	if hdr == "" {
		return resource{}, answer.Refuse(http.StatusBadRequest, "refused a %s without a Destination header", r.Method)
	}
	u, err := url.Parse(hdr)
	switch {
	case err != nil:
		return resource{}, answer.Refuse(http.StatusBadRequest, "refused a Destination that is not a URL")
	case u.Host != "" && !strings.EqualFold(u.Host, r.Host):
		return resource{}, answer.Refuse(http.StatusBadGateway, "refused a Destination on another server")
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		return resource{}, answer.Refuse(http.StatusBadRequest, "refused a Destination that is not an http URL")
	}
	if strings.Contains(u.EscapedPath(), "%2F") || strings.Contains(u.EscapedPath(), "%2f") {
		return resource{}, answer.Refuse(http.StatusBadRequest, "refused a name with / or \\ in it")
	}
	return resourceOf(u.Path)
}

// Request bodies WebDAV clients send (PROPFIND, PROPPATCH, LOCK) are XML
// of a few hundred bytes; these bound what the server reads and parses.
const (
	maxBodyBytes = 1 << 20
	maxXMLDepth  = 32
	maxXMLTokens = 100000
)

// xmlBody reads r's body, at most maxBodyBytes, and checks that it is XML
// no deeper than maxXMLDepth, so that no parser after this one meets a
// hostile shape.
func xmlBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBodyBytes {
		return nil, answer.Refuse(http.StatusRequestEntityTooLarge, "refused a request body over %d bytes", maxBodyBytes)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	switch {
	case err != nil:
		return nil, answer.Refuse(http.StatusBadRequest, "the request body was cut off")
	case len(body) > maxBodyBytes:
		return nil, answer.Refuse(http.StatusRequestEntityTooLarge, "refused a request body over %d bytes", maxBodyBytes)
	}
	return body, checkXML(body)
}

// checkXML checks the shape of an XML body: well-formed, at most
// maxXMLDepth deep and maxXMLTokens long, every element's name a
// qualified name (one colon at most, between a prefix and a name), and no
// empty namespace prefix declaration. So every name read from it can be
// written back as it came.
func checkXML(body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	depth := 0
	for n := 0; ; n++ {
		if n == maxXMLTokens {
			return answer.Refuse(http.StatusRequestEntityTooLarge, "refused an XML body of more than %d parts", maxXMLTokens)
		}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return answer.Refuse(http.StatusBadRequest, "refused a body that is not well-formed XML")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !localName(t.Name.Local) {
				return answer.Refuse(http.StatusBadRequest, "refused an element name that is not a qualified name")
			}
			for _, a := range t.Attr {
				// xmlns:p="" is no declaration (Namespaces in XML 1.0
				// §3); litmus's propfind_invalid2 sends one.
				if a.Name.Space == "xmlns" && a.Value == "" {
					return answer.Refuse(http.StatusBadRequest, "refused an empty namespace prefix declaration")
				}
			}
			depth++
			if depth > maxXMLDepth {
				return answer.Refuse(http.StatusBadRequest, "refused XML nested more than %d deep", maxXMLDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// localName reports whether s, the part of an element's name after its
// prefix, is a name of its own (Namespaces in XML 1.0 §4: an NCName):
// without a colon, and beginning with a letter or "_" (the decoder has
// checked the rest).
func localName(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return (r == '_' || unicode.IsLetter(r)) && !strings.Contains(s, ":")
}
