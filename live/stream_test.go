package live

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/encode"
	"github.com/simplehttp/simplehttp/fileserve"
)

// fakeTimer is a timer of manualClock.
type fakeTimer struct{ stopped bool }

func (t *fakeTimer) Stop() bool { was := !t.stopped; t.stopped = true; return was }

// manualClock drives a hub's bursts by hand: fire runs the latest timer.
type manualClock struct {
	now  time.Time
	f    func()
	last *fakeTimer
	wait time.Duration
}

func (c *manualClock) afterFunc(d time.Duration, f func()) timer {
	c.f, c.wait, c.last = f, d, &fakeTimer{}
	return c.last
}

func TestBurstsAreCoalesced(t *testing.T) {
	h := newHub(50*time.Millisecond, time.Second)
	clock := &manualClock{now: time.Unix(1000, 0)}
	h.afterFunc, h.now = clock.afterFunc, func() time.Time { return clock.now }
	c, last := h.subscribe("")
	defer h.unsubscribe(c)
	for i := range 200 {
		clock.now = clock.now.Add(time.Millisecond)
		h.changed("build/f"+string(rune('a'+i%26)), false)
		if clock.wait != 50*time.Millisecond {
			t.Fatalf("after change %d the burst waits %s, want 50ms of quiet", i, clock.wait)
		}
	}
	clock.f()
	select {
	case b := <-c.queue:
		if len(b.names) != 26 || b.all || b.gen != 1 {
			t.Errorf("batch %d: %d names, all=%v; want batch 1 with the 26 names", b.gen, len(b.names), b.all)
		}
	default:
		t.Fatal("no batch after the burst")
	}
	if len(c.queue) != 0 {
		t.Errorf("%d more batches, want one for the burst", len(c.queue))
	}
	// A burst that never ends is sent when it has lasted maxWait.
	for range 30 {
		clock.now = clock.now.Add(40 * time.Millisecond)
		h.changed("app.log", false)
	}
	if clock.wait >= 50*time.Millisecond {
		t.Errorf("a burst of 1.2s still waits %s, want less than the quiet time", clock.wait)
	}
	// A page that comes back after batch 1 gets batch 2 only.
	clock.f()
	c2, _ := h.subscribe(h.id(1))
	defer h.unsubscribe(c2)
	if b := <-c2.queue; b.gen != 2 || len(b.names) != 1 {
		t.Errorf("replayed batch %d %v, want batch 2", b.gen, b.names)
	}
	// One from another process reloads.
	c3, _ := h.subscribe("other." + strings.TrimPrefix(last, h.instance+"."))
	defer h.unsubscribe(c3)
	if b := <-c3.queue; !b.all {
		t.Errorf("a page of another process got %v, want all", b)
	}
}

func TestTooManyNamesIsAll(t *testing.T) {
	h := newHub(time.Hour, time.Hour)
	c, _ := h.subscribe("")
	for i := range maxNames + 1 {
		h.changed(strings.Repeat("x", i+1), false)
	}
	h.flush()
	if b := <-c.queue; !b.all || b.names != nil {
		t.Errorf("a burst of %d names: all=%v with %d names, want all", maxNames+1, b.all, len(b.names))
	}
}

func TestAPageThatStopsReadingIsDropped(t *testing.T) {
	h := newHub(time.Hour, time.Hour)
	c, _ := h.subscribe("")
	for range clientQueue + 1 {
		h.changed("x", false)
		h.flush()
	}
	select {
	case <-c.gone:
	default:
		t.Fatal("a page with a full queue is still subscribed")
	}
	if h.count() != 0 {
		t.Errorf("%d pages listening, want 0", h.count())
	}
}

// stream opens the event stream of srv and returns a reader of its lines.
func stream(t *testing.T, client *http.Client, url string) (*bufio.Reader, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url+eventsPath(), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream: %d %v", resp.StatusCode, resp.Header)
	}
	return bufio.NewReader(resp.Body), resp
}

// nextData reads the stream up to the next "data:" line of a message.
func nextData(t *testing.T, r *bufio.Reader, event string) string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		kind := ""
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				done <- "error: " + err.Error()
				return
			}
			switch {
			case strings.HasPrefix(line, "event: "):
				kind = strings.TrimSpace(line[7:])
			case strings.HasPrefix(line, "data: ") && (kind == event || kind == "" && event == "message"):
				done <- strings.TrimSpace(line[6:])
				return
			case line == "\n":
				kind = ""
			}
		}
	}()
	select {
	case d := <-done:
		return d
	case <-time.After(10 * time.Second):
		t.Fatalf("no %q event within 10s", event)
		return ""
	}
}

// The stream carries each burst at once, over HTTP/1.1 and HTTP/2 with
// TLS, behind compression, and ends when the Reloader closes.
func TestStream(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			dir := t.TempDir()
			root, err := os.OpenRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			rl, err := New(root, nil)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewUnstartedServer(encode.New(rl.Handler(fileserve.NewRoot(root, nil)), nil))
			srv.EnableHTTP2 = h2
			if h2 {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			defer rl.Close() // first: it ends the stream srv.Close waits for
			client := srv.Client()
			r, resp := stream(t, client, srv.URL)
			if h2 && resp.ProtoMajor != 2 {
				t.Fatalf("protocol %s, want HTTP/2", resp.Proto)
			}
			nextData(t, r, "ready")
			if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := nextData(t, r, "message"); got != `{"names":["page.html"],"all":false}` {
				t.Errorf("event data %s", got)
			}
			if rl.Pages() != 1 {
				t.Errorf("%d pages listening, want 1", rl.Pages())
			}
			rl.Close()
			if got := nextData(t, r, "never"); !strings.HasPrefix(got, "error: ") {
				t.Errorf("the stream goes on after Close: %s", got)
			}
		})
	}
}
