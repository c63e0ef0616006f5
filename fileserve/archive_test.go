package fileserve_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/testfifo"
)

// archiveTree is a folder worth archiving: nested and empty folders, names
// that need care, hidden names, links of every kind and a FIFO.
func archiveTree(t *testing.T) (*os.Root, string) {
	t.Helper()
	root, dir := tempRoot(t, map[string]string{
		"docs/readme.txt":        "read me\n",
		"docs/deep/er/file.bin":  "\x00\x01\x02binary",
		"docs/empty/":            "",
		"docs/日本語 ファイル.txt":      "nihongo\n",
		"docs/a b & c?#%.txt":    "odd\n",
		"docs/photo.jpg":         strings.Repeat("jpeg", 1000),
		"docs/zero.txt":          "",
		"docs/caf\xe9.txt":       "latin-1\n",
		"docs/.env":              "SECRET=1\n",
		"docs/.git/config":       "[core]\n",
		"docs/sub/.hidden/x.txt": "hidden\n",
		".env":                   "TOP SECRET\n",
	})
	symlink(t, dir, "readme.txt", "docs/link-to-file.txt")
	symlink(t, dir, "deep", "docs/link-to-folder")
	symlink(t, dir, ".env", "docs/link-to-hidden")
	symlink(t, dir, "../../secret.txt", "docs/link-out")
	symlink(t, dir, "nowhere", "docs/dangling")
	symlink(t, dir, "..", "docs/deep/loop")
	testfifo.Make(t, filepath.Join(dir, "docs", "fifo"))
	return root, dir
}

// wantDocs is what an archive of docs/ holds, by default: files with their
// content, folders with a "/".
var wantDocs = map[string]string{
	"docs/": "", "docs/readme.txt": "read me\n", "docs/deep/": "", "docs/deep/er/": "",
	"docs/deep/er/file.bin": "\x00\x01\x02binary", "docs/empty/": "", "docs/日本語 ファイル.txt": "nihongo\n",
	"docs/a b & c?#%.txt": "odd\n", "docs/photo.jpg": strings.Repeat("jpeg", 1000), "docs/zero.txt": "",
	"docs/caf\xe9.txt": "latin-1\n", "docs/link-to-file.txt": "read me\n", "docs/sub/": "",
}

// readZip unpacks a zip archive into name → content, and returns its
// comment and the UTF-8 flag of each name.
func readZip(t *testing.T, b []byte) (files map[string]string, comment string, utf8Flag map[string]bool) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	files, utf8Flag = map[string]string{}, map[string]bool{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		data, err := io.ReadAll(rc) // checks the CRC too
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = string(data)
		utf8Flag[f.Name] = f.Flags&0x800 != 0
	}
	return files, zr.Comment, utf8Flag
}

// readTarGz unpacks a tar.gz archive into name → content.
func readTarGz(t *testing.T, b []byte) map[string]string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	tr := tar.NewReader(gz)
	files := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the tar archive: %v", err)
		}
		if hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || hdr.Gname != "" {
			t.Errorf("%s carries an owner: %d/%d %q/%q", hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[hdr.Name] = string(data)
	}
	if _, err := io.ReadAll(gz); err != nil {
		t.Fatalf("after the tar archive: %v", err) // the gzip trailer checks the CRC
	}
	return files
}

// get serves GET target through h and returns the answer and its body.
func get(t *testing.T, h http.Handler, target string) (*http.Response, []byte) {
	t.Helper()
	resp := serve(t, h, http.MethodGet, target)
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestArchiveZip(t *testing.T) {
	root, _ := archiveTree(t)
	logger, logs := captureLog()
	h := fileserve.NewRoot(root, &fileserve.Options{Logger: logger})
	resp, b := get(t, h, "/docs/?download=zip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename=docs.zip` {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	files, comment, utf8Flag := readZip(t, b)
	if !maps.Equal(files, wantDocs) {
		t.Errorf("the zip holds\n%q\nwant\n%q", slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(wantDocs)))
	}
	// The UTF-8 flag marks names that are UTF-8 and not ASCII; a Latin-1
	// name keeps its bytes, unflagged.
	for name, want := range map[string]bool{"docs/日本語 ファイル.txt": true, "docs/readme.txt": false, "docs/caf\xe9.txt": false} {
		if utf8Flag[name] != want {
			t.Errorf("%q: UTF-8 flag %v, want %v", name, utf8Flag[name], want)
		}
	}
	// What could not be archived is named in the comment, and not logged:
	// it is what the folder holds, no fault of the server's. Hidden names
	// are not mentioned at all.
	for _, left := range []string{"docs/link-to-folder", "docs/link-out", "docs/dangling", "docs/fifo", "docs/deep/loop"} {
		if !strings.Contains(comment, `"`+left+`"`) {
			t.Errorf("%s is not in the comment %q", left, comment)
		}
	}
	if logs.String() != "" {
		t.Errorf("logged:\n%s", logs)
	}
	if !strings.HasPrefix(comment, "simplehttp: 5 entries could not be read or followed") {
		t.Errorf("comment %q", comment)
	}
	if strings.Contains(comment+logs.String(), ".env") || strings.Contains(comment+logs.String(), "hidden") {
		t.Errorf("a hidden name is mentioned: %q\n%s", comment, logs)
	}
}

func TestArchiveTarGz(t *testing.T) {
	root, _ := archiveTree(t)
	h := fileserve.NewRoot(root, &fileserve.Options{Logger: discardLog()})
	resp, b := get(t, h, "/docs/?download=tar.gz")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename=docs.tar.gz` {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	if files := readTarGz(t, b); !maps.Equal(files, wantDocs) {
		t.Errorf("the tar.gz holds\n%q\nwant\n%q", slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(wantDocs)))
	}
}

// TestArchiveDotfiles: with dotfiles served, hidden names are archived too.
func TestArchiveDotfiles(t *testing.T) {
	root, _ := archiveTree(t)
	h := fileserve.NewRoot(root, &fileserve.Options{Dotfiles: true, Logger: discardLog()})
	_, b := get(t, h, "/docs/?download=zip")
	files, _, _ := readZip(t, b)
	want := maps.Clone(wantDocs)
	maps.Copy(want, map[string]string{
		"docs/.env": "SECRET=1\n", "docs/.git/": "", "docs/.git/config": "[core]\n",
		"docs/sub/.hidden/": "", "docs/sub/.hidden/x.txt": "hidden\n", "docs/link-to-hidden": "SECRET=1\n",
	})
	if !maps.Equal(files, want) {
		t.Errorf("the zip holds\n%q\nwant\n%q", slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(want)))
	}
}

func TestArchiveAnswers(t *testing.T) {
	root, _ := archiveTree(t)
	h := fileserve.NewRoot(root, &fileserve.Options{Logger: discardLog()})
	for _, tc := range []struct {
		target, disposition string
		code                int
	}{
		{"/?download=zip", `attachment; filename=root.zip`, 200},
		{"/?download=tar.gz", `attachment; filename=root.tar.gz`, 200},
		{"/docs/empty/?sort=size&download=zip", `attachment; filename=empty.zip`, 200},
		{"/docs/link-to-folder/?download=zip", `attachment; filename=link-to-folder.zip`, 200},
		{"/docs?download=zip", "", 301},
		{"/docs/?download=rar", "", 400},
		{"/docs/?download=", "", 400},
		{"/.git/?download=zip", "", 404},
		{"/docs/link-to-hidden/?download=zip", "", 404},
		{"/docs/readme.txt?download=zip", "", 200}, // a file is a file
		{"/nope/?download=zip", "", 404},
	} {
		resp, b := get(t, h, tc.target)
		if resp.StatusCode != tc.code || resp.Header.Get("Content-Disposition") != tc.disposition {
			t.Errorf("GET %s: %d %q, want %d %q", tc.target, resp.StatusCode, resp.Header.Get("Content-Disposition"), tc.code, tc.disposition)
		}
		if tc.code == 301 && resp.Header.Get("Location") != "./docs/?download=zip" {
			t.Errorf("GET %s: Location %q", tc.target, resp.Header.Get("Location"))
		}
		if tc.target == "/docs/readme.txt?download=zip" && string(b) != "read me\n" {
			t.Errorf("GET %s: %q", tc.target, b)
		}
	}
	resp := serve(t, h, http.MethodHead, "/docs/?download=zip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" || body(t, resp) != "" {
		t.Errorf("HEAD: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestArchiveDisposition checks the download names of odd folder names.
func TestArchiveDisposition(t *testing.T) {
	_, dir := tempRoot(t, nil)
	for _, name := range []string{"日本", "a \"quoted\" name", "tab\there", "semi;colon", "caf\xe9"} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	h := fileserve.NewRoot(root, nil)
	for target, want := range map[string]string{
		"/%E6%97%A5%E6%9C%AC/":      `attachment; filename*=utf-8''%E6%97%A5%E6%9C%AC.zip`,
		"/a%20%22quoted%22%20name/": `attachment; filename="a \"quoted\" name.zip"`,
		"/tab%09here/":              `attachment; filename=tab_here.zip`,
		"/semi;colon/":              `attachment; filename="semi;colon.zip"`,
		"/caf%E9/":                  `attachment; filename=caf_.zip`,
	} {
		resp := serve(t, h, http.MethodHead, target+"?download=zip")
		if got := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || got != want {
			t.Errorf("%s: %d %q, want %q", target, resp.StatusCode, got, want)
		}
	}
}

// changingFS is a file system whose files change between the folder's
// read and their own: "gone.txt" is listed but no longer opens,
// "grows.txt" has more bytes than it had when opened, "shrinks.txt" fewer.
type changingFS struct{ fstest.MapFS }

func (c changingFS) Open(name string) (fs.File, error) {
	switch name {
	case "dir/gone.txt":
		return nil, fs.ErrNotExist
	case "dir/grows.txt", "dir/shrinks.txt":
		f, err := c.MapFS.Open(name)
		if err != nil {
			return nil, err
		}
		info, _ := f.Stat()
		content := strings.Repeat("x", 100)
		if name == "dir/shrinks.txt" {
			content = content[:10]
		}
		return &changingFile{File: f, info: info, r: strings.NewReader(content)}, nil
	}
	return c.MapFS.Open(name)
}

// changingFile reports the size it had when opened, and reads what it
// holds now.
type changingFile struct {
	fs.File
	info fs.FileInfo
	r    *strings.Reader
}

func (f *changingFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *changingFile) Read(p []byte) (int, error) { return f.r.Read(p) }

func changingTree(withShrinking bool) changingFS {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	m := fstest.MapFS{
		"dir/a.txt":     {Data: []byte("a\n"), ModTime: at},
		"dir/gone.txt":  {Data: []byte("gone\n"), ModTime: at},
		"dir/grows.txt": {Data: make([]byte, 50), ModTime: at},
	}
	if withShrinking {
		m["dir/shrinks.txt"] = &fstest.MapFile{Data: make([]byte, 50), ModTime: at}
	}
	return changingFS{m}
}

// TestArchiveChangingFiles: a file that vanishes is left out; one that
// grows is archived at the size it had when opened.
func TestArchiveChangingFiles(t *testing.T) {
	h := fileserve.New(changingTree(false), &fileserve.Options{Logger: discardLog()})
	for _, format := range []string{"zip", "tar.gz"} {
		_, b := get(t, h, "/dir/?download="+format)
		var files map[string]string
		if format == "zip" {
			files, _, _ = readZip(t, b)
		} else {
			files = readTarGz(t, b)
		}
		want := map[string]string{"dir/": "", "dir/a.txt": "a\n", "dir/grows.txt": strings.Repeat("x", 50)}
		if !maps.Equal(files, want) {
			t.Errorf("%s holds %q, want %q", format, files, want)
		}
	}
}

// TestArchiveShrinkingFileCutsConnection: a file that shrinks while it is
// archived breaks the download, so the client cannot take it for whole.
func TestArchiveShrinkingFileCutsConnection(t *testing.T) {
	logger, logs := captureLog()
	srv := httptest.NewServer(fileserve.New(changingTree(true), &fileserve.Options{Logger: logger}))
	defer srv.Close()
	for _, format := range []string{"zip", "tar.gz"} {
		resp, err := srv.Client().Get(srv.URL + "/dir/?download=" + format)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: reading the archive of a shrinking file: %v, want a cut connection", format, err)
		}
	}
	if !strings.Contains(logs.String(), "archive cut off") || !strings.Contains(logs.String(), "shrank") {
		t.Errorf("log: %s", logs)
	}
}

// discardLog is a logger whose output no one reads.
func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestArchiveDirFS: over os.DirFS (the command's --follow-symlinks) a
// link to a file outside the directory is archived as that file, as it is
// served; a link to a folder is still left out.
func TestArchiveDirFS(t *testing.T) {
	_, dir := archiveTree(t)
	h := fileserve.New(os.DirFS(dir), &fileserve.Options{Logger: discardLog()})
	_, b := get(t, h, "/docs/?download=tar.gz")
	files := readTarGz(t, b)
	want := maps.Clone(wantDocs)
	want["docs/link-out"] = "TOP-SECRET"
	delete(want, "docs/caf\xe9.txt") // os.DirFS refuses names that are not UTF-8
	if !maps.Equal(files, want) {
		t.Errorf("the tar.gz holds\n%q\nwant\n%q", slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(want)))
	}
}
