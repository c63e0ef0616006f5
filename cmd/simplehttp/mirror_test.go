package main

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBinaryMirror mirrors the fixture with three real mirroring clients,
// each reading the listings as a user's would. Each must exit 0 and
// produce the tree and nothing but the tree, byte for byte: the visible
// files, no dotfile, no link that leads outside, and none of the
// listing's own files (style, script) or sorted views. A folder with an
// index.html shows that page, so mirrors get what it links to.
func TestBinaryMirror(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-q", "-d", f.dir)

	// The tree as a mirror sees it through the listings.
	tree := maps.Clone(f.files)
	delete(tree, "withindex/index.html") // the folder's page, not a listing: it links to other.txt only
	tree["inside-link.txt"] = f.files["hello.txt"]
	tree["caf\xe9.txt"] = []byte("latin-1\n")
	// wget saves each folder's page as its index.html.
	listed := []string{"index.html", "sub/index.html", "sub/deeper/index.html", "odd names/index.html", "unicode/index.html"}

	t.Run("wget", func(t *testing.T) {
		wget := requireTool(t, "wget")
		out := t.TempDir()
		mirror(t, wget, "-r", "-np", "-nH", "--reject-regex", `\?`, "-q", "-e", "robots=off",
			"--tries=1", "--timeout=10", "-P", out, s.url+"/")
		got := readTree(t, out)
		for _, name := range listed {
			if _, ok := got[name]; !ok {
				t.Errorf("wget saved no %s", name)
			}
			delete(got, name)
		}
		want := maps.Clone(tree)
		want["withindex/index.html"] = f.files["withindex/index.html"] // saved as the folder's page
		sameTree(t, got, want)
	})
	t.Run("wget without --reject-regex", func(t *testing.T) {
		// wget then also saves each sorted view of each listing and the
		// page's style and script, as docs/listings.md says, but never a folder's
		// archive: the downloads are form buttons, which no mirror submits.
		wget := requireTool(t, "wget")
		out := t.TempDir()
		mirror(t, wget, "-r", "-np", "-nH", "-q", "-e", "robots=off",
			"--tries=1", "--timeout=10", "-P", out, s.url+"/")
		got := readTree(t, out)
		views := 0
		for name := range got {
			page, query, ok := strings.Cut(name, "?")
			if _, inTree := tree[name]; inTree || !ok {
				continue
			}
			view := slices.Contains(listed, page) && (strings.HasPrefix(query, "sort=") || strings.HasPrefix(query, "dirs="))
			asset := strings.HasPrefix(page, ".simplehttp/") && query == "asset"
			if !view && !asset {
				t.Errorf("wget saved %q, neither the tree nor a sorted view or asset of a listing", name)
			}
			delete(got, name)
			views++
		}
		if views == 0 {
			t.Error("wget saved no sorted view: the test proves nothing")
		}
		for _, name := range listed {
			delete(got, name)
		}
		want := maps.Clone(tree)
		want["withindex/index.html"] = f.files["withindex/index.html"]
		sameTree(t, got, want)
	})
	t.Run("lftp", func(t *testing.T) {
		lftp := requireTool(t, "lftp")
		out := filepath.Join(t.TempDir(), "copy")
		mirror(t, lftp, "-c", "set net:max-retries 2; set net:timeout 10; mirror "+s.url+"/ "+out)
		sameTree(t, readTree(t, out), tree)
	})
	t.Run("rclone copy", func(t *testing.T) {
		rclone := requireTool(t, "rclone")
		out := t.TempDir()
		mirror(t, rclone, "copy", "--http-url", s.url, ":http:", out, "--retries", "1", "--low-level-retries", "1")
		sameTree(t, readTree(t, out), tree)
	})
	t.Run("rclone sync", func(t *testing.T) {
		// sync deletes what the source lacks, and only when it listed
		// every folder without an error.
		rclone := requireTool(t, "rclone")
		out := t.TempDir()
		writeFile(t, out, "stale/old.txt", []byte("gone from the server\n"))
		writeFile(t, out, "hello.txt", []byte("an older hello\n"))
		mirror(t, rclone, "sync", "--http-url", s.url, ":http:", out, "--retries", "1", "--low-level-retries", "1")
		sameTree(t, readTree(t, out), tree)
	})
}

// mirror runs a mirroring client, with a private home so that it reads
// and writes no configuration of the user's, and fails the test unless it
// exits 0 within a minute.
func mirror(t *testing.T, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home,
		"XDG_CACHE_HOME="+home, "RCLONE_CONFIG="+filepath.Join(home, "rclone.conf"))
	cmd.Dir = home
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, b)
	}
}

// readTree reads every regular file under dir, by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree checks that got holds exactly the files of want, byte for byte.
func sameTree(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(got)) {
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("the mirror holds %q, which is not in the tree", name)
		case string(got[name]) != string(w):
			t.Errorf("the mirror's %q: %d bytes differ from the tree's %d", name, len(got[name]), len(w))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if _, ok := got[name]; !ok {
			t.Errorf("the mirror lacks %q", name)
		}
	}
}
