package listing

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// portableFS hides the descriptor of the directories it opens, so Read
// takes its portable path (ReadDir and FileInfo) over a real folder.
type portableFS struct{ fs.FS }

func (p portableFS) Open(name string) (fs.File, error) {
	f, err := p.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return portableDir{f.(fs.ReadDirFile), f.(namesReader)}, nil
}

func (p portableFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(p.FS, name) }
func (p portableFS) ReadLink(name string) (string, error)   { return fs.ReadLink(p.FS, name) }
func (p portableFS) Stat(name string) (fs.FileInfo, error)  { return fs.Stat(p.FS, name) }

type portableDir struct {
	fs.ReadDirFile
	names namesReader
}

func (d portableDir) Readdirnames(n int) ([]string, error) { return d.names.Readdirnames(n) }

// TestReadPathsAgree lists one real folder, with files, folders and
// links of every sort, through the descriptor path (where the system has
// one) and the portable path, in every order and paging, and wants the
// same listings.
func TestReadPathsAgree(t *testing.T) {
	dir := t.TempDir()
	for i := range 30 {
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("F%02d.%s", i, []string{"txt", "png", "zip", "go"}[i%4])), make([]byte, i*100), 0o644))
	}
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("# hi\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, ".hidden"), nil, 0o644))
	must(t, os.Symlink("sub", filepath.Join(dir, "to-sub")))
	must(t, os.Symlink("F01.png", filepath.Join(dir, "to-file")))
	must(t, os.Symlink("nowhere", filepath.Join(dir, "dangling")))
	must(t, os.Symlink("/etc", filepath.Join(dir, "escape")))
	must(t, os.Symlink(".hidden", filepath.Join(dir, "to-hidden")))
	old := time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC)
	must(t, os.Chtimes(filepath.Join(dir, "F03.go"), old, old))
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()

	d, err := root.FS().Open(".")
	must(t, err)
	if fd := dirFD(d); runtime.GOOS == "linux" && fd == nil {
		t.Fatal("no descriptor for an os.Root's folder on Linux")
	}
	d.Close()
	if dirFD(portableDir{}) != nil {
		t.Fatal("portableFS has a descriptor")
	}
	opt := Options{
		Hide:     func(name string) bool { return name[0] == '.' },
		HideLink: func(name string) bool { return name == "to-hidden" },
		Readme:   true,
	}
	for _, raw := range []string{"", "sort=name&dirs=first", "sort=size", "sort=time&order=desc", "sort=type",
		"limit=7", "limit=7&offset=14", "limit=5&offset=35", "filter=f0", "sort=size&limit=4&offset=8"} {
		opt.Query = ParseQuery(raw)
		fast, err := Read(context.Background(), root.FS(), ".", "/", opt)
		must(t, err)
		slow, err := Read(context.Background(), portableFS{root.FS()}, ".", "/", opt)
		must(t, err)
		if got, want := describeAll(fast), describeAll(slow); got != want {
			t.Errorf("%q: the two paths differ:\ndescriptor %s\n  portable %s", raw, got, want)
		}
		if len(fast.Entries) == 0 {
			t.Errorf("%q: no entries", raw)
		}
	}
}

// describeAll is everything a renderer sees of l.
func describeAll(l *Listing) string {
	s := fmt.Sprintf("total=%d mod=%v readme=%+v\n", l.Total, l.ModTime.UnixNano(), l.Readme)
	for _, e := range l.Entries {
		s += fmt.Sprintf("%s|%s|%v|%v|%v|%d|%d|%s|%v\n", e.Name, e.URL, e.IsDir, e.IsSymlink, e.Broken, e.Size, e.ModTime.UnixNano(), e.Type, e.Category)
	}
	return s
}

// TestReadVanishedEntry checks that an entry removed between the read of
// the folder and its stat is left out of the page, whether the whole
// folder is stat'ed at once or only the page is (its Total then still
// counts it, as it does a hidden link's).
func TestReadVanishedEntry(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the read and the stats are one step elsewhere")
	}
	for _, tt := range []struct {
		q         Query
		wantTotal int
	}{
		{Query{}, 5},
		{Query{Limit: 3, Offset: 0}, 6},
	} {
		dir := t.TempDir()
		for _, n := range []string{"a", "a-gone", "b", "c", "d", "e"} {
			must(t, os.WriteFile(filepath.Join(dir, n), nil, 0o644))
		}
		root, err := os.OpenRoot(dir)
		must(t, err)
		remove := func(name string) bool {
			if name == "b" {
				must(t, os.Remove(filepath.Join(dir, "a-gone")))
			}
			return false
		}
		l, err := Read(context.Background(), root.FS(), ".", "/", Options{Hide: remove, Query: tt.q})
		root.Close()
		must(t, err)
		if got := names(l.Entries); strings.Contains(got, "gone") || l.Total != tt.wantTotal {
			t.Errorf("%+v: entries %q, total %d; want no \"gone\", total %d", tt.q, got, l.Total, tt.wantTotal)
		}
	}
}

// TestReadCancelledOnDisk checks that a listing of a real folder stops
// with the request's error.
func TestReadCancelledOnDisk(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "f"), nil, 0o644))
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, root.FS(), ".", "/", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
