package live

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
)

// writeTimeout bounds each write to a stream: a page that stops reading
// is dropped once the system's buffers are full and this has passed.
const writeTimeout = 10 * time.Second

// serveEvents streams the batches of changes to one page as Server-Sent
// Events. The first event, "ready", carries the ID of the last batch; each
// batch is a message whose ID the browser sends back as Last-Event-ID when
// it reconnects (as the script's "since" query after a reload), so the
// page then gets what it missed. A page that lets clientQueue batches pile
// up unread is dropped.
func (l *Reloader) serveEvents(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		fileserve.Error(w, r, http.StatusMethodNotAllowed)
		return
	}
	since := r.Header.Get("Last-Event-ID")
	if since == "" {
		since = r.URL.Query().Get("since")
	}
	c, last := l.hub.subscribe(since)
	defer l.hub.unsubscribe(c)
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache, no-transform")
	hdr.Set("X-Content-Type-Options", "nosniff")
	rc := http.NewResponseController(w)
	ready := "retry: 1000\nevent: ready\nid: " + last + "\ndata: " + last + "\n\n"
	if !send(w, rc, ready) {
		return
	}
	keepAlive := time.NewTicker(l.keepAlive)
	defer keepAlive.Stop()
	for {
		var ok bool
		select {
		case b := <-c.queue:
			ok = send(w, rc, l.message(b))
		case <-keepAlive.C:
			ok = send(w, rc, ": keep-alive\n\n")
		case <-c.gone:
			return
		case <-r.Context().Done():
			return
		}
		if !ok {
			return
		}
	}
}

// message is the event of batch b: its ID, and as data a JSON object
// {"names": [...], "all": bool}.
func (l *Reloader) message(b batch) string {
	data, _ := json.Marshal(struct {
		Names []string `json:"names"`
		All   bool     `json:"all"`
	}{b.names, b.all}) // strings and a bool: it cannot fail
	return "id: " + l.hub.id(b.gen) + "\ndata: " + string(data) + "\n\n"
}

// send writes s and flushes it to the page, within writeTimeout; it
// reports whether the page is still there.
func send(w http.ResponseWriter, rc *http.ResponseController, s string) bool {
	if err := rc.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return false
	}
	if _, err := w.Write([]byte(s)); err != nil {
		return false
	}
	return rc.Flush() == nil
}
