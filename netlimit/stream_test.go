package netlimit

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// deadlineSpy is a ResponseWriter that records its writes and the write
// deadlines set before each.
type deadlineSpy struct {
	httptest.ResponseRecorder
	events  []string
	flushed bool
}

func (d *deadlineSpy) Write(p []byte) (int, error) {
	d.events = append(d.events, fmt.Sprintf("write %d", len(p)))
	return len(p), nil
}

func (d *deadlineSpy) SetWriteDeadline(t time.Time) error {
	d.events = append(d.events, "deadline")
	return nil
}

func (d *deadlineSpy) Flush() { d.flushed = true }

func TestStreamWriter(t *testing.T) {
	spy := &deadlineSpy{}
	var inner http.ResponseWriter = spy
	write := WriteLimit{Timeout: time.Second, Chunk: 10}
	answer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 2 && http.NewResponseController(w).Flush() != nil {
			t.Error("Flush does not reach the stream")
		}
		if n, err := w.Write(make([]byte, 25)); n != 25 || err != nil {
			t.Errorf("Write = %d, %v", n, err)
		}
	})
	h := StreamDeadlines(answer, write)

	h.ServeHTTP(inner, &http.Request{ProtoMajor: 2})
	if got, want := strings.Join(spy.events, ", "), "deadline, write 10, deadline, write 10, deadline, write 5"; got != want {
		t.Errorf("HTTP/2: %s, want %s", got, want)
	}
	if !spy.flushed {
		t.Error("not flushed")
	}
	spy.events = nil
	h.ServeHTTP(inner, &http.Request{ProtoMajor: 1})
	if got, want := strings.Join(spy.events, ", "), "write 25"; got != want {
		t.Errorf("HTTP/1.1 is left to the listener: %s, want %s", got, want)
	}
	// A zero WriteLimit is DefaultWriteLimit: 25 bytes are one chunk.
	spy.events = nil
	StreamDeadlines(answer, WriteLimit{}).ServeHTTP(inner, &http.Request{ProtoMajor: 2})
	if got, want := strings.Join(spy.events, ", "), "deadline, write 25"; got != want {
		t.Errorf("zero WriteLimit: %s, want %s", got, want)
	}
	// A writer without deadlines still gets the bytes.
	rec := httptest.NewRecorder()
	StreamDeadlines(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}), write).ServeHTTP(rec, &http.Request{ProtoMajor: 2})
	if rec.Body.String() != "hello" {
		t.Errorf("over a recorder: %q", rec.Body)
	}
}
