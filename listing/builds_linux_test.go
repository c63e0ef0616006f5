package listing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// localFolder makes a folder of n empty files on the test's temporary
// file system, which must be a local one, and returns its os.Root FS.
func localFolder(t *testing.T, n int) *os.Root {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", i)), nil, 0o644))
	}
	d, err := os.Open(dir)
	must(t, err)
	defer d.Close()
	if !onLocalFS(dirFD(d)) {
		t.Skip("the temporary folder is not on a local file system: its listings are never held back")
	}
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	return root
}

// swap sets *p to v and returns what puts the old value back.
func swap[T any](p *T, v T) func() {
	old := *p
	*p = v
	return func() { *p = old }
}

// waitingCtx is a context that closes waiting when code first asks for
// its Done channel: in Read, only bigBuilds.take does, as it starts to
// wait for a slot.
type waitingCtx struct {
	context.Context
	waiting chan struct{}
	once    sync.Once
}

func newWaitingCtx(ctx context.Context) *waitingCtx {
	return &waitingCtx{Context: ctx, waiting: make(chan struct{})}
}

func (c *waitingCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

// TestBigBuildsTakeTurns checks that listings of big local folders are
// built no more at once than bigBuilds has slots: with one, a second
// listing waits for the first, and gives up waiting when its request is
// gone; a small folder's listing never waits. It waits for events, never
// for time: a listing that does not wait for the slot is seen building
// before it asks to wait, which fails the test whatever the machine's load.
func TestBigBuildsTakeTurns(t *testing.T) {
	big, small := localFolder(t, 5).FS(), localFolder(t, 2).FS()
	defer swap(&bigFolder, 3)()
	defer swap(&bigBuilds, newSlots(1))()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The first listing holds the slot while its Hide waits.
	inFirst, leaveFirst := make(chan struct{}, 1), make(chan struct{})
	hold := func(string) bool {
		select {
		case inFirst <- struct{}{}:
		default:
		}
		<-leaveFirst
		return false
	}
	firstDone := make(chan error, 1)
	go func() {
		_, err := Read(ctx, big, ".", "/", Options{Hide: hold})
		firstDone <- err
	}()
	<-inFirst
	if n := len(bigBuilds); n != 1 {
		t.Fatalf("%d slots taken while the first big listing is built, want 1", n)
	}

	secondCtx := newWaitingCtx(ctx)
	secondBuilt := make(chan struct{})
	built := sync.OnceFunc(func() { close(secondBuilt) })
	note := func(string) bool { built(); return false }
	secondDone := make(chan error, 1)
	go func() {
		_, err := Read(secondCtx, big, ".", "/", Options{Hide: note})
		secondDone <- err
	}()
	select {
	case <-secondCtx.waiting:
	case <-secondBuilt:
		t.Fatal("a second big listing was built while the first held the only slot")
	}

	gone, leave := context.WithCancel(ctx)
	goneCtx := newWaitingCtx(gone)
	goneDone := make(chan error, 1)
	go func() {
		_, err := Read(goneCtx, big, ".", "/", Options{})
		goneDone <- err
	}()
	select {
	case <-goneCtx.waiting:
	case err := <-goneDone:
		t.Fatalf("a third big listing did not wait for the slot: %v", err)
	}
	leave()
	if err := <-goneDone; !errors.Is(err, context.Canceled) {
		t.Errorf("a waiting listing whose request left: %v, want context.Canceled", err)
	}

	if l, err := Read(ctx, small, ".", "/", Options{}); err != nil || l.Total != 2 {
		t.Errorf("small folder while the slot is taken: %v", err)
	}
	select {
	case <-secondBuilt:
		t.Error("a second big listing was built while the first held the only slot")
	default:
	}

	close(leaveFirst)
	for _, done := range []chan error{firstDone, secondDone} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-secondBuilt:
	default:
		t.Error("the second listing's Hide never ran")
	}
	if n := len(bigBuilds); n != 0 {
		t.Errorf("%d slots still taken after every listing ended", n)
	}
}
