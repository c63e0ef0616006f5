package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoak puts a bounded mixed load on the built binary for the duration
// in SIMPLEHTTP_SOAK (make soak sets it): files, ranges, listings,
// conditional requests, 404s and aborted downloads from 8 clients. No
// answer may be wrong, and the descriptors at the end must equal those at
// the start.
func TestSoak(t *testing.T) {
	env := os.Getenv("SIMPLEHTTP_SOAK")
	if env == "" {
		t.Skip("skipping: set SIMPLEHTTP_SOAK to a duration (make soak does) to run the soak test")
	}
	duration, err := time.ParseDuration(env)
	if err != nil {
		t.Fatalf("SIMPLEHTTP_SOAK=%q: %v", env, err)
	}
	requireProc(t)
	f := newFixture(t)
	s := startBinary(t, nil, "-q", "-d", f.dir)
	pid := s.cmd.Process.Pid
	startFDs := countFDs(t, pid)

	var requests, failures atomic.Int64
	var firstErrors sync.Map
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 30 * time.Second}
			defer client.CloseIdleConnections()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for time.Now().Before(deadline) {
				kind, err := soakRequest(client, s.url, f, rng)
				requests.Add(1)
				if err != nil {
					failures.Add(1)
					firstErrors.LoadOrStore(kind, err)
				}
			}
		})
	}
	peakFDs := startFDs
	for done := false; !done; {
		select {
		case <-time.After(500 * time.Millisecond):
			peakFDs = max(peakFDs, countFDs(t, pid))
		case <-waitGroupDone(&wg):
			done = true
		}
	}
	endFDs := waitFDs(t, pid, startFDs, 10*time.Second)
	rss, peakRSS := mebibytes(procMemory(t, pid, "VmRSS")), mebibytes(procMemory(t, pid, "VmHWM"))
	t.Logf("%s: %d requests (%.0f/s), %d failures; RSS %s now, %s at peak; descriptors %d at start, %d at peak, %d at the end",
		duration, requests.Load(), float64(requests.Load())/duration.Seconds(), failures.Load(), rss, peakRSS, startFDs, peakFDs, endFDs)
	firstErrors.Range(func(kind, err any) bool {
		t.Errorf("%s: %v", kind, err)
		return true
	})
	if endFDs != startFDs {
		t.Errorf("descriptors: %d at the end, %d at the start", endFDs, startFDs)
	}
}

func waitGroupDone(wg *sync.WaitGroup) <-chan struct{} {
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	return ch
}

// soakRequest makes one request of a random kind and checks its answer.
func soakRequest(client *http.Client, base string, f *fixture, rng *rand.Rand) (kind string, err error) {
	big := f.files["big.bin"]
	switch n := rng.IntN(10); {
	case n < 3:
		return "file", expect(client, base+"/sub/nested.bin", nil, http.StatusOK, f.files["sub/nested.bin"])
	case n < 5:
		start := rng.IntN(len(big))
		end := start + rng.IntN(min(len(big)-start, 1<<20))
		hdr := http.Header{"Range": {fmt.Sprintf("bytes=%d-%d", start, end)}}
		return "range", expect(client, base+"/big.bin", hdr, http.StatusPartialContent, big[start:end+1])
	case n < 6:
		return "listing", expectContains(client, base+"/sub/", `href="./nested.bin"`)
	case n < 7:
		return "404", expect(client, base+"/no/such/file", nil, http.StatusNotFound, nil)
	case n < 8:
		return "conditional", conditional(client, base+"/hello.txt")
	default:
		return "abort", abort(client, base+"/big.bin", rng.IntN(len(big)))
	}
}

// expect checks the status and, unless want is nil, the body.
func expect(client *http.Client, url string, hdr http.Header, status int, want []byte) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header = hdr
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return err
	case resp.StatusCode != status:
		return fmt.Errorf("GET %s: %s, want %d", url, resp.Status, status)
	case want != nil && !bytes.Equal(body, want):
		return fmt.Errorf("GET %s: %d bytes differ from the %d expected", url, len(body), len(want))
	}
	return nil
}

func expectContains(client *http.Client, url, want string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		return fmt.Errorf("GET %s: %s without %q", url, resp.Status, want)
	}
	return nil
}

// conditional checks that the ETag of a file brings 304.
func conditional(client *http.Client, url string) error {
	resp, err := client.Head(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if etag == "" {
		return fmt.Errorf("HEAD %s: no ETag", url)
	}
	return expect(client, url, http.Header{"If-None-Match": {etag}}, http.StatusNotModified, []byte{})
}

// abort reads n bytes of a download, then hangs up.
func abort(client *http.Client, url string, n int) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close() // unread: the connection is closed
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	_, err = io.CopyN(io.Discard, resp.Body, int64(n))
	return err
}
