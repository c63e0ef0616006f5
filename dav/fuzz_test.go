package dav_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/dav"
)

// Every parser of what a WebDAV client sends gets a fuzz test; the seeds
// run in make test.

func FuzzParseIf(f *testing.F) {
	for _, s := range []string{
		"(<urn:uuid:1>)", `(<urn:uuid:1> ["e"]) (Not <DAV:no-lock>)`, `<http://h/a> (<t>) </b> (["x"])`,
		"(", "()", "(Not)", "<a>", "(<a)", "([a)", "(<a>) <b> (<c>)", "Not (<a>)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lists, err := dav.ParseIf(s)
		if err == nil && len(lists) == 0 {
			t.Fatalf("%q: no error and no list", s)
		}
	})
}

func FuzzCheckXML(f *testing.F) {
	for _, s := range []string{
		"", `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`,
		`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><Z:x xmlns:Z="urn:z"/></D:prop></D:propfind>`,
		`<a xmlns:b=""/>`, "<a><a><a>", "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", "\xff<a/>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := dav.CheckXML([]byte(s))
		if err != nil {
			if code := dav.StatusOf(err); code != 400 && code != 413 {
				t.Fatalf("%q: refused with %d", s, code)
			}
			return
		}
		for d := xml.NewDecoder(strings.NewReader(s)); ; {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%q: taken, but not well-formed: %v", s, err)
			}
		}
	})
}

func FuzzParseLockInfo(f *testing.F) {
	f.Add(lockBody("exclusive"))
	f.Add(lockBody("shared"))
	f.Add(`<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope></D:lockinfo>`)
	f.Add(`<D:lockinfo xmlns:D="DAV:"><D:owner><x xmlns="urn:x">a<y/></x></D:owner></D:lockinfo>`)
	f.Add(`<lockinfo/>`)
	f.Fuzz(func(t *testing.T, s string) {
		if err := dav.CheckXML([]byte(s)); err != nil {
			return // the handler refuses it before
		}
		dav.ParseLockInfo([]byte(s)) //nolint:errcheck // only that it returns
	})
}

func FuzzParseTimeout(f *testing.F) {
	for _, s := range []string{"", "Infinite", "Second-3600", "Second-4100000000", "Infinite, Second-5", "Second--1", "Second-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d := dav.ParseTimeout(s); d < -1 {
			t.Fatalf("%q: %v", s, d)
		}
	})
}

func FuzzResourceOf(f *testing.F) {
	for _, s := range []string{"/", "/a/b", "/../a", "/a/../../b", "a", "/a\x00b", "/a\\b", "/\u202egpj.exe", "//a//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := dav.ResourceOf(s)
		if err != nil {
			return
		}
		if strings.Contains(res, "..") && strings.Contains("/"+res+"/", "/../") {
			t.Fatalf("%q became %q, which climbs", s, res)
		}
	})
}

// FuzzRequest sends any method, path, headers and body to a read-write
// handler: it must never panic, and never answer 5xx.
func FuzzRequest(f *testing.F) {
	f.Add("PROPFIND", "/", "1", "", "", lockBody("shared"))
	f.Add("LOCK", "/a.txt", "0", "(<x>)", "", lockBody("exclusive"))
	f.Add("MOVE", "/a.txt", "", "", "/b/../c.txt", "")
	f.Add("COPY", "/sub", "infinity", "", "http://example.com/sub2", "")
	f.Add("PROPPATCH", "/a.txt", "", "", "", `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="u">1</x></D:prop></D:set></D:propertyupdate>`)
	f.Add("UNLOCK", "/a.txt", "", "", "", "")
	f.Fuzz(func(t *testing.T, method, target, depth, ifHdr, dest, body string) {
		s := newSite(t, allWrites)
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(method+target, " \r\n\t") || method == "" {
			return
		}
		r, err := http.NewRequest(method, "http://example.com"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		for k, v := range map[string]string{"Depth": depth, "If": ifHdr, "Destination": dest, "Lock-Token": ifHdr} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, r)
		if rec.Code >= 500 && rec.Code != 503 {
			t.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
		}
	})
}

// FuzzPropfind answers any PROPFIND body as x/net/webdav does: the same
// status, and for a 207 the same properties with the same values.
func FuzzPropfind(f *testing.F) {
	for _, body := range propfindBodies {
		f.Add(body)
	}
	s := propfindSite(f, allWrites)
	lib := dav.Library(s.h.(*dav.Handler))
	f.Fuzz(func(t *testing.T, body string) {
		for _, target := range []string{"/", "/a.txt"} {
			for _, depth := range []string{"0", "1"} {
				comparePropfind(t, s.h, lib, target, depth, body)
			}
		}
	})
}

// FuzzAppendEscaped escapes any text as encoding/xml.EscapeText does.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"", "plain.txt", `a<b>&"c'`, "tab\tnl\nret\r", "\x00\x1f\x7f", "é€😀", "\xff\xfe", "\ufffd\uffff\ud7ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want strings.Builder
		xml.EscapeText(&want, []byte(s)) //nolint:errcheck // a strings.Builder does not fail
		if got := string(dav.AppendEscaped([]byte("x"), s)); got != "x"+want.String() {
			t.Fatalf("%q: %q, want %q", s, got, "x"+want.String())
		}
	})
}
