package dav

import (
	"errors"
	"net/url"
	"path"
	"strings"
)

// The If header (RFC 4918 §10.4) makes a request conditional on lock
// tokens and entity tags, and is how a client submits the tokens of the
// locks it holds:
//
//	If: (<urn:uuid:…> ["etag"]) (Not <DAV:no-lock>)
//	If: <http://host/a/b> (<urn:uuid:…>)

// maxIfLists and maxIfConditions bound what one If header may ask.
const (
	maxIfLists      = 64
	maxIfConditions = 64
)

var errBadIf = errors.New("dav: malformed If header")

// ifCondition is one condition of a list: a state token or an entity tag,
// perhaps negated.
type ifCondition struct {
	not   bool
	token string // a state token (a lock token, or e.g. DAV:no-lock)
	etag  string // an entity tag, quotes included
}

// ifList is a list of conditions that must all hold for one resource.
type ifList struct {
	tag        string // the resource-tag's URL, as sent; "" for the request's URL
	conditions []ifCondition
}

// parseIf parses the value of an If header: either lists without
// resource tags, or lists each after a resource tag.
func parseIf(s string) ([]ifList, error) {
	var lists []ifList
	tagged, tag := false, ""
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		switch {
		case s[0] == '<' && (tagged || len(lists) == 0):
			end := strings.IndexByte(s, '>')
			if end < 0 {
				return nil, errBadIf
			}
			tagged, tag = true, s[1:end]
			s = s[end+1:]
			// A tag must be followed by at least one list.
			if t := strings.TrimLeft(s, " \t"); t == "" || t[0] != '(' {
				return nil, errBadIf
			}
		case s[0] == '(':
			if len(lists) == maxIfLists {
				return nil, errBadIf
			}
			conds, rest, err := parseIfList(s[1:])
			if err != nil {
				return nil, err
			}
			lists = append(lists, ifList{tag: tag, conditions: conds})
			s = rest
		default:
			return nil, errBadIf
		}
	}
	if len(lists) == 0 {
		return nil, errBadIf
	}
	return lists, nil
}

// parseIfList parses the conditions of a list up to its ")" and returns
// the rest of the header after it.
func parseIfList(s string) ([]ifCondition, string, error) {
	var conds []ifCondition
	for {
		s = strings.TrimLeft(s, " \t")
		not := false
		if rest, ok := strings.CutPrefix(s, "Not"); ok {
			not = true
			s = strings.TrimLeft(rest, " \t")
		}
		if s == "" {
			return nil, "", errBadIf
		}
		var c ifCondition
		switch s[0] {
		case ')':
			if not || len(conds) == 0 {
				return nil, "", errBadIf
			}
			return conds, s[1:], nil
		case '<':
			end := strings.IndexByte(s, '>')
			if end < 1 {
				return nil, "", errBadIf
			}
			c.token, s = s[1:end], s[end+1:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 1 {
				return nil, "", errBadIf
			}
			c.etag, s = s[1:end], s[end+1:]
		default:
			return nil, "", errBadIf
		}
		if len(conds) == maxIfConditions {
			return nil, "", errBadIf
		}
		c.not = not
		conds = append(conds, c)
	}
}

// tagName is the resource name a list's tag refers to ("/a/b"), or false
// when it names another server or is not a URL.
func tagName(tag, host string) (string, bool) {
	u, err := url.Parse(tag)
	if err != nil || u.Host != "" && u.Host != host || u.Path == "" {
		return "", false
	}
	return path.Clean("/" + u.Path), true
}

// tokens are the lock tokens an If header submits, wherever they stand.
func tokens(lists []ifList) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, c := range l.conditions {
			if c.token != "" {
				m[c.token] = true
			}
		}
	}
	return m
}
