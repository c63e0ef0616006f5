package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/testphoto"
)

// TestGalleryBench measures the gallery as issue 21 asks, against the real
// binary: the time to the first full grid of a 500-photo folder, cold
// (no thumbnail made yet) and cached, with thumbnails per second per core
// from the server's CPU time; and the server's peak RSS while 8 clients
// ask for the thumbnails of a folder of 24-megapixel photos. It takes a
// few minutes and a gigabyte of disk, so it runs only with
// SIMPLEHTTP_GALLERY_BENCH=1: make bench-gallery.
func TestGalleryBench(t *testing.T) {
	if os.Getenv("SIMPLEHTTP_GALLERY_BENCH") == "" {
		t.Skip("a measurement: run by make bench-gallery (SIMPLEHTTP_GALLERY_BENCH=1)")
	}
	requireProc(t)
	t.Run("grid", benchGrid)
	t.Run("rss", benchRSS)
}

// benchGrid measures the first full grid of 500 photos of 6 MP, cold and
// cached, three times each.
func benchGrid(t *testing.T) {
	grid := photoFolder(t, 500, 3000, 2000) // 6 MP each
	var cold, cached, cpu []time.Duration
	for range 3 {
		s := startBinary(t, nil, "-q", "-d", grid)
		before := serverCPU(t, s.cmd.Process.Pid)
		cold = append(cold, fullGrid(t, s.url, 8))
		cpu = append(cpu, serverCPU(t, s.cmd.Process.Pid)-before)
		cached = append(cached, fullGrid(t, s.url, 8))
	}
	t.Logf("500 photos of 6 MP, 8 clients: first full grid cold %v, cached %v (medians of 3: %v, %v)",
		median(cold), median(cached), cold, cached)
	t.Logf("server CPU for the cold grid %v: %.1f thumbnails per second per core", median(cpu), 500/median(cpu).Seconds())
}

// benchRSS measures the server's peak memory while 8 clients ask for the
// thumbnails of 16 photos of 24 MP.
func benchRSS(t *testing.T) {
	big := photoFolder(t, 16, 6000, 4000) // 24 MP each
	s := startBinary(t, nil, "-q", "-d", big)
	idle := peakRSS(t, s.cmd.Process.Pid)
	start, cpu := time.Now(), serverCPU(t, s.cmd.Process.Pid)
	fullGrid(t, s.url, 8)
	t.Logf("16 photos of 24 MP, 8 clients: %v, server CPU %v; peak RSS %d MiB (%d MiB before)",
		time.Since(start), serverCPU(t, s.cmd.Process.Pid)-cpu, peakRSS(t, s.cmd.Process.Pid)>>20, idle>>20)
}

// photoFolder writes n copies of a w×h textured JPEG (distinct files, so
// each has its own thumbnail) into a new folder.
func photoFolder(t *testing.T, n, w, h int) string {
	t.Helper()
	photo := testphoto.JPEG(t, w, h)
	dir := t.TempDir()
	for i := range n {
		writeFile(t, dir, fmt.Sprintf("photo%03d.jpg", i), photo)
	}
	return dir
}

// thumbLink matches a tile's thumbnail in a grid page.
var thumbLink = regexp.MustCompile(`<img src="\./([^"]+)"`)

// fullGrid loads the grid page of the server's root as a browser would,
// then every thumbnail on it over clients connections at once, and
// returns the time until the last one arrived.
func fullGrid(t *testing.T, base string, clients int) time.Duration {
	t.Helper()
	start := time.Now()
	resp, err := http.Get(base + "/?view=grid")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	links := thumbLink.FindAllStringSubmatch(string(page), -1)
	if len(links) == 0 {
		t.Fatal("no thumbnail on the grid page")
	}
	next := make(chan string, len(links))
	for _, l := range links {
		next <- strings.ReplaceAll(l[1], "&amp;", "&")
	}
	close(next)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for link := range next {
				resp, err := http.Get(base + "/" + link)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck
				resp.Body.Close()
				if resp.Header.Get("Content-Type") != "image/jpeg" {
					t.Errorf("%s: %s", link, resp.Header.Get("Content-Type"))
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// serverCPU is the user and system CPU time of process pid.
func serverCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the ")" that ends the command name: utime is the 12th
	// and stime the 13th of them, in clock ticks (100 a second on Linux).
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// median is the median of ds.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
