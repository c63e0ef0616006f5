package listing

import (
	"context"
	"runtime"
)

// bigFolder is the number of entries above which a local folder's
// listing takes one of bigBuilds' slots while Read builds it.
var bigFolder = 1000

// bigBuilds bounds how many listings of big local folders the process
// builds at once: one per core Go runs on.
//
// On a local file system ([onLocalFS]), Read's stats never wait on
// anything slower than the local disk, and building a listing is all
// CPU work. More builds at
// once than there are cores would only take turns on the same cores, and
// each would hold its entries (about 250 bytes apiece) for as many times
// longer: ten clients asking at once for a 10,000-entry listing, with
// one core, held ten sets of entries, and the server's peak memory went
// from 22 MiB to 44-73.
//
// Folders on other file systems wait on I/O, not on a core, and small
// folders cost little memory and should never queue behind a big one:
// those are not held back.
var bigBuilds = newSlots(runtime.GOMAXPROCS(0))

// slots is a counting semaphore. Waiters are served in order.
type slots chan struct{}

func newSlots(n int) slots { return make(slots, max(n, 1)) }

// take waits for a free slot, or for ctx to be done. Call release once
// take returns nil.
func (s slots) take(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees the slot take took.
func (s slots) release() { <-s }
