package fileserve

import (
	"net/http"
	"net/url"
	"strings"
)

// This file is what ServeHTTP does first: it reads the request target as
// the client meant it.

// withoutFragment returns r, or a copy without the fragment when its
// request target holds a raw "#": GET /notes.txt#intro asks for
// /notes.txt, as it does of nginx and Python's http.server. Clients strip
// the fragment before they send a URL; net/http, which does not expect
// one, keeps it in the path or the query. Everything after the first raw
// "#" is the fragment (RFC 3986, 3.5), a "?" included. An escaped "%23"
// stays part of the name.
func withoutFragment(r *http.Request) *http.Request {
	i := strings.IndexByte(r.RequestURI, '#')
	if i < 0 {
		return r
	}
	r2 := *r
	u := *r.URL
	r2.RequestURI = r.RequestURI[:i]
	if raw, _, found := strings.Cut(u.RawPath, "#"); found {
		// A raw "#" makes net/http keep the raw path, which it would
		// otherwise escape as "%23". It parsed whole, so its start does
		// too: a "#" cannot split a "%XX".
		p, err := url.PathUnescape(raw)
		if err != nil {
			return r
		}
		u.Path, u.RawPath = p, raw
		u.RawQuery, u.ForceQuery = "", false
	} else {
		u.RawQuery, _, _ = strings.Cut(u.RawQuery, "#")
	}
	r2.URL = &u
	return &r2
}

// withRootPath returns r, or a copy whose path is "/" when r comes through
// http.StripPrefix("/files/", …) asking for "/files/": the prefix took the
// whole path, slash included, and the root directory was asked for as a
// directory. Without this it would be redirected to "./files//".
func withRootPath(r *http.Request) *http.Request {
	if r.URL.Path != "" || !strings.HasSuffix(requestPath(r), "/") {
		return r
	}
	r2 := *r
	u := *r.URL
	u.Path, u.RawPath = "/", ""
	r2.URL = &u
	return &r2
}

// requestPath is the escaped path of the request line, before any
// http.StripPrefix took its part.
func requestPath(r *http.Request) string {
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		return u.EscapedPath()
	}
	return ""
}
