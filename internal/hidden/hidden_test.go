package hidden

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

// TestName: an element beginning with "." hides a name, but for a
// top-level ".well-known"; "." and ".." are no names.
func TestName(t *testing.T) {
	for name, want := range map[string]bool{
		".": false, "a.txt": false, ".env": true, "sub/.git/config": true, "sub/.hidden": true,
		".well-known/security.txt": false, "sub/.well-known/x": true, "a/../b": false, "..": false,
		"a..b": false, "a/b.": false,
	} {
		if got := Name(name); got != want {
			t.Errorf("Name(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestLeadsTo: a link anywhere on the way that leads to a hidden name
// hides the name, through chains of links; a link out of the file system
// is judged by its text; a loop is hidden; plain names are not.
func TestLeadsTo(t *testing.T) {
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink}
	}
	fsys := fstest.MapFS{
		".env":          {Data: []byte("SECRET=1")},
		".git/config":   {Data: []byte("[core]")},
		"a.txt":         {Data: []byte("a")},
		"config.txt":    link(".env"),
		"repo":          link(".git"),
		"chain":         link("config.txt"),
		"ok.txt":        link("a.txt"),
		"sub/up":        link("../.env"),
		"sub/fine":      link("../a.txt"),
		"out":           link("/etc/passwd"),
		"out-hidden":    link("/home/u/.ssh/id"),
		"loop":          link("loop"),
		"dir/plain.txt": {Data: []byte("p")},
	}
	for name, want := range map[string]bool{
		"a.txt": false, "config.txt": true, "repo/config": true, "chain": true, "ok.txt": false,
		"sub/up": true, "sub/fine": false, "out": false, "out-hidden": true, "loop": true,
		"dir/plain.txt": false, "missing": false, ".": false,
	} {
		if got := LeadsTo(fsys, name); got != want {
			t.Errorf("LeadsTo(%q) = %v, want %v", name, got, want)
		}
		if got := In(fsys, name); got != (want || Name(name)) {
			t.Errorf("In(%q) = %v", name, got)
		}
	}
}
