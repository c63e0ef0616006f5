package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/internal/assets"
)

// inotifyFDs counts the inotify descriptors of process pid.
func inotifyFDs(t *testing.T, pid int) int {
	t.Helper()
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if target, _ := os.Readlink(filepath.Join(dir, e.Name())); strings.Contains(target, "inotify") {
			n++
		}
	}
	return n
}

// Without --live: no watcher, no script, the page as it is on disk.
func TestLiveOffChangesNothing(t *testing.T) {
	t.Parallel()
	requireProc(t)
	dir := t.TempDir()
	page := "<!doctype html><html><head><title>x</title></head><body>x</body></html>\n"
	writeFile(t, dir, "page.html", []byte(page))
	off := startBinary(t, nil, "-q", "-d", dir)
	if n := inotifyFDs(t, off.cmd.Process.Pid); n != 0 {
		t.Errorf("without --live the server holds %d inotify descriptors", n)
	}
	resp, body := off.get(t, "/page.html")
	if body != page || resp.Header.Get("Etag") == "" || strings.Contains(resp.Header.Get("Etag"), "live") {
		t.Errorf("without --live: %q, ETag %s", body, resp.Header.Get("Etag"))
	}
	if resp, _ := off.get(t, assets.Prefix()+"live-events"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("without --live the event stream answers %d", resp.StatusCode)
	}
	on := startBinary(t, nil, "-q", "--live", "-d", dir)
	if n := inotifyFDs(t, on.cmd.Process.Pid); n != 1 {
		t.Errorf("with --live the server holds %d inotify descriptors, want 1", n)
	}
	if _, body := on.get(t, "/page.html"); !strings.Contains(body, "live.js") {
		t.Errorf("with --live the page has no script: %q", body)
	}
}

// The stream works through --auth, and ends at Ctrl-C without holding
// the shutdown.
func TestLiveThroughAuth(t *testing.T) {
	dir := t.TempDir()
	s := startInProcess(t, testLimits, "-q", "--live", "--auth", "me:pw", "-d", dir)
	if resp, _ := s.get(t, assets.Prefix()+"live-events"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", s.url+assets.Prefix()+"live-events", nil)
	req.SetBasicAuth("me", "pw")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	writeFile(t, dir, "new.html", []byte("x"))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		if strings.Contains(line, `"new.html"`) {
			break
		}
	}
}
