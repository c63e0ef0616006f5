package preview

import (
	"context"
	"sync"
	"sync/atomic"
)

// pool bounds the CPU-heavy work: at most a fixed number of jobs at once,
// and at most queue waiting for one of them; more are turned away.
type pool struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
}

func newPool(workers, queue int) *pool {
	return &pool{slots: make(chan struct{}, workers), queue: int64(queue)}
}

// acquire takes a worker's slot, waiting in the queue while there is room
// in it. It reports false when the queue is full or ctx ends first.
// Every true must be followed by a release.
func (p *pool) acquire(ctx context.Context) bool {
	select {
	case p.slots <- struct{}{}:
		return true
	default:
	}
	if p.waiting.Add(1) > p.queue {
		p.waiting.Add(-1)
		return false
	}
	defer p.waiting.Add(-1)
	select {
	case p.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// release gives back a slot acquire took.
func (p *pool) release() { <-p.slots }

// flights makes each value once for all who ask for it at the same time:
// the first caller of a key makes it, the others wait for its result.
type flights struct {
	mu     sync.Mutex
	calls  map[string]*flight
	joined atomic.Int64 // callers that waited for another's making
}

// flight is one making of a value.
type flight struct {
	done chan struct{}
	val  *entry
}

// do returns fn's value for key, made once for every concurrent caller.
// A waiter whose ctx ends first gets nil.
func (fl *flights) do(ctx context.Context, key string, fn func() *entry) *entry {
	fl.mu.Lock()
	if c, ok := fl.calls[key]; ok {
		fl.mu.Unlock()
		fl.joined.Add(1)
		select {
		case <-c.done:
			return c.val
		case <-ctx.Done():
			return nil
		}
	}
	c := &flight{done: make(chan struct{})}
	if fl.calls == nil {
		fl.calls = map[string]*flight{}
	}
	fl.calls[key] = c
	fl.mu.Unlock()
	defer func() {
		fl.mu.Lock()
		delete(fl.calls, key)
		fl.mu.Unlock()
		close(c.done)
	}()
	c.val = fn()
	return c.val
}
