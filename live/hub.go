package live

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// batch is the changes of one burst, sent to every page as one event.
type batch struct {
	gen   uint64   // its number; the first batch is 1
	names []string // the names that changed, sorted; nil when all
	all   bool     // anything may have changed: every page reloads
}

// Bounds of what the hub keeps.
const (
	// maxNames is the most names a batch lists; a burst that changes
	// more (a checkout, a full rebuild) is sent as "all".
	maxNames = 1000
	// historyLen is how many batches are kept for pages that come back:
	// a page that reloaded for one batch asks for those after it.
	historyLen = 64
	// clientQueue is how many batches may wait for one page; a page that
	// lets more pile up has stopped reading and is dropped.
	clientQueue = 8
)

// timer is the part of *time.Timer the hub uses; tests give the hub a
// clock they move by hand.
type timer interface{ Stop() bool }

// hub coalesces changes into batches and hands each to every page that
// listens. A burst ends when no change came for quiet, or when it has lasted
// maxWait, so a file written without pause still shows.
type hub struct {
	quiet, maxWait time.Duration
	afterFunc      func(time.Duration, func()) timer // time.AfterFunc
	now            func() time.Time
	instance       string // tells this process's batch numbers from another's

	mu        sync.Mutex
	pending   map[string]struct{}
	lost      bool      // the pending burst lost changes: it is "all"
	started   time.Time // when the pending burst began
	flushTime timer     // ends the pending burst
	gen       uint64
	history   []batch // the last historyLen batches, oldest first
	clients   map[*client]struct{}
	closed    bool
}

// client is one page's subscription.
type client struct {
	queue chan batch
	gone  chan struct{} // closed when the page is dropped or the hub closes
}

func newHub(quiet, maxWait time.Duration) *hub {
	return &hub{
		quiet: quiet, maxWait: maxWait,
		afterFunc: func(d time.Duration, f func()) timer { return time.AfterFunc(d, f) },
		now:       time.Now,
		instance:  strconv.FormatInt(time.Now().UnixNano(), 36),
		pending:   map[string]struct{}{},
		clients:   map[*client]struct{}{},
	}
}

// changed adds a change to the pending burst; lost says changes may have
// been missed. The burst is sent quiet after the last change, or maxWait
// after its first.
func (h *hub) changed(name string, lost bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	now := h.now()
	if len(h.pending) == 0 && !h.lost {
		h.started = now
	}
	if lost || len(h.pending) >= maxNames {
		h.lost = true
	} else {
		h.pending[name] = struct{}{}
	}
	if h.flushTime != nil {
		h.flushTime.Stop()
	}
	wait := min(h.quiet, h.maxWait-now.Sub(h.started))
	h.flushTime = h.afterFunc(max(wait, 0), h.flush)
}

// flush sends the pending burst as a batch to every page.
func (h *hub) flush() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || (len(h.pending) == 0 && !h.lost) {
		return
	}
	h.gen++
	b := batch{gen: h.gen, all: h.lost}
	if !b.all {
		b.names = make([]string, 0, len(h.pending))
		for name := range h.pending {
			b.names = append(b.names, name)
		}
		slices.Sort(b.names)
	}
	clear(h.pending)
	h.lost = false
	h.flushTime = nil
	if len(h.history) == historyLen {
		h.history = slices.Delete(h.history, 0, 1)
	}
	h.history = append(h.history, b)
	for c := range h.clients {
		h.deliver(c, b)
	}
}

// deliver queues b for c, or drops c when its queue is full.
func (h *hub) deliver(c *client, b batch) {
	select {
	case c.queue <- b:
	default:
		h.drop(c)
	}
}

// drop ends c's subscription. h.mu is held.
func (h *hub) drop(c *client) {
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c.gone)
	}
}

// subscribe adds a page that has seen the batches up to since (an event
// ID, or "" for a page just loaded): it first gets those it missed, or a
// batch of "all" when they are no longer kept or since comes from another
// process. It returns the client and the ID of the last batch.
func (h *hub) subscribe(since string) (*client, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := &client{queue: make(chan batch, clientQueue), gone: make(chan struct{})}
	if h.closed {
		close(c.gone)
		return c, h.id(h.gen)
	}
	h.clients[c] = struct{}{}
	if since != "" {
		for _, b := range h.missed(since) {
			h.deliver(c, b)
		}
	}
	return c, h.id(h.gen)
}

// missed returns the batches a page that saw up to since has not seen.
func (h *hub) missed(since string) []batch {
	inst, genText, _ := strings.Cut(since, ".")
	gen, err := strconv.ParseUint(genText, 10, 64)
	switch {
	case inst != h.instance || err != nil || gen > h.gen:
		// Another process (the server restarted): anything may have
		// changed meanwhile.
		return []batch{{gen: h.gen, all: true}}
	case gen == h.gen:
		return nil
	case len(h.history) == 0 || h.history[0].gen > gen+1:
		return []batch{{gen: h.gen, all: true}}
	}
	var out []batch
	for _, b := range h.history {
		if b.gen > gen {
			out = append(out, b)
		}
	}
	if len(out) > clientQueue {
		return []batch{{gen: h.gen, all: true}}
	}
	return out
}

// unsubscribe removes c.
func (h *hub) unsubscribe(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(c)
}

// id is the event ID of batch gen.
func (h *hub) id(gen uint64) string {
	return h.instance + "." + strconv.FormatUint(gen, 10)
}

// count is the number of pages listening.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// close ends every subscription; later ones end at once.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	if h.flushTime != nil {
		h.flushTime.Stop()
	}
	for c := range h.clients {
		h.drop(c)
	}
}
