package listing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// countingFS counts the stats of directory entries (DirEntry.Info).
type countingFS struct {
	fstest.MapFS
	infos *atomic.Int64
}

func (c countingFS) Open(name string) (fs.File, error) {
	f, err := c.MapFS.Open(name)
	if d, ok := f.(fs.ReadDirFile); ok && err == nil {
		return countingDir{d, c.infos}, nil
	}
	return f, err
}

type countingDir struct {
	fs.ReadDirFile
	infos *atomic.Int64
}

func (d countingDir) ReadDir(n int) ([]fs.DirEntry, error) {
	es, err := d.ReadDirFile.ReadDir(n)
	for i, e := range es {
		es[i] = countingEntry{e, d.infos}
	}
	return es, err
}

type countingEntry struct {
	fs.DirEntry
	infos *atomic.Int64
}

func (e countingEntry) Info() (fs.FileInfo, error) {
	e.infos.Add(1)
	return e.DirEntry.Info()
}

// manyFS is a folder of n files, file-0 … file-(n-1).
func manyFS(n int) fstest.MapFS {
	m := fstest.MapFS{".": {Mode: fs.ModeDir | 0o755, ModTime: t0}}
	for i := range n {
		m[fmt.Sprintf("file-%d", i)] = &fstest.MapFile{Data: make([]byte, i%7), ModTime: t0.Add(time.Duration(i) * time.Second)}
	}
	return m
}

func TestReadPagesAndStatsOnlyThePage(t *testing.T) {
	tests := []struct {
		raw       string
		wantNames string
		wantStats int64
	}{
		{"sort=name&limit=3&offset=4", "file-4 file-5 file-6", 3},
		{"sort=type&limit=2", "file-0 file-1", 2},
		{"limit=2&offset=18", "file-8 file-9", 2}, // Python order: file-19 < file-2
		{"limit=5&offset=50", "", 0},
		// Sorting by size or time needs every entry's stat.
		{"sort=time&order=desc&limit=2", "file-19 file-18", 20},
		{"sort=size&order=desc&limit=2", "file-13 file-6", 20},
		{"q=1&sort=name", "file-1 file-10 file-11 file-12 file-13 file-14 file-15 file-16 file-17 file-18 file-19", 11},
	}
	for _, tt := range tests {
		infos := new(atomic.Int64)
		fsys := countingFS{manyFS(20), infos}
		l, err := Read(context.Background(), fsys, ".", "/", Options{Query: ParseQuery(tt.raw)})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(l.Entries); got != tt.wantNames {
			t.Errorf("%s: entries %q, want %q", tt.raw, got, tt.wantNames)
		}
		if got := infos.Load(); got != tt.wantStats {
			t.Errorf("%s: %d stats, want %d", tt.raw, got, tt.wantStats)
		}
		wantTotal := 20
		if strings.HasPrefix(tt.raw, "q=") {
			wantTotal = 11
		}
		if l.Total != wantTotal {
			t.Errorf("%s: total %d, want %d", tt.raw, l.Total, wantTotal)
		}
	}
}

func TestReadDefaultLimit(t *testing.T) {
	l, err := Read(context.Background(), manyFS(DefaultLimit+5), ".", "/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != DefaultLimit || l.Total != DefaultLimit+5 {
		t.Errorf("got %d entries of %d, want %d of %d", len(l.Entries), l.Total, DefaultLimit, DefaultLimit+5)
	}
}

func TestReadHidesAndFilters(t *testing.T) {
	fsys := fstest.MapFS{
		".env":        {Data: []byte("secret")},
		"Report.PDF":  {},
		"report.txt":  {},
		"other.txt":   {},
		".git/config": {},
	}
	hide := func(name string) bool { return strings.HasPrefix(name, ".") }
	l, err := Read(context.Background(), fsys, ".", "/", Options{Hide: hide, Query: Query{Filter: "REPORT"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(l.Entries); got != "report.txt Report.PDF" && got != "Report.PDF report.txt" {
		t.Errorf("entries %q, want the two reports", got)
	}
	l, err = Read(context.Background(), fsys, ".", "/", Options{Hide: hide, Query: Query{Filter: "env"}})
	if err != nil || l.Total != 0 {
		t.Errorf("filter found a hidden entry: %v, %v", l, err)
	}
}

func TestReadModTimeIsNewest(t *testing.T) {
	fsys := fstest.MapFS{
		".":         {Mode: fs.ModeDir | 0o755, ModTime: t0},
		"old.txt":   {ModTime: t0.Add(-time.Hour)},
		"new.txt":   {ModTime: t0.Add(2 * time.Hour)},
		"README.md": {Data: []byte("hi"), ModTime: t0.Add(3 * time.Hour)},
	}
	l, err := Read(context.Background(), fsys, ".", "/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(3 * time.Hour); !l.ModTime.Equal(want) {
		t.Errorf("ModTime %v, want %v (the README's, as an entry)", l.ModTime, want)
	}
	l, err = Read(context.Background(), fsys, ".", "/", Options{Query: Query{Filter: "old"}})
	if err != nil {
		t.Fatal(err)
	}
	if !l.ModTime.Equal(t0) {
		t.Errorf("filtered ModTime %v, want the directory's %v", l.ModTime, t0)
	}
}

func TestReadReadme(t *testing.T) {
	long := strings.Repeat("x", maxReadme+10)
	tests := []struct {
		name      string
		fsys      fstest.MapFS
		opt       Options
		wantName  string
		wantText  string
		truncated bool
	}{
		{"markdown first", fstest.MapFS{"README": {Data: []byte("plain")}, "readme.md": {Data: []byte("md")}},
			Options{Readme: true}, "readme.md", "md", false},
		{"plain README", fstest.MapFS{"README": {Data: []byte("plain")}, "x": {}},
			Options{Readme: true}, "README", "plain", false},
		{"capped", fstest.MapFS{"README.txt": {Data: []byte(long)}},
			Options{Readme: true}, "README.txt", long[:maxReadme], true},
		{"invalid UTF-8 replaced", fstest.MapFS{"README": {Data: []byte("a\xffb")}},
			Options{Readme: true}, "README", "a\uFFFDb", false},
		{"shown despite the filter", fstest.MapFS{"README": {Data: []byte("r")}, "x": {}},
			Options{Readme: true, Query: Query{Filter: "x"}}, "README", "r", false},
		{"not asked", fstest.MapFS{"README": {Data: []byte("plain")}}, Options{}, "", "", false},
		{"not on page 2", fstest.MapFS{"README": {Data: []byte("plain")}},
			Options{Readme: true, Query: Query{Offset: 1}}, "", "", false},
		{"hidden", fstest.MapFS{"README": {Data: []byte("plain")}},
			Options{Readme: true, Hide: func(string) bool { return true }}, "", "", false},
		{"a folder is no README", fstest.MapFS{"README/x": {}}, Options{Readme: true}, "", "", false},
	}
	for _, tt := range tests {
		l, err := Read(context.Background(), tt.fsys, ".", "/", tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		var name, text string
		var truncated bool
		if l.Readme != nil {
			name, text, truncated = l.Readme.Name, l.Readme.Text, l.Readme.Truncated
		}
		if name != tt.wantName || text != tt.wantText || truncated != tt.truncated {
			t.Errorf("%s: README %q (%d bytes, truncated %v), want %q (%d bytes, %v)",
				tt.name, name, len(text), truncated, tt.wantName, len(tt.wantText), tt.truncated)
		}
	}
}

func TestReadSymlinks(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "file.txt"), []byte("12345"), 0o644))
	must(t, os.Symlink("sub", filepath.Join(dir, "to-sub")))
	must(t, os.Symlink("file.txt", filepath.Join(dir, "to-file")))
	must(t, os.Symlink("nowhere", filepath.Join(dir, "dangling")))
	must(t, os.Symlink("/etc", filepath.Join(dir, "escape")))
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	l, err := Read(context.Background(), root.FS(), ".", "/", Options{Query: Query{Sort: SortName, DirsFirst: true}})
	must(t, err)
	got := make([]string, len(l.Entries))
	for i, e := range l.Entries {
		got[i] = fmt.Sprintf("%s %s dir=%v broken=%v size=%d url=%s", e.Name, e.Kind(), e.IsDir, e.Broken, e.Size, e.URL)
	}
	want := []string{
		"sub dir dir=true broken=false size=0 url=./sub/",
		"to-sub symlink dir=true broken=false size=0 url=./to-sub/",
		"dangling symlink dir=false broken=true size=0 url=./dangling",
		"escape symlink dir=false broken=true size=0 url=./escape",
		"file.txt file dir=false broken=false size=5 url=./file.txt",
		"to-file symlink dir=false broken=false size=5 url=./to-file",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadErrors(t *testing.T) {
	fsys := fstest.MapFS{"f": {}}
	if _, err := Read(context.Background(), fsys, "missing", "/missing/", Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v, want ErrNotExist", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, fsys, ".", "/", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v, want context.Canceled", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// statCountingFS counts the Lstat and Stat calls on an os.Root's FS.
type statCountingFS struct {
	fs.FS
	stats *atomic.Int64
}

func (c statCountingFS) Lstat(name string) (fs.FileInfo, error) {
	c.stats.Add(1)
	return fs.Lstat(c.FS, name)
}

func (c statCountingFS) ReadLink(name string) (string, error) { return fs.ReadLink(c.FS, name) }

func (c statCountingFS) Stat(name string) (fs.FileInfo, error) {
	c.stats.Add(1)
	return fs.Stat(c.FS, name)
}

// TestReadBareNames checks the path of huge folders on a real file system:
// past the first page's worth, entries are read as bare names and only
// the page's are stat'ed, and every page agrees with the unpaged listing.
func TestReadBareNames(t *testing.T) {
	dir := t.TempDir()
	for i := range 40 {
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.txt", i)), make([]byte, i), 0o644))
	}
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(t, os.Symlink("sub", filepath.Join(dir, "link-dir")))
	must(t, os.Symlink("f01.txt", filepath.Join(dir, "link-file")))
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()

	describe := func(es []*Entry) string {
		var b strings.Builder
		for _, e := range es {
			fmt.Fprintf(&b, "%s %s %v %d %s %v %s|", e.Name, e.Kind(), e.IsDir, e.Size, e.URL, e.ModTime.IsZero(), e.Category.Icon())
		}
		return b.String()
	}
	whole, err := Read(context.Background(), root.FS(), ".", "/", Options{})
	must(t, err)
	var paged []*Entry
	for offset := 0; offset < whole.Total; offset += 5 {
		stats := new(atomic.Int64)
		fsys := statCountingFS{root.FS(), stats}
		l, err := Read(context.Background(), fsys, ".", "/", Options{Query: Query{Limit: 5, Offset: offset}})
		must(t, err)
		if l.Total != whole.Total {
			t.Fatalf("offset %d: total %d, want %d", offset, l.Total, whole.Total)
		}
		// At most a stat per page entry, and one more per symlink.
		if n := stats.Load(); n > 5+2 {
			t.Errorf("offset %d: %d stats for a page of 5", offset, n)
		}
		paged = append(paged, l.Entries...)
	}
	if got, want := describe(paged), describe(whole.Entries); got != want {
		t.Errorf("pages differ from the whole listing:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(describe(whole.Entries), "link-dir symlink true 0 ./link-dir/ false folder|") {
		t.Errorf("link-dir not listed as a link to a folder: %s", describe(whole.Entries))
	}
}

// TestReadHideLink checks that links HideLink hides are left out, whether
// read as entries or, in a huge folder, as bare names; and that a README
// that is such a link is not shown.
func TestReadHideLink(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, ".env"), []byte("SECRET=1"), 0o644))
	for i := range 12 {
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d", i)), nil, 0o644))
	}
	must(t, os.Symlink(".env", filepath.Join(dir, "README")))
	must(t, os.Symlink(".env", filepath.Join(dir, "zz-config")))
	must(t, os.Symlink("f01", filepath.Join(dir, "zz-ok")))
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	opt := Options{
		Hide:     func(name string) bool { return strings.HasPrefix(name, ".") },
		HideLink: func(name string) bool { return name == "README" || name == "zz-config" },
		Readme:   true,
	}
	l, err := Read(context.Background(), root.FS(), ".", "/", opt)
	must(t, err)
	if got := names(l.Entries); strings.Contains(got, "README") || strings.Contains(got, "zz-config") || !strings.Contains(got, "zz-ok") || l.Total != 13 {
		t.Errorf("entries %q (total %d): want the hidden links left out", got, l.Total)
	}
	if l.Readme != nil {
		t.Errorf("README shown through a hidden link: %q", l.Readme.Text)
	}
	var paged []string
	for offset := 0; offset < 15; offset += 4 {
		opt.Query = Query{Limit: 4, Offset: offset}
		l, err := Read(context.Background(), root.FS(), ".", "/", opt)
		must(t, err)
		for _, e := range l.Entries {
			paged = append(paged, e.Name)
		}
	}
	if got := strings.Join(paged, " "); strings.Contains(got, "README") || strings.Contains(got, "zz-config") || !strings.Contains(got, "zz-ok") {
		t.Errorf("paged entries %q: want the hidden links left out", got)
	}
}

// openCountingFS counts the opens of anything but a directory.
type openCountingFS struct {
	fstest.MapFS
	opens *atomic.Int64
}

func (c openCountingFS) Open(name string) (fs.File, error) {
	f, err := c.MapFS.Open(name)
	if err == nil {
		if info, err := f.Stat(); err == nil && !info.IsDir() {
			c.opens.Add(1)
		}
	}
	return f, err
}

// TestListingNeverReadsFiles checks that no format opens a file to learn
// its type: the MIME type comes from the extension table alone.
func TestListingNeverReadsFiles(t *testing.T) {
	fsys := manyFS(2000)
	fsys["page.html"] = &fstest.MapFile{Data: []byte("<html>")}
	fsys["noext"] = &fstest.MapFile{Data: []byte("%PDF-1.7")}
	opens := new(atomic.Int64)
	cfs := openCountingFS{fsys, opens}
	for _, q := range []string{"", "sort=type", "sort=size&dirs=first"} {
		l, err := Read(context.Background(), cfs, ".", "/", Options{Query: ParseQuery(q), Readme: true})
		must(t, err)
		var buf bytes.Buffer
		must(t, l.WriteHTML(&buf, HTMLOptions{}))
		must(t, l.WriteJSON(&buf))
		must(t, l.WriteText(&buf))
		if !strings.Contains(buf.String(), `"name":"page.html","url":"./page.html","kind":"file","is_dir":false,"size":6,"mime":"text/html; charset=utf-8"}`) {
			t.Errorf("%s: page.html has no MIME type from its extension", q)
		}
		if !strings.Contains(buf.String(), `"name":"noext","url":"./noext","kind":"file","is_dir":false,"size":8}`) {
			t.Errorf("%s: noext should have no MIME type (no sniffing)", q)
		}
	}
	if n := opens.Load(); n != 0 {
		t.Errorf("listing opened %d files", n)
	}
}

// TestReadURLsShareOneString checks each entry's link on a page whose
// links outgrow the string they share (long names, escaped ones, folders).
func TestReadURLsShareOneString(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 60 {
		name := fmt.Sprintf("%03d-%s", i, strings.Repeat("long name é&?#", i%7))
		fsys[name] = &fstest.MapFile{ModTime: t0}
		if i%5 == 0 {
			fsys[name+"-dir/x"] = &fstest.MapFile{ModTime: t0}
		}
	}
	l, err := Read(context.Background(), fsys, ".", "/", Options{})
	must(t, err)
	if len(l.Entries) != 72 {
		t.Fatalf("%d entries, want 72", len(l.Entries))
	}
	for _, e := range l.Entries {
		if want := entryURL(e.Name, e.IsDir); e.URL != want {
			t.Errorf("%q: URL %q, want %q", e.Name, e.URL, want)
		}
	}
}
