package cors_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/simplehttp/simplehttp/cors"
)

func TestCORS(t *testing.T) {
	reached := 0
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		w.Header().Set("WWW-Authenticate", "Basic") // as auth behind would
		w.WriteHeader(http.StatusUnauthorized)
	})
	h := cors.New(next, "")

	// A preflight is answered here, without credentials.
	r := httptest.NewRequest("OPTIONS", "/data.json", nil)
	r.Header.Set("Origin", "https://app.example")
	r.Header.Set("Access-Control-Request-Method", "GET")
	r.Header.Set("Access-Control-Request-Headers", "range")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	for k, want := range map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
		"Access-Control-Allow-Headers": "range",
		"Access-Control-Max-Age":       "7200",
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("preflight %s: %q, want %q", k, got, want)
		}
	}
	if w.Code != 204 || reached != 0 {
		t.Errorf("preflight: %d, reached the handler %d times; want 204 and never", w.Code, reached)
	}

	// A read passes on, with the headers.
	r = httptest.NewRequest("GET", "/data.json", nil)
	r.Header.Set("Origin", "https://app.example")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if reached != 1 || w.Header().Get("Access-Control-Allow-Origin") != "*" || w.Header().Get("Access-Control-Expose-Headers") == "" {
		t.Errorf("GET: reached %d, headers %v", reached, w.Header())
	}

	// A plain OPTIONS (no preflight) is the handler's.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("OPTIONS", "/", nil))
	if reached != 2 {
		t.Errorf("plain OPTIONS did not reach the handler")
	}
}
