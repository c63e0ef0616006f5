package dav_test

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/simplehttp/simplehttp/dav"
)

// lstat describes name under the served directory.
func (s *site) lstat(t *testing.T, name string) os.FileInfo {
	t.Helper()
	info, err := os.Lstat(filepath.Join(s.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// tree lists the names under the served folder dir, hidden ones too.
func (s *site) tree(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	root := filepath.Join(s.dir, dir)
	err := filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		names = append(names, rel)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// noTemporaries fails when a temporary name of a COPY or MOVE is left in
// the served folder.
func (s *site) noTemporaries(t *testing.T) {
	t.Helper()
	for _, name := range s.tree(t, ".") {
		if strings.Contains(name, ".simplehttp-") {
			t.Errorf("a temporary name is left: %s", name)
		}
	}
}

// TestCopyReplacesAFileInOneStep: a COPY over a file writes the copy
// to a temporary file and renames it over, so the name never names
// nothing, and a reader of the old file reads it to its end.
func TestCopyReplacesAFileInOneStep(t *testing.T) {
	s := newSite(t, allWrites)
	before := s.lstat(t, "b.txt")
	reader, err := os.Open(filepath.Join(s.dir, "b.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	resp, body := s.do(t, "COPY", "/a.txt", "", "Destination", "/b.txt")
	if resp.StatusCode != 204 || s.read(t, "b.txt") != "a\n" {
		t.Fatalf("COPY over a file: %d %s, b.txt %q", resp.StatusCode, body, s.read(t, "b.txt"))
	}
	if os.SameFile(s.lstat(t, "b.txt"), before) {
		t.Error("the copy was written into the old file, not renamed over it")
	}
	if old, _ := io.ReadAll(reader); string(old) != "b\n" {
		t.Errorf("a reader of the old file read %q", old)
	}
	s.noTemporaries(t)
}

// TestReplaceFolders replaces folders and files by folders and files,
// with COPY and MOVE, with and without the one-step exchange: the
// destination holds exactly the source's tree, the source is kept (COPY)
// or gone (MOVE), and no temporary name is left.
func TestReplaceFolders(t *testing.T) {
	for _, exchange := range []bool{true, false} {
		for _, tc := range []struct {
			method, src, dst string
			want             []string // the tree at dst afterwards
		}{
			{"COPY", "/src", "/dst", []string{".", "s.txt", "sub", "sub/t.txt"}},
			{"MOVE", "/src", "/dst", []string{".", "s.txt", "sub", "sub/t.txt"}},
			{"COPY", "/a.txt", "/dst", []string{"."}},
			{"MOVE", "/a.txt", "/dst", []string{"."}},
			{"COPY", "/src", "/b.txt", []string{".", "s.txt", "sub", "sub/t.txt"}},
			{"MOVE", "/src", "/b.txt", []string{".", "s.txt", "sub", "sub/t.txt"}},
		} {
			s := newSite(t, allWrites)
			if !exchange {
				dav.NoExchange(s.h.(*dav.Handler))
			}
			writeFile(t, filepath.Join(s.dir, "src/s.txt"), "s\n")
			writeFile(t, filepath.Join(s.dir, "src/sub/t.txt"), "t\n")
			writeFile(t, filepath.Join(s.dir, "dst/old.txt"), "old\n")
			writeFile(t, filepath.Join(s.dir, "dst/deep/old.txt"), "old\n")
			resp, body := s.do(t, tc.method, tc.src, "", "Destination", tc.dst)
			name := tc.method + " " + tc.src + " over " + tc.dst
			if !exchange {
				name += ", without an exchange"
			}
			if resp.StatusCode != 204 {
				t.Fatalf("%s: %d %s", name, resp.StatusCode, body)
			}
			if got := s.tree(t, tc.dst); !slices.Equal(got, tc.want) {
				t.Errorf("%s: the destination holds %q, want %q", name, got, tc.want)
			}
			if s.exists(tc.src[1:]) != (tc.method == "COPY") {
				t.Errorf("%s: the source exists: %v", name, s.exists(tc.src[1:]))
			}
			s.noTemporaries(t)
		}
	}
}

// TestCopyRefusedLeavesTheDestination: a COPY that may not replace what
// is there (a folder holding a hidden file) changes nothing.
func TestCopyRefusedLeavesTheDestination(t *testing.T) {
	s := newSite(t, allWrites)
	resp, body := s.do(t, "COPY", "/a.txt", "", "Destination", "/sub")
	if resp.StatusCode != 403 || !strings.Contains(body, "hidden") {
		t.Fatalf("COPY over a folder holding a hidden file: %d %s", resp.StatusCode, body)
	}
	if got := s.tree(t, "sub"); !slices.Equal(got, []string{".", ".hidden", "c.txt"}) {
		t.Errorf("the folder holds %q", got)
	}
	s.noTemporaries(t)
}
