package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// info is the FileInfo of a file of size bytes, or of a folder.
func info(t *testing.T, size int, dir bool) fs.FileInfo {
	t.Helper()
	fsys := fstest.MapFS{"f": {Data: make([]byte, size), Mode: 0o4755, ModTime: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}}
	if dir {
		fsys["f"] = &fstest.MapFile{Mode: fs.ModeDir | 0o755, ModTime: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}
	}
	fi, err := fs.Stat(fsys, "f")
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestFormats: each format writes a folder and a file that read back
// with their names, content and permissions (set-user-ID dropped), and a
// file that ends before its size fails with ErrShrank.
func TestFormats(t *testing.T) {
	for name, f := range Formats {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			w := f.NewWriter(&buf)
			if err := w.AddDir("top", info(t, 0, true)); err != nil {
				t.Fatal(err)
			}
			if err := w.AddFile("top/a.txt", info(t, 5, false), strings.NewReader("hello, and more")); err != nil {
				t.Fatal(err)
			}
			var missing LeftOut
			missing.Add("top/c.txt")
			if err := w.Close(&missing); err != nil {
				t.Fatal(err)
			}
			files := readBack(t, name, buf.Bytes())
			if got := files["top/a.txt"]; got != "hello -rwxr-xr-x" {
				t.Errorf("top/a.txt read back as %q, want its first 5 bytes and mode 0755", got)
			}
			// The archive is cut off there: the caller ends the download.
			w = f.NewWriter(io.Discard)
			if err := w.AddFile("b.txt", info(t, 5, false), strings.NewReader("hi")); !errors.Is(err, ErrShrank) {
				t.Errorf("a file shorter than its size: %v, want ErrShrank", err)
			}
		})
	}
}

// readBack reads a zip or tar.gz archive into name → "content mode".
func readBack(t *testing.T, format string, b []byte) map[string]string {
	t.Helper()
	files := map[string]string{}
	if format == "zip" {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(zr.Comment, `"top/c.txt"`) {
			t.Errorf("the zip comment %q does not name what was left out", zr.Comment)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			files[f.Name] = string(data) + " " + f.Mode().String()
		}
		return files
	}
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			return files
		}
		data, _ := io.ReadAll(tr)
		if h.Uid != 0 || h.Uname != "" {
			t.Errorf("%s archived with owner %d %q", h.Name, h.Uid, h.Uname)
		}
		files[h.Name] = string(data) + " " + h.FileInfo().Mode().String()
	}
}

// TestLeftOut: the note names the first entries left out and counts the
// rest; nothing left out, no note.
func TestLeftOut(t *testing.T) {
	var l LeftOut
	if l.String() != "" {
		t.Errorf("an empty LeftOut says %q", l.String())
	}
	for i := range maxLeftOutNames + 3 {
		l.Add(strings.Repeat("x", i+1))
	}
	note := l.String()
	if !strings.Contains(note, "23 entries") || !strings.Contains(note, "and 3 more") || strings.Contains(note, `"`+strings.Repeat("x", maxLeftOutNames+1)+`"`) {
		t.Errorf("note %q", note)
	}
}
