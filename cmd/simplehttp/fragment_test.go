package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBinaryRawFragment sends a raw "#" in the request target over a
// socket (every client strips the fragment itself): the server drops the
// fragment and serves the file before it, as nginx and Python's
// http.server do, and the access log shows the target as it came.
func TestBinaryRawFragment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir)
	for _, tc := range []struct{ target, status, body string }{
		{"/hello.txt#frag", "200", "hello, world\n"},
		{"/hello.txt#x?y", "200", "hello, world\n"},
		{"/odd%20names/100%25%20%231%3F.txt#1", "200", "percent\n"},
		{"/.env#x", "404", ""},
	} {
		got := exchange(t, s.addr, "GET "+tc.target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		head, body, _ := strings.Cut(got, "\r\n\r\n")
		if st := statuses(head); st != tc.status {
			t.Errorf("GET %s: status %q, want %s\n%s", tc.target, st, tc.status, head)
		}
		if tc.body != "" && body != tc.body {
			t.Errorf("GET %s: body %q, want %q", tc.target, body, tc.body)
		}
	}
	s.stderr.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(`"GET /hello.txt#frag HTTP/1.1" 200 13`)), 5*time.Second)
}
