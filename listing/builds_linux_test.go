package listing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
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

// TestBigBuildsTakeTurns checks that listings of big local folders are
// built no more at once than bigBuilds has slots: with one, a second
// listing waits for the first, and gives up waiting when its request is
// gone; a small folder's listing never waits.
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

	var secondBuilt atomic.Bool
	note := func(string) bool { secondBuilt.Store(true); return false }
	secondDone := make(chan error, 1)
	go func() {
		_, err := Read(ctx, big, ".", "/", Options{Hide: note})
		secondDone <- err
	}()

	gone, leave := context.WithCancel(ctx)
	goneDone := make(chan error, 1)
	go func() {
		_, err := Read(gone, big, ".", "/", Options{})
		goneDone <- err
	}()
	time.Sleep(50 * time.Millisecond)
	leave()
	if err := <-goneDone; !errors.Is(err, context.Canceled) {
		t.Errorf("a waiting listing whose request left: %v, want context.Canceled", err)
	}

	if l, err := Read(ctx, small, ".", "/", Options{}); err != nil || l.Total != 2 {
		t.Errorf("small folder while the slot is taken: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if secondBuilt.Load() {
		t.Error("a second big listing was built while the first held the only slot")
	}

	close(leaveFirst)
	for _, done := range []chan error{firstDone, secondDone} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if !secondBuilt.Load() {
		t.Error("the second listing's Hide never ran")
	}
	if n := len(bigBuilds); n != 0 {
		t.Errorf("%d slots still taken after every listing ended", n)
	}
}
