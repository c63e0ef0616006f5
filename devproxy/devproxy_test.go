package devproxy

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/websocket"
)

func TestParseRoute(t *testing.T) {
	good := map[string]string{
		"/api=http://127.0.0.1:3000":      "/api",
		"/api/=https://localhost:8443/v1": "/api",
		"/a/b=http://[::1]:9000":          "/a/b",
	}
	for in, want := range good {
		rt, err := ParseRoute(in)
		if err != nil || rt.Path != want {
			t.Errorf("ParseRoute(%q) = %q, %v; want %q", in, rt.Path, err, want)
		}
	}
	for _, in := range []string{"", "/api", "api=http://x", "/=http://x", "/a/../b=http://x", "/api=ftp://x",
		"/api=http://", "/api=localhost:3000", "/api=http://u:p@x", "/api=http://x/?q=1", "/api=:%"} {
		if _, err := ParseRoute(in); err == nil {
			t.Errorf("ParseRoute(%q) accepted", in)
		}
	}
}

// backend is a small API: it echoes what it was asked, and /ws echoes
// WebSocket messages.
func backend(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/api/ws", websocket.Handler(func(ws *websocket.Conn) { io.Copy(ws, ws) }))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		for _, k := range []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Authorization"} {
			w.Header().Set("Got-"+k, r.Header.Get(k))
		}
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" "+string(body))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func front(t *testing.T, target string, opt *Options) *httptest.Server {
	t.Helper()
	u, _ := url.Parse(target)
	files := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "files "+r.URL.Path) })
	srv := httptest.NewServer(New(files, []Route{{Path: "/api", Target: u}}, opt))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestProxy(t *testing.T) {
	api := backend(t)
	srv := front(t, api.URL, &Options{DropAuthorization: true})
	for target, want := range map[string]string{
		"/api":            "GET /api ",
		"/api/users?id=1": "GET /api/users?id=1 ",
		"/api/a%2Fb":      "GET /api/a%2Fb ",
		"/apix":           "files /apix",
		"/x/../api/y":     "GET /api/y ",
		"/index.html":     "files /index.html",
	} {
		req, _ := http.NewRequest("GET", srv.URL+target, nil)
		req.URL.Opaque, _, _ = strings.Cut(target, "?") // sent as written, dot segments included
		req.SetBasicAuth("user", "secret")
		resp, body := get(t, req)
		if body != want {
			t.Errorf("GET %s: %q, want %q", target, body, want)
		}
		if strings.HasPrefix(want, "GET") {
			host := strings.TrimPrefix(srv.URL, "http://")
			if resp.Header.Get("Got-X-Forwarded-For") != "127.0.0.1" || resp.Header.Get("Got-X-Forwarded-Host") != host ||
				resp.Header.Get("Got-X-Forwarded-Proto") != "http" || resp.Header.Get("Got-Authorization") != "" {
				t.Errorf("GET %s: the backend got %v", target, resp.Header)
			}
		}
	}
	req, _ := http.NewRequest("PUT", srv.URL+"/api/upload", strings.NewReader("data"))
	if _, body := get(t, req); body != "PUT /api/upload data" {
		t.Errorf("PUT: %q: uploads under the path go to the backend", body)
	}
}

func TestWebSocketPassesThrough(t *testing.T) {
	srv := front(t, backend(t).URL, nil)
	ws, err := websocket.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/api/ws", "", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, msg := range []string{"hello", strings.Repeat("x", 100000)} {
		if _, err := ws.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(ws, got); err != nil || string(got) != msg {
			t.Fatalf("echo of %d bytes: %d bytes back, %v", len(msg), len(got), err)
		}
	}
}

func TestBackendDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var log bytes.Buffer
	srv := front(t, "http://"+addr, &Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	req, _ := http.NewRequest("GET", srv.URL+"/api/users", nil)
	resp, body := get(t, req)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "502 Bad Gateway") ||
		resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || strings.Contains(body, addr) {
		t.Errorf("backend down: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(log.String(), "connection refused") {
		t.Errorf("the cause is not logged: %q", log.String())
	}
}
