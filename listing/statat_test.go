package listing

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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
		s += fmt.Sprintf("%s|%s|%v|%v|%d|%d|%s|%v\n", e.Name, e.URL, e.IsDir, e.IsSymlink, e.Size, e.ModTime.UnixNano(), e.Type, e.Category)
	}
	return s
}
