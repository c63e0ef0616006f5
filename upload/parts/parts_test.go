package parts_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/simplehttp/simplehttp/upload/parts"
)

// open opens a store in a fresh folder, with a clock the test moves.
func open(t *testing.T, opt parts.Options) (*parts.Store, string, *time.Time) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "parts")
	now := time.Now()
	opt.Now = func() time.Time { return now }
	opt.Logger = slog.New(slog.DiscardHandler)
	s, err := parts.Open(dir, &opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir, &now
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		_, ext, _ := strings.Cut(e.Name(), ".")
		names = append(names, ext)
	}
	slices.Sort(names)
	return names
}

func TestOpenIsPrivate(t *testing.T) {
	_, dir, _ := open(t, parts.Options{})
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o700 {
		t.Errorf("the folder of parts is %v, want 0700: other users must not read unfinished uploads", perm)
	}
}

func TestAppend(t *testing.T) {
	s, _, _ := open(t, parts.Options{})
	u, err := s.Create(parts.Target{Dir: ".", Name: "a", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("hello"))
	wrong := sha256.Sum256([]byte("jello"))
	for _, tc := range []struct {
		name   string
		offset int64
		src    io.Reader
		sum    *[32]byte
		n      int64
		err    error
		after  int64 // the offset then
	}{
		{name: "wrong offset", offset: 3, src: strings.NewReader("abc"), err: parts.ErrOffset},
		{name: "wrong checksum", src: strings.NewReader("hello"), sum: &wrong, err: parts.ErrChecksum},
		{name: "cut short, with a checksum", src: iotest.TimeoutReader(strings.NewReader("hello")), sum: &sum, err: iotest.ErrTimeout},
		{name: "checksum", src: strings.NewReader("hello"), sum: &sum, n: 5, after: 5},
		{name: "cut short", offset: 5, src: io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(io.ErrUnexpectedEOF)), n: 2, err: io.ErrUnexpectedEOF, after: 7},
		{name: "too long", offset: 7, src: strings.NewReader("abcd"), err: parts.ErrTooLong, after: 7},
		{name: "the rest", offset: 7, src: strings.NewReader("cde"), n: 3, after: 10},
	} {
		n, err := s.Append(u.ID, tc.offset, tc.src, tc.sum)
		if n != tc.n || !errors.Is(err, tc.err) {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, n, err, tc.n, tc.err)
		}
		if got, _ := s.Get(u.ID); got.Offset != tc.after {
			t.Errorf("%s: offset then %d, want %d", tc.name, got.Offset, tc.after)
		}
	}
}

// TestPendingChunk finds a chunk that a dead process left half-verified
// (ID.pending beside the part), and cuts it off.
func TestPendingChunk(t *testing.T) {
	s, dir, _ := open(t, parts.Options{})
	u, _ := s.Create(parts.Target{Dir: ".", Name: "a", Size: 10})
	if _, err := s.Append(u.ID, 0, strings.NewReader("abc"), nil); err != nil {
		t.Fatal(err)
	}
	// What a crash in the middle of a checksummed chunk at offset 3 leaves.
	f, _ := os.OpenFile(filepath.Join(dir, u.ID+".part"), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("unverified")
	f.Close()
	os.WriteFile(filepath.Join(dir, u.ID+".pending"), []byte("3"), 0o600)

	got, err := s.Get(u.ID)
	if err != nil || got.Offset != 3 {
		t.Fatalf("after the crash: offset %d, %v; want 3", got.Offset, err)
	}
	if names := files(t, dir); !slices.Equal(names, []string{"info", "part"}) {
		t.Errorf("files %q", names)
	}
}

// TestSweep removes what expired and what no upload owns, and keeps the
// rest, across a reopening of the store.
func TestSweep(t *testing.T) {
	s, dir, now := open(t, parts.Options{Expiry: time.Hour})
	quiet, _ := s.Create(parts.Target{Dir: ".", Name: "quiet", Size: 10})
	busy, _ := s.Create(parts.Target{Dir: ".", Name: "busy", Size: 10})
	done, _ := s.Create(parts.Target{Dir: ".", Name: "done", Size: 0})
	if err := s.Finished(done.ID); err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(dir, strings.Repeat("ab", 16)+".part")
	os.WriteFile(orphan, []byte("x"), 0o600)
	os.WriteFile(filepath.Join(dir, "stranger.txt"), []byte("x"), 0o600)

	if n := s.Sweep(); n != 0 {
		t.Errorf("a sweep before the expiry removed %d", n)
	}
	if _, err := os.Stat(orphan); err != nil {
		t.Error("a young orphan was removed while the server runs: it may be an upload being made")
	}
	*now = now.Add(61 * time.Minute)
	release := s.Hold(busy.ID)
	if n := s.Sweep(); n != 2 {
		t.Errorf("the sweep after the expiry removed %d, want 2 (the quiet and the finished upload)", n)
	}
	release()
	if _, err := s.Get(quiet.ID); !errors.Is(err, parts.ErrNotFound) {
		t.Errorf("the quiet upload: %v, want ErrNotFound", err)
	}
	if _, err := s.Get(busy.ID); !errors.Is(err, parts.ErrExpired) {
		t.Errorf("the held upload: %v, want ErrExpired (kept while held)", err)
	}
	if _, err := os.Stat(orphan); err == nil {
		t.Error("an old orphan was kept")
	}
	if _, err := os.Stat(filepath.Join(dir, "stranger.txt")); err != nil {
		t.Error("a file no upload could own was removed: the store removes only its own")
	}
}

// TestBounds refuses uploads past the count and the bytes allowed, and
// frees their room when they end.
func TestBounds(t *testing.T) {
	s, _, _ := open(t, parts.Options{MaxUploads: 2, MaxBytes: 100})
	a, err := s.Create(parts.Target{Name: "a", Size: 60})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(parts.Target{Name: "b", Size: 41}); !errors.Is(err, parts.ErrFull) {
		t.Errorf("past the bytes: %v, want ErrFull", err)
	}
	if _, err := s.Create(parts.Target{Name: "b", Size: 40}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(parts.Target{Name: "c", Size: 0}); !errors.Is(err, parts.ErrFull) {
		t.Errorf("past the count: %v, want ErrFull", err)
	}
	s.Remove(a.ID)
	if _, err := s.Create(parts.Target{Name: "c", Size: 60}); err != nil {
		t.Errorf("after a removal: %v", err)
	}
}

// TestFreeSpace refuses an upload larger than the disk has room for.
func TestFreeSpace(t *testing.T) {
	s, _, _ := open(t, parts.Options{})
	if _, err := s.Create(parts.Target{Name: "huge", Size: 1 << 62}); !errors.Is(err, parts.ErrFull) {
		t.Errorf("an upload of 4 EiB: %v, want ErrFull", err)
	}
}

// TestRestart reopens the store: the uploads, and their bounds, are
// still there.
func TestRestart(t *testing.T) {
	s, dir, _ := open(t, parts.Options{MaxBytes: 100})
	u, _ := s.Create(parts.Target{Dir: "sub", Name: "a", Size: 80, Meta: map[string]string{"filetype": "text/plain"}})
	s.Append(u.ID, 0, bytes.NewReader(make([]byte, 30)), nil)
	s.Close()
	s2, err := parts.Open(dir, &parts.Options{MaxBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Get(u.ID)
	if err != nil || got.Offset != 30 || got.Dir != "sub" || got.Meta["filetype"] != "text/plain" {
		t.Errorf("after reopening: %+v, %v", got, err)
	}
	if _, err := s2.Create(parts.Target{Name: "b", Size: 21}); !errors.Is(err, parts.ErrFull) {
		t.Errorf("the reopened store forgot the first upload's reservation: %v", err)
	}
}

func TestInvalidIDs(t *testing.T) {
	s, _, _ := open(t, parts.Options{})
	for _, id := range []string{"", "..", "../x", strings.Repeat("A", 32), strings.Repeat("a", 31), strings.Repeat("a", 31) + "/"} {
		if _, err := s.Get(id); !errors.Is(err, parts.ErrNotFound) {
			t.Errorf("Get(%q): %v", id, err)
		}
		if err := s.Remove(id); !errors.Is(err, parts.ErrNotFound) {
			t.Errorf("Remove(%q): %v", id, err)
		}
	}
}
