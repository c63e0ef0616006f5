package watch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// waitTime bounds every wait for an event: generous, for a loaded machine.
const waitTime = 10 * time.Second

// recorder collects the changes a Watcher reports.
type recorder struct{ ch chan Change }

func newRecorder() *recorder { return &recorder{ch: make(chan Change, 10000)} }

func (r *recorder) changed(c Change) { r.ch <- c }

// waitFor waits until name is reported, failing the test after waitTime.
func (r *recorder) waitFor(t *testing.T, name string) {
	t.Helper()
	deadline := time.After(waitTime)
	for {
		select {
		case c := <-r.ch:
			if c.Name == name {
				return
			}
		case <-deadline:
			t.Fatalf("no change of %q reported within %s", name, waitTime)
		}
	}
}

// drain returns the names reported until the channel stays quiet for
// quiet (used only to show what was not reported: a change that comes
// later fails a later wait).
func (r *recorder) drain(quiet time.Duration) []string {
	var names []string
	for {
		select {
		case c := <-r.ch:
			names = append(names, c.Name)
		case <-time.After(quiet):
			return names
		}
	}
}

func mkdirs(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(n)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// start watches a new tree with the folders dirs and returns the tree's
// path, the Watcher and its recorder.
func start(t *testing.T, opt *Options, dirs ...string) (string, *Watcher, *recorder) {
	t.Helper()
	dir := t.TempDir()
	mkdirs(t, dir, dirs...)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	rec := newRecorder()
	w, err := New(root, rec.changed, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return dir, w, rec
}

// dotted skips names with an element that begins with ".".
func dotted(name string) bool {
	for _, e := range strings.Split(name, "/") {
		if strings.HasPrefix(e, ".") {
			return true
		}
	}
	return false
}

func TestReportsWritesAnywhere(t *testing.T) {
	dir, w, rec := start(t, nil, "a/b")
	if watched, polled := w.Counts(); watched != 3 || polled != 0 {
		t.Errorf("watching %d folders and polling %d, want 3 and 0", watched, polled)
	}
	write(t, dir, "top.html", "x")
	rec.waitFor(t, "top.html")
	write(t, dir, "a/b/deep.css", "x")
	rec.waitFor(t, "a/b/deep.css")
	if err := os.Remove(filepath.Join(dir, "a/b/deep.css")); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "a/b/deep.css")
}

// A folder made with its contents at once (mkdir -p, an unpacked archive)
// reports what was written before its watch was in place, and is watched.
func TestNewFoldersAreWatched(t *testing.T) {
	dir, w, rec := start(t, nil)
	mkdirs(t, dir, "new/inner/most")
	write(t, dir, "new/inner/most/early.txt", "x")
	rec.waitFor(t, "new/inner/most/early.txt")
	write(t, dir, "new/inner/most/late.txt", "x")
	rec.waitFor(t, "new/inner/most/late.txt")
	if watched, _ := w.Counts(); watched != 4 {
		t.Errorf("watching %d folders, want 4", watched)
	}
	if err := os.RemoveAll(filepath.Join(dir, "new")); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "new")
	if watched, _ := w.Counts(); watched != 1 {
		t.Errorf("watching %d folders after the removal, want 1", watched)
	}
}

func TestSkippedNamesAreNeitherWatchedNorReported(t *testing.T) {
	dir, w, rec := start(t, &Options{Skip: dotted}, ".git/objects", "src")
	if watched, _ := w.Counts(); watched != 2 {
		t.Errorf("watching %d folders, want 2 (the root and src, not .git)", watched)
	}
	write(t, dir, ".git/index", "x")
	write(t, dir, "src/.page.html.swp", "x")
	write(t, dir, "src/page.html", "x")
	rec.waitFor(t, "src/page.html")
	for _, name := range rec.drain(100 * time.Millisecond) {
		if dotted(name) {
			t.Errorf("reported the skipped %q", name)
		}
	}
}

// The system's watch limit cannot be lowered in a test: a stand-in refuses
// every watch past the second, as inotify does with ENOSPC.
func TestPastTheLimitFoldersArePolled(t *testing.T) {
	var adds, limits atomic.Int32
	var limitErr error
	opt := &Options{PollInterval: 10 * time.Millisecond,
		OnLimit: func(err error) { limits.Add(1); limitErr = err }}
	opt.addWatch = func(dir string, system func(string) error) error {
		if adds.Add(1) > 2 {
			return syscall.ENOSPC
		}
		return system(dir)
	}
	dir := t.TempDir()
	mkdirs(t, dir, "a", "b", "c/d")
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	rec := newRecorder()
	w, err := New(root, rec.changed, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if watched, polled := w.Counts(); watched != 2 || polled != 3 {
		t.Errorf("watching %d and polling %d folders, want 2 and 3", watched, polled)
	}
	if limits.Load() != 1 || !errors.Is(limitErr, syscall.ENOSPC) {
		t.Errorf("OnLimit called %d times with %v, want once with ENOSPC", limits.Load(), limitErr)
	}
	write(t, dir, "c/d/polled.txt", "x")
	rec.waitFor(t, "c/d/polled.txt")
	write(t, dir, "c/d/polled.txt", "longer")
	rec.waitFor(t, "c/d/polled.txt")
	mkdirs(t, dir, "c/d/new")
	write(t, dir, "c/d/new/inside.txt", "x")
	rec.waitFor(t, "c/d/new/inside.txt")
	if limits.Load() != 1 {
		t.Errorf("OnLimit called %d times, want once", limits.Load())
	}
}

// A symbolic link to a folder, inside the root or out of it, is not
// followed.
func TestLinksAreNotFollowed(t *testing.T) {
	outside := t.TempDir()
	dir, w, rec := start(t, nil, "real")
	if err := os.Symlink(outside, filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "out")
	write(t, outside, "secret.txt", "x")
	write(t, dir, "real/marker.txt", "x")
	for _, name := range append(rec.drain(200*time.Millisecond), "") {
		if strings.Contains(name, "secret") {
			t.Errorf("reported %q, outside the root", name)
		}
	}
	if watched, _ := w.Counts(); watched != 2 {
		t.Errorf("watching %d folders, want 2", watched)
	}
}
