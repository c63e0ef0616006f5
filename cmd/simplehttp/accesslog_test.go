package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fixedNow is the clock of the access log tests.
func fixedNow() time.Time { return time.Date(2026, time.November, 21, 10, 0, 0, 0, time.Local) }

func TestAccessLogLine(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		method  string
		target  string
		remote  string
		want    string
	}{
		{
			name:    "python's form",
			handler: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, strings.Repeat("x", 1234)) },
			method:  "GET", target: "/path", remote: "127.0.0.1:5555",
			want: `127.0.0.1 - - [21/Nov/2026 10:00:00] "GET /path HTTP/1.1" 200 1234`,
		},
		{
			name:    "no body is a dash",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) },
			method:  "GET", target: "/", remote: "[::1]:5555",
			want: `::1 - - [21/Nov/2026 10:00:00] "GET / HTTP/1.1" 304 -`,
		},
		{
			name:    "handler that writes nothing",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			method:  "HEAD", target: "/x", remote: "10.0.0.1:1",
			want: `10.0.0.1 - - [21/Nov/2026 10:00:00] "HEAD /x HTTP/1.1" 200 -`,
		},
		{
			name: "1xx then final status",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusNotFound)
			},
			method: "GET", target: "/", remote: "10.0.0.1:1",
			want: `10.0.0.1 - - [21/Nov/2026 10:00:00] "GET / HTTP/1.1" 404 -`,
		},
		{
			name:    "request line cannot forge a line",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			method:  "GET", target: "/a\u202e\xff\"\\ HTTP/1.1\" 200 1\n", remote: "10.0.0.1:1",
			want: `10.0.0.1 - - [21/Nov/2026 10:00:00] "GET /a\u{202e}\xff\x22\x5c HTTP/1.1\x22 200 1\x0a HTTP/1.1" 200 -`,
		},
		{
			name:    "target over 8 KiB",
			handler: func(w http.ResponseWriter, r *http.Request) { t.Error("handler called") },
			method:  "GET", target: "/" + strings.Repeat("a", maxTarget), remote: "10.0.0.1:1",
			want: `10.0.0.1 - - [21/Nov/2026 10:00:00] "GET /` + strings.Repeat("a", maxTarget) + ` HTTP/1.1" 414 17`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			d := &frontDoor{next: tc.handler, log: &log, errs: io.Discard, now: fixedNow, bodyTimeout: time.Second}
			r := httptest.NewRequest(tc.method, "/", nil)
			r.RequestURI, r.RemoteAddr = tc.target, tc.remote
			d.ServeHTTP(httptest.NewRecorder(), r)
			if got := log.String(); got != tc.want+"\n" {
				t.Errorf("log line\n got %q\nwant %q", shorten(got), shorten(tc.want+"\n"))
			}
		})
	}
}

// shorten keeps failure messages readable.
func shorten(s string) string {
	if len(s) > 200 {
		return s[:100] + "…" + s[len(s)-100:]
	}
	return s
}

func TestQuietLogsNothing(t *testing.T) {
	var errs bytes.Buffer
	d := &frontDoor{next: http.NotFoundHandler(), errs: &errs, now: fixedNow}
	d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if errs.Len() != 0 {
		t.Errorf("quiet front door wrote %q", errs.String())
	}
}

// readFromSpy is a ResponseWriter whose ReadFrom records its source.
type readFromSpy struct {
	*httptest.ResponseRecorder
	src io.Reader
}

func (s *readFromSpy) ReadFrom(src io.Reader) (int64, error) {
	s.src = src
	return io.Copy(s.ResponseRecorder, src)
}

// TestRecorderReadFromReachesInner proves that io.Copy through the access
// log's writer ends in the inner writer's ReadFrom, with the very source
// http.ServeContent passed: that is the road to sendfile.
func TestRecorderReadFromReachesInner(t *testing.T) {
	spy := &readFromSpy{ResponseRecorder: httptest.NewRecorder()}
	rec := &recorder{ResponseWriter: spy}
	src := &io.LimitedReader{R: strings.NewReader("file body"), N: 4}
	n, err := io.Copy(rec, src)
	if err != nil || n != 4 {
		t.Fatalf("io.Copy = %d, %v", n, err)
	}
	if spy.src != src {
		t.Errorf("the inner ReadFrom got %T %p, want the caller's %p", spy.src, spy.src, src)
	}
	if rec.bytes != 4 || rec.code() != http.StatusOK || spy.Body.String() != "file" {
		t.Errorf("recorded %d bytes, status %d, body %q", rec.bytes, rec.code(), spy.Body.String())
	}
}

// TestRecorderReadFromWithoutInner: a writer without ReadFrom still gets
// the body, through Write.
func TestRecorderReadFromWithoutInner(t *testing.T) {
	inner := httptest.NewRecorder()
	rec := &recorder{ResponseWriter: struct{ http.ResponseWriter }{inner}}
	if n, err := rec.ReadFrom(strings.NewReader("body")); n != 4 || err != nil {
		t.Fatalf("ReadFrom = %d, %v", n, err)
	}
	if inner.Body.String() != "body" || rec.bytes != 4 {
		t.Errorf("body %q, %d bytes recorded", inner.Body.String(), rec.bytes)
	}
}

// TestRecorderUnwrap: http.ResponseController reaches the connection
// through the recorder (SetWriteDeadline has no method on the recorder).
func TestRecorderUnwrap(t *testing.T) {
	errc := make(chan error, 1)
	h := &frontDoor{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(*recorder); !ok {
			errc <- nil
			t.Errorf("handler got a %T, want the recorder", w)
			return
		}
		errc <- http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute))
	}), errs: io.Discard, now: fixedNow}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-errc; err != nil {
		t.Errorf("SetWriteDeadline through the recorder: %v", err)
	}
}

func TestPanicBecomes500(t *testing.T) {
	var errs, log bytes.Buffer
	h := &frontDoor{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		panic("boom\nfake log line")
	}), log: &log, errs: &errs, now: fixedNow}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	if w.Code != http.StatusInternalServerError || w.Header().Get("ETag") != "" {
		t.Errorf("status %d, ETag %q; want 500 and no ETag", w.Code, w.Header().Get("ETag"))
	}
	if want := "simplehttp: panic serving GET /x: boom\\x0afake log line\n"; errs.String() != want {
		t.Errorf("error log %q, want %q", errs.String(), want)
	}
	if !strings.Contains(log.String(), `"GET /x HTTP/1.1" 500 `) {
		t.Errorf("access log %q lacks the 500", log.String())
	}
}

// TestPanicOverTheWire: a panic after the answer has begun cuts the
// connection (the client must not take a short body for a whole one),
// an ErrAbortHandler panic is not logged as a fault, and the server goes
// on serving.
func TestPanicOverTheWire(t *testing.T) {
	var errs bytes.Buffer
	mux := http.NewServeMux()
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("late boom")
	})
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	mux.HandleFunc("/early", func(w http.ResponseWriter, r *http.Request) { panic("early boom") })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	// errs is read only after srv.Close, which waits for every handler.
	srv := httptest.NewServer(&frontDoor{next: mux, errs: &errs, now: fixedNow})
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/late")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("/late: the truncated answer read as complete")
	}
	if resp, err := http.Get(srv.URL + "/abort"); err == nil {
		resp.Body.Close()
		t.Error("/abort: no error")
	}
	resp, err = http.Get(srv.URL + "/early")
	if err != nil || resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("/early: %v, %v; want 500", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(srv.URL + "/ok")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/ok after panics: %v, %v", resp, err)
	}
	resp.Body.Close()
	srv.Close()
	got := errs.String()
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, "late boom") || !strings.Contains(got, "early boom") || strings.Contains(got, "goroutine") {
		t.Errorf("want one line per real panic and no stack trace, got:\n%s", got)
	}
}

// TestBodyTimeout: a request body that trickles in is cut off, even though
// net/http would otherwise wait to drain it before it answers: the server
// answers and closes while the trickle goes on (for as long as patience
// allows; the body time-out is 300 ms).
func TestBodyTimeout(t *testing.T) {
	s := startInProcess(t, testLimits, "-d", t.TempDir())
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab")
	start := time.Now()
	trickled := make(chan struct{}) // closed if the whole trickle went in
	go func() {
		for time.Since(start) < patience {
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		close(trickled)
	}()
	// The server answers and closes; as the trickle goes on, the close
	// may come as a reset.
	c.SetReadDeadline(time.Now().Add(2 * patience))
	if _, err := io.ReadAll(c); err != nil && !isReset(err) {
		t.Fatalf("after %s: %v", time.Since(start), err)
	}
	select {
	case <-trickled:
		t.Errorf("trickling body held the connection %s", time.Since(start))
	default:
	}
	s.stderr.waitFor(t, regexp.MustCompile(`"POST / HTTP/1.1" 405 `), patience)
}

// deadlineCounter is a ResponseWriter that counts the read deadlines
// http.ResponseController sets on it.
type deadlineCounter struct {
	httptest.ResponseRecorder
	reads int
}

func (d *deadlineCounter) SetReadDeadline(time.Time) error { d.reads++; return nil }

// TestBodyTimeoutOnlyForBodies: only a request with a body gets the read
// deadline for it. Under HTTP/2 a GET's Body is never http.NoBody (its
// ContentLength is 0), and a deadline costs a message to the connection's
// goroutine and a timer, on every request.
func TestBodyTimeoutOnlyForBodies(t *testing.T) {
	d := &frontDoor{next: http.NotFoundHandler(), errs: io.Discard, now: fixedNow, bodyTimeout: time.Second}
	for _, tc := range []struct {
		name          string
		body          io.ReadCloser
		contentLength int64
		want          int
	}{
		{"HTTP/1.1 GET", http.NoBody, 0, 0},
		{"HTTP/2 GET", io.NopCloser(strings.NewReader("")), 0, 0},
		{"a body of known length", io.NopCloser(strings.NewReader("abc")), 3, 1},
		{"a chunked body", io.NopCloser(strings.NewReader("abc")), -1, 1},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Body, r.ContentLength = tc.body, tc.contentLength
		w := &deadlineCounter{ResponseRecorder: *httptest.NewRecorder()}
		d.ServeHTTP(w, r)
		if w.reads != tc.want {
			t.Errorf("%s: %d read deadlines, want %d", tc.name, w.reads, tc.want)
		}
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestAccessLogLineAllocs: writing the line of a plain request costs no
// allocation (it made 15, through fmt, termsafe and concatenation).
func TestAccessLogLineAllocs(t *testing.T) {
	d := &frontDoor{log: io.Discard, now: fixedNow}
	r := httptest.NewRequest("GET", "/some/file.txt", nil)
	rec := &recorder{status: http.StatusOK, bytes: 1024}
	if n := testing.AllocsPerRun(100, func() { d.writeLine(rec, r) }); n != 0 {
		t.Errorf("writeLine: %v allocations, want 0", n)
	}
}
