// Package watch reports the changes in a directory tree: files and folders
// created, written, removed or renamed, anywhere under an os.Root.
//
// It watches each folder with the operating system's notifications
// (inotify on Linux, through github.com/fsnotify/fsnotify, which also
// covers macOS, the BSDs and Windows), and watches folders as they
// appear. When the system refuses another watch (Linux's
// fs.inotify.max_user_watches, or the open-file limit where each watch is
// a descriptor), it says so once through [Options].OnLimit and polls the
// folders it could not watch instead, so no change is silently missed.
//
// A folder is watched through its path; a folder that a symbolic link
// replaces between the walk and the watch could report names from outside
// the root, so every change is checked to lie in a real folder of the root
// before it is reported. Symbolic links to folders are not followed.
package watch

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Change is one change reported by a [Watcher].
type Change struct {
	// Name is the slash-separated name, relative to the root, of the file
	// or folder that changed ("css/site.css").
	Name string

	// Lost is true when changes may have been missed (the system's event
	// queue overflowed): anything may have changed. Name is then empty.
	Lost bool
}

// DefaultPollInterval is how often the folders past the system's watch
// limit are read again.
const DefaultPollInterval = 2 * time.Second

// Options configures a [Watcher]. The zero value watches every name.
type Options struct {
	// Skip, when set, reports the names to ignore: nothing under a folder
	// it skips is watched, and no change to a name it skips is reported.
	// It is asked about every folder at start and every change after.
	Skip func(name string) bool

	// PollInterval is how often polled folders are read; 0 means
	// DefaultPollInterval.
	PollInterval time.Duration

	// OnLimit, when set, is called once, the first time the system
	// refuses a watch for want of watches or descriptors, with its error
	// (syscall.ENOSPC for inotify's limit, EMFILE for descriptors).
	OnLimit func(err error)

	// addWatch stands between the Watcher and the system's watch in
	// tests, which cannot lower the system's limit.
	addWatch func(dir string, system func(string) error) error
}

// Watcher watches a tree. Create it with [New]; Close it when done.
type Watcher struct {
	root    *os.Root
	base    string // the absolute path of the root
	changed func(Change)
	skip    func(string) bool
	fsw     *fsnotify.Watcher
	add     func(dir string) error

	mu      sync.Mutex
	watched map[string]bool             // folders with a system watch
	polled  map[string]map[string]stamp // folders past the limit, and their entries
	onLimit func(error)
	limited bool

	done chan struct{}
	wg   sync.WaitGroup
}

// stamp is what polling compares of an entry between two reads.
type stamp struct {
	size    int64
	modTime int64
	dir     bool
}

// New watches the tree of root and calls changed, from its own
// goroutines, for every change under it. It returns once every folder is
// watched or polled. A nil opt means the zero Options.
func New(root *os.Root, changed func(Change), opt *Options) (*Watcher, error) {
	if opt == nil {
		opt = &Options{}
	}
	base, err := filepath.Abs(root.Name())
	if err != nil {
		return nil, err
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		root: root, base: base, changed: changed, skip: opt.Skip, fsw: fsw, add: fsw.Add,
		watched: map[string]bool{}, polled: map[string]map[string]stamp{},
		onLimit: opt.OnLimit, done: make(chan struct{}),
	}
	if opt.addWatch != nil {
		w.add = func(dir string) error { return opt.addWatch(dir, fsw.Add) }
	}
	if w.skip == nil {
		w.skip = func(string) bool { return false }
	}
	interval := opt.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	w.addTree(".", false)
	w.wg.Add(2)
	go w.readEvents()
	go w.poll(interval)
	return w, nil
}

// Close stops watching. No change is reported once it has returned.
func (w *Watcher) Close() error {
	close(w.done)
	err := w.fsw.Close()
	w.wg.Wait()
	return err
}

// Counts returns how many folders are watched by the system and how many
// are polled.
func (w *Watcher) Counts() (watched, polled int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.watched), len(w.polled)
}

// addTree watches (or polls) the folder name and every folder under it.
// With report, every entry found is reported as changed: a folder that
// appears comes with whatever was written into it before its watch was
// in place.
func (w *Watcher) addTree(name string, report bool) {
	_ = fs.WalkDir(w.root.FS(), name, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil // unreadable: nothing to watch there
		case p != "." && d.IsDir() && w.skip(p):
			return fs.SkipDir
		case report && p != name:
			w.report(p)
		}
		if d.IsDir() {
			w.addDir(p)
		}
		return nil
	})
}

// addDir watches the folder name, or polls it when the system has no
// watch left.
func (w *Watcher) addDir(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[name] || w.polled[name] != nil {
		return
	}
	if !w.limited {
		err := w.add(filepath.Join(w.base, filepath.FromSlash(name)))
		switch {
		case err == nil:
			w.watched[name] = true
			return
		case !isLimit(err):
			return // gone, or unreadable
		}
		w.limited = true
		if w.onLimit != nil {
			w.onLimit(err)
		}
	}
	w.polled[name] = w.read(name)
}

// isLimit reports whether err is the system's refusal of one more watch.
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// forget stops tracking the folder name and every folder under it (it was
// removed or renamed; the system drops its watches itself).
func (w *Watcher) forget(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.watched {
		if within(p, name) {
			delete(w.watched, p)
			_ = w.fsw.Remove(filepath.Join(w.base, filepath.FromSlash(p)))
		}
	}
	for p := range w.polled {
		if within(p, name) {
			delete(w.polled, p)
		}
	}
}

// within reports whether the name p is dir or lies under it.
func within(p, dir string) bool {
	return p == dir || dir == "." || strings.HasPrefix(p, dir+"/")
}

// readEvents turns the system's events into changes.
func (w *Watcher) readEvents() {
	defer w.wg.Done()
	for {
		select {
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			w.event(ev)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.send(Change{Lost: true})
			}
		}
	}
}

// event handles one event of the system.
func (w *Watcher) event(ev fsnotify.Event) {
	rel, err := filepath.Rel(w.base, ev.Name)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return
	}
	name := filepath.ToSlash(rel)
	if w.skip(name) || !w.inRealFolder(name) {
		return
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.forget(name)
	}
	if ev.Has(fsnotify.Create) {
		if info, err := w.root.Lstat(name); err == nil && info.IsDir() {
			w.addTree(name, true)
		}
	}
	w.send(Change{Name: name})
}

// inRealFolder reports whether the folder of name is, now, a folder of the
// root reached without leaving it, and not a symbolic link.
func (w *Watcher) inRealFolder(name string) bool {
	dir := path.Dir(name)
	if dir == "." {
		return true
	}
	info, err := w.root.Lstat(dir)
	return err == nil && info.IsDir()
}

// report reports name as changed, unless it is skipped or not in a real
// folder of the root.
func (w *Watcher) report(name string) {
	if !w.skip(name) && w.inRealFolder(name) {
		w.send(Change{Name: name})
	}
}

// send passes c on, unless the Watcher is closed.
func (w *Watcher) send(c Change) {
	select {
	case <-w.done:
	default:
		w.changed(c)
	}
}

// poll reads the polled folders every interval and reports what changed.
func (w *Watcher) poll(interval time.Duration) {
	defer w.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			w.pollOnce()
		}
	}
}

// pollOnce reads every polled folder once.
func (w *Watcher) pollOnce() {
	w.mu.Lock()
	dirs := make([]string, 0, len(w.polled))
	for d := range w.polled {
		dirs = append(dirs, d)
	}
	w.mu.Unlock()
	for _, dir := range dirs {
		w.pollDir(dir)
	}
}

// pollDir reads the polled folder dir and reports the entries that
// appeared, went or changed since the last read.
func (w *Watcher) pollDir(dir string) {
	now := w.read(dir)
	w.mu.Lock()
	before, ok := w.polled[dir]
	if ok {
		w.polled[dir] = now
	}
	w.mu.Unlock()
	if !ok {
		return // forgotten meanwhile
	}
	for name, s := range now {
		if old, had := before[name]; !had || old != s {
			p := path.Join(dir, name)
			if s.dir && !had {
				w.addTree(p, true)
			}
			w.report(p)
		}
	}
	for name, old := range before {
		if _, has := now[name]; !has {
			p := path.Join(dir, name)
			if old.dir {
				w.forget(p)
			}
			w.report(p)
		}
	}
}

// read returns the entries of the folder dir (report skips those to
// skip).
func (w *Watcher) read(dir string) map[string]stamp {
	entries, err := fs.ReadDir(w.root.FS(), dir)
	if err != nil {
		return map[string]stamp{}
	}
	m := make(map[string]stamp, len(entries))
	for _, e := range entries {
		s := stamp{dir: e.IsDir()}
		if info, err := e.Info(); err == nil {
			s.size, s.modTime = info.Size(), info.ModTime().UnixNano()
		}
		m[e.Name()] = s
	}
	return m
}
