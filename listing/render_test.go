package listing

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// now is a fixed "now" for relative times; the goldens have none.
var now = t0.Add(3 * time.Minute)

// goldenFS is the folder of the golden listings: every icon category, a
// symlink-free mix of sizes and times, a README with markup in it.
func goldenFS() fstest.MapFS {
	return fstest.MapFS{
		".":             {Mode: fs.ModeDir | 0o755, ModTime: t0},
		"README.md":     {Data: []byte("# Fixture\n\n<script>alert(1)</script> & friends\n"), ModTime: t0.Add(-time.Hour)},
		"docs/a.txt":    {ModTime: t0},
		"docs":          {Mode: fs.ModeDir | 0o755, ModTime: t0.Add(-48 * time.Hour)},
		"file2.txt":     {Data: []byte("two"), ModTime: t0.Add(-3 * time.Minute)},
		"file10.txt":    {Data: []byte("ten"), ModTime: t0.Add(-5 * time.Minute)},
		"photo.JPG":     {Data: bytes.Repeat([]byte{1}, 1536), ModTime: t0.Add(-30 * 24 * time.Hour)},
		"song.mp3":      {Data: bytes.Repeat([]byte{2}, 3<<20), ModTime: t0.Add(-time.Second)},
		"clip.webm":     {Data: []byte("v"), ModTime: t0},
		"paper.pdf":     {Data: []byte("%PDF"), ModTime: t0},
		"src.tar.gz":    {Data: []byte("gz"), ModTime: t0},
		"main.go":       {Data: []byte("package main"), ModTime: t0},
		"data.bin":      {Data: []byte{0}, ModTime: t0},
		".hidden":       {Data: []byte("no"), ModTime: t0.Add(time.Hour)},
		"a b#c?&'\".md": {Data: []byte("odd"), ModTime: t0},
	}
}

var goldenCases = []struct {
	name, path, query string
}{
	{"root", "/", ""},
	{"paged", "/photos/2024/", "sort=size&order=desc&dirs=first&limit=3&offset=3"},
	{"filtered", "/x/", "q=FILE&sort=name"},
}

func TestGolden(t *testing.T) {
	hide := func(name string) bool { return strings.HasPrefix(name, ".") }
	for _, gc := range goldenCases {
		for _, ext := range []string{"html", "json", "txt"} {
			t.Run(gc.name+"."+ext, func(t *testing.T) {
				opt := Options{Hide: hide, Query: ParseQuery(gc.query), Readme: ext == "html"}
				l, err := Read(context.Background(), goldenFS(), ".", gc.path, opt)
				must(t, err)
				var buf bytes.Buffer
				switch ext {
				case "html":
					err = l.WriteHTML(&buf, HTMLOptions{AssetPrefix: "/.assets/"})
				case "json":
					err = l.WriteJSON(&buf)
				case "txt":
					err = l.WriteText(&buf)
				}
				must(t, err)
				checkGolden(t, filepath.Join("testdata", "golden", gc.name+"."+ext), buf.Bytes())
			})
		}
	}
}

func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		must(t, os.WriteFile(file, got, 0o644))
		return
	}
	want, err := os.ReadFile(file)
	must(t, err)
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./listing -run Golden -update to accept):\n%s", file, got)
	}
}

// hostileNames are names that break naive listings.
var hostileNames = []string{
	`<img src=x onerror=alert(1)>.txt`,
	`a b#c?.txt`,
	`test-colon:blah`,
	`javascript:alert(1)`,
	`ünïcødé.txt`,
	`"quoted" 'single'.txt`,
	"new\nline.txt",
	"esc\x1b[31mred.txt",
	"bad\xffutf8.txt",
	`back\slash.txt`,
	`100%.txt`,
}

// hostileListing lists a folder of hostileNames, in Python's order.
func hostileListing(t *testing.T) *Listing {
	fsys := fstest.MapFS{}
	for _, n := range hostileNames {
		fsys[n] = &fstest.MapFile{Data: []byte("x"), ModTime: t0}
	}
	fsys["<dir>/f"] = &fstest.MapFile{}
	l, err := Read(context.Background(), fsys, ".", "/<i>path</i>/", Options{})
	must(t, err)
	if l.Total != len(hostileNames)+1 {
		t.Fatalf("listed %d entries, want %d", l.Total, len(hostileNames)+1)
	}
	return l
}

func TestHostileNamesHTML(t *testing.T) {
	var buf bytes.Buffer
	must(t, hostileListing(t).WriteHTML(&buf, HTMLOptions{AssetPrefix: "/.a/", Now: now}))
	out := buf.String()
	if !utf8.ValidString(out) {
		t.Error("page is not valid UTF-8")
	}
	for _, bad := range []string{"<img", "<dir>", "<i>", "\x1b", "\n" + "line.txt", `"quoted"`, "'single'"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains raw %q", bad)
		}
	}
	for _, want := range []string{
		` href="./%3Cimg%20src=x%20onerror=alert%281%29%3E.txt">`,
		`&lt;img src=x onerror=alert(1)&gt;.txt</a>`,
		` href="./a%20b%23c%3F.txt">`,
		` href="./test-colon:blah">`,
		` href="./javascript:alert%281%29">`,
		` href="./%C3%BCn%C3%AFc%C3%B8d%C3%A9.txt">`, `ünïcødé.txt</a>`,
		`&#34;quoted&#34; &#39;single&#39;.txt</a>`,
		` href="./new%0Aline.txt">`, "new\u240aline.txt</a>",
		"esc\u241b[31mred.txt</a>",
		` href="./bad%FFutf8.txt">`, "bad\uFFFDutf8.txt</a>",
		` href="./100%25.txt">`,
		` href="./%3Cdir%3E/">`, `&lt;dir&gt;/</a>`,
		`<title>Directory listing for /&lt;i&gt;path&lt;/i&gt;/</title>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(out, "<tr><td"); n != len(hostileNames)+1 {
		t.Errorf("%d plain rows, want %d: a name broke the table", n, len(hostileNames)+1)
	}
}

func TestHostileNamesJSON(t *testing.T) {
	var buf bytes.Buffer
	must(t, hostileListing(t).WriteJSON(&buf))
	if bytes.ContainsAny(buf.Bytes(), "<>") {
		t.Error("JSON holds a raw < or >: it must be escaped for safe embedding")
	}
	var got struct {
		Path    string
		Entries []struct{ Name, URL string }
	}
	must(t, json.Unmarshal(buf.Bytes(), &got))
	if got.Path != "/<i>path</i>/" {
		t.Errorf("path %q", got.Path)
	}
	byURL := map[string]string{}
	for _, e := range got.Entries {
		byURL[e.URL] = e.Name
	}
	for url, name := range map[string]string{
		"./%3Cimg%20src=x%20onerror=alert%281%29%3E.txt": `<img src=x onerror=alert(1)>.txt`,
		"./new%0Aline.txt":   "new\nline.txt",
		"./bad%FFutf8.txt":   "bad\uFFFDutf8.txt", // the URL keeps the exact bytes
		"./test-colon:blah":  "test-colon:blah",
		"./a%20b%23c%3F.txt": "a b#c?.txt",
	} {
		if byURL[url] != name {
			t.Errorf("entry %s: name %q, want %q", url, byURL[url], name)
		}
	}
}

func TestHostileNamesText(t *testing.T) {
	var buf bytes.Buffer
	must(t, hostileListing(t).WriteText(&buf))
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(hostileNames)+2 {
		t.Errorf("%d lines, want a header and one per entry (%d):\n%s", len(lines), len(hostileNames)+2, out)
	}
	if strings.Contains(out, "\x1b") || !utf8.ValidString(out) {
		t.Error("text holds an escape character or invalid UTF-8")
	}
	for _, want := range []string{`new\nline.txt `, `esc\x1b[31mred.txt `, `bad\xffutf8.txt `, `back\\slash.txt `, "ünïcødé.txt ", "<dir>/ "} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

func TestHTMLDetails(t *testing.T) {
	fsys := goldenFS()
	tests := []struct {
		path, query string
		want, not   []string
	}{
		{"/", "", []string{
			`<title>Directory listing for /</title>`,
			`<li><a aria-current="page" href="./">/</a></li>`,
			`<th scope="col" class="name" aria-sort="ascending"><a href="?sort=name&amp;order=desc">Name</a></th>`,
			`<th scope="col" class="size"><a href="?sort=size&amp;order=desc">Size</a></th>`,
			`<td class="size" title="3,145,728 bytes">3.0 MiB</td>`,
			`<a class="folder" href="./docs/">docs/</a></td><td class="size">—</td>`,
			`<time datetime="2024-03-01T11:57:00Z" title="6 minutes ago">2024-03-01 11:57</time>`,
			`<a class="image" href="./photo.JPG">photo.JPG</a>`,
			`<a class="toggle" href="?dirs=first">Folders first<span class="visually-hidden"> (off; turn on)</span></a>`,
			`<p class="summary" id="summary" aria-live="polite">12 entries</p>`,
			`<div class="markdown"><h3>Fixture</h3>` + "\n" + `<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends</p>`,
		}, []string{`href="../"`, `class="pager"`, "<script>alert"}},
		{"/a/b/c/", "sort=time&order=desc&dirs=first&q=o", []string{
			`<title>Directory listing for /a/b/c/</title>`,
			`<li><a href="../../../">/</a></li><li><a href="../../">a</a></li><li><a href="../">b</a></li><li><a aria-current="page" href="./">c</a></li>`,
			`<th scope="col" class="time" aria-sort="descending"><a href="?sort=time&amp;dirs=first&amp;q=o">Modified</a></th>`,
			`<th scope="col" class="name"><a href="?sort=name&amp;dirs=first&amp;q=o">Name</a></th>`,
			`<a class="up" href="../">Parent directory</a>`,
			`<input id="filter" type="search" name="q" value="o"`,
			`<input type="hidden" name="sort" value="time">`,
			`<input type="hidden" name="dirs" value="first">`,
			`<a class="toggle on" href="?sort=time&amp;order=desc&amp;q=o">Folders first<span class="visually-hidden"> (on; turn off)</span></a>`,
			`4 entries matching “o”`,
		}, nil},
		{"/x/", "q=nothing-matches", []string{`No entries match “nothing-matches”. <a href="./">Show all</a>`}, []string{"<tr><td"}},
		{"/x/", "limit=5&offset=50", []string{
			`No entries past the first 12. <a href="?limit=5">First page</a>`,
			`<a href="?limit=5&amp;offset=7" rel="prev">← Previous</a>`,
		}, []string{"Entries 51", "<tr><td"}},
		{"/x/", "limit=5&offset=5", []string{
			`Entries 6–10 of 12`,
			`<a href="?limit=5" rel="prev">← Previous</a>`,
			`<a href="?limit=5&amp;offset=10" rel="next">Next →</a>`,
		}, []string{`<section class="readme"`}},
	}
	for _, tt := range tests {
		hide := func(name string) bool { return strings.HasPrefix(name, ".") }
		l, err := Read(context.Background(), fsys, ".", tt.path, Options{Hide: hide, Query: ParseQuery(tt.query), Readme: true})
		must(t, err)
		var buf bytes.Buffer
		must(t, l.WriteHTML(&buf, HTMLOptions{AssetPrefix: "/.a/", Now: t0.Add(3 * time.Minute)}))
		out := buf.String()
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s?%s: page lacks %s", tt.path, tt.query, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(out, n) {
				t.Errorf("%s?%s: page has %s", tt.path, tt.query, n)
			}
		}
	}
}

func TestAppendGrouped(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 123456: "123,456", 1234567: "1,234,567", 9223372036854775807: "9,223,372,036,854,775,807"} {
		if got := string(appendGrouped(nil, n)); got != want {
			t.Errorf("appendGrouped(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestRelativeTimes checks the tooltips against an injected "now",
// including the memo that shares them between rows.
func TestRelativeTimes(t *testing.T) {
	fsys := fstest.MapFS{
		"a": {ModTime: t0.Add(-3 * time.Minute)},
		"b": {ModTime: t0.Add(-3 * time.Minute)},
		"c": {ModTime: t0.Add(-50 * time.Hour)},
		"d": {ModTime: t0.Add(time.Hour)},
		"e": {ModTime: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	l, err := Read(context.Background(), fsys, ".", "/", Options{})
	must(t, err)
	var buf bytes.Buffer
	must(t, l.WriteHTML(&buf, HTMLOptions{Now: t0}))
	out := buf.String()
	for _, want := range []string{`title="3 minutes ago">2024-03-01 11:57`, `title="2 days ago">2024-02-28 10:00`,
		`title="1 hour from now">2024-03-01 13:00`, `title="a long while ago">1960-01-01 00:00`} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(out, "3 minutes ago"); n != 2 {
		t.Errorf("%d rows say 3 minutes ago, want 2", n)
	}
}

// FuzzJSONString checks the hand-written JSON strings against
// encoding/json, byte for byte.
func FuzzJSONString(f *testing.F) {
	for _, s := range append(hostileNames, "", "\u2028\u2029", "\x00\x1f\x7f", "a\"b\\c", "\xed\xa0\x80") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestEntryURLFastPath checks that the fast path for plain names agrees
// with url.URL's escaping.
func TestEntryURLFastPath(t *testing.T) {
	for _, name := range append(hostileNames, "file-0001.txt", "A.b_c~d-e", "..", "x") {
		for _, dir := range []bool{false, true} {
			want := (&url.URL{Path: "./" + name}).EscapedPath()
			if dir {
				want += "/"
			}
			if got := entryURL(name, dir); got != want {
				t.Errorf("entryURL(%q, %v) = %q, want %q", name, dir, got, want)
			}
		}
	}
}

// TestLinksInEveryFormat checks how each format shows a working link and
// a broken one (dangling, or leading out of the root): the broken one is
// marked, has no size, and in HTML is no link, as it could only 404.
func TestLinksInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "file.txt"), []byte("12345"), 0o644))
	must(t, os.Symlink("file.txt", filepath.Join(dir, "good.txt")))
	must(t, os.Symlink("nowhere", filepath.Join(dir, "dangling.txt")))
	must(t, os.Symlink("/etc/hostname", filepath.Join(dir, "escape.txt")))
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	l, err := Read(context.Background(), root.FS(), ".", "/", Options{})
	must(t, err)
	var html, js, txt bytes.Buffer
	must(t, l.WriteHTML(&html, HTMLOptions{AssetPrefix: "/.a/"}))
	must(t, l.WriteJSON(&js))
	must(t, l.WriteText(&txt))
	tests := []struct {
		format    string
		out       string
		want, not []string
	}{
		{"html", html.String(), []string{
			`<a class="text" href="./good.txt">good.txt</a> <span class="badge" title="symbolic link">link</span></td><td class="size" title="5 bytes">5 B`,
			`<a class="text">dangling.txt</a> <span class="badge" title="symbolic link that cannot be followed">broken link</span></td><td class="size">—</td>`,
			`<a class="text">escape.txt</a> <span class="badge" title="symbolic link that cannot be followed">broken link</span></td><td class="size">—</td>`,
		}, []string{`href="./dangling.txt"`, `href="./escape.txt"`}},
		{"json", js.String(), []string{
			`{"name":"good.txt","url":"./good.txt","kind":"symlink","is_dir":false,"size":5,`,
			`{"name":"dangling.txt","url":"./dangling.txt","kind":"symlink","broken":true,"is_dir":false,"size":0,"mime":`,
			`{"name":"escape.txt","url":"./escape.txt","kind":"symlink","broken":true,"is_dir":false,"size":0,"mime":`,
		}, []string{`"good.txt","url":"./good.txt","kind":"symlink","broken"`}},
		{"txt", txt.String(), []string{"\ndangling.txt@    -\n", "\nescape.txt@      -\n", "\ngood.txt@      5 B  "}, nil},
	}
	for _, tt := range tests {
		for _, w := range tt.want {
			if !strings.Contains(tt.out, w) {
				t.Errorf("%s lacks %q:\n%s", tt.format, w, tt.out)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(tt.out, n) {
				t.Errorf("%s has %q", tt.format, n)
			}
		}
	}
	if !json.Valid(js.Bytes()) {
		t.Errorf("invalid JSON:\n%s", js.String())
	}
}
