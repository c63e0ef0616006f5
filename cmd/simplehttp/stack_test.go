//go:build linux

package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/simplehttp/simplehttp/netlimit"
)

// TestHTTP2SmallAnswerFitsStackReserve: under HTTP/2 net/http runs each
// stream's handler on a new goroutine, and netlimit.StreamDeadlines makes
// room on its stack at once (stackReserve) for what the handler chain
// takes to answer a small file from memory, so that the stack does not
// grow deep in the chain, copying some 25 frames (11-15% of the
// server's CPU per answer, where growing at StreamDeadlines costs 4-5%).
// This test fails when the chain outgrows that room, asked for as curl
// asks and as Chrome asks: then trim the frames on that path, or raise
// the reserve.
//
// The frames are measured as the program is built: not with the race
// detector, whose instrumentation makes them larger and whose stack
// guard is twice as large (run go test -run StackReserve without -race).
func TestHTTP2SmallAnswerFitsStackReserve(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes the frames' sizes: run without -race")
	}
	s, o := smallFileSite(t)
	probe := &stackProbe{next: newFrontDoor(s, o, defaultLimits, io.Discard)}
	srv := httptest.NewUnstartedServer(netlimit.StreamDeadlines(probe, defaultLimits.write))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).DisableCompression = true
	// Asked for as curl asks, the file is sent as it is; as Chrome asks,
	// in brotli (made once, held with the file). In each, the first
	// answer reads the file and takes it into memory (or makes the
	// coding) and may grow the stack; the others are from memory.
	const requests = 20
	for _, acceptEncoding := range []string{"", chromeNavigation.Get("Accept-Encoding")} {
		probe.runs.Store(0)
		probe.moved.Store(0)
		for range requests {
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/small.txt", nil)
			if err != nil {
				t.Fatal(err)
			}
			if acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", acceptEncoding)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 || (acceptEncoding == "") != bytes.Equal(got, smallFileContent) {
				t.Fatalf("GET (Accept-Encoding %q): %s over HTTP/%d, %d bytes, %v", acceptEncoding, resp.Status, resp.ProtoMajor, len(got), err)
			}
		}
		if n := probe.runs.Load(); n != requests {
			t.Fatalf("the chain ran %d times for %d requests", n, requests)
		}
		if n := probe.moved.Load(); n > 1 {
			t.Errorf("Accept-Encoding %q: the stack grew in the handler chain in %d of %d answers (the first may)", acceptEncoding, n, requests)
		}
	}
}

// stackProbe runs next and counts the runs in which the goroutine's
// stack was moved (grown by copying) while next ran: the address of one
// of its own locals then changes.
type stackProbe struct {
	next        http.Handler
	runs, moved atomic.Int64
}

func (p *stackProbe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var mark byte
	before := uintptr(unsafe.Pointer(&mark))
	p.next.ServeHTTP(w, r)
	p.runs.Add(1)
	if uintptr(unsafe.Pointer(&mark)) != before {
		p.moved.Add(1)
	}
}
