package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// saveAs saves the answer to GET path in file.
func saveAs(t *testing.T, s *server, path, file string) *http.Response {
	t.Helper()
	resp := longGet(t, s.url+path)
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}

// longGet starts a download that may take minutes on a loaded machine
// (a big archive read under -race): the server's client gives a whole
// request 30 s, body included, and cut such downloads short. It is bounded
// by five minutes instead.
func longGet(t *testing.T, url string) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp
}

// unpack runs a command-line tool in dir, failing the test on error.
func unpack(t *testing.T, dir string, tool string, args ...string) string {
	t.Helper()
	cmd := exec.Command(requireTool(t, tool), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestBinaryArchives downloads the fixture as zip and tar.gz from the real
// binary and unpacks them with unzip and tar: every visible file arrives
// byte for byte under the folder's name, and no hidden one does.
func TestBinaryArchives(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-q", "-d", f.dir)
	if _, page := s.get(t, "/"); strings.Contains(page, "upload") || !strings.Contains(page, `<button name="download" value="zip">`) {
		t.Errorf("without --upload the listing must offer downloads and no upload area:\n%s", shorten(page))
	}
	for _, tc := range []struct {
		format, tool string
		args         []string
	}{
		{"zip", "unzip", []string{"-q", "archive"}},
		{"tar.gz", "tar", []string{"-xzf", "archive"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			out := t.TempDir()
			resp := saveAs(t, s, "/?download="+tc.format, filepath.Join(out, "archive"))
			if want := "attachment; filename=site." + tc.format; resp.Header.Get("Content-Disposition") != want {
				t.Errorf("Content-Disposition %q, want %q", resp.Header.Get("Content-Disposition"), want)
			}
			unpack(t, out, tc.tool, tc.args...)
			for name, data := range f.files {
				sameFile(t, filepath.Join(out, "site", filepath.FromSlash(name)), data)
			}
			sameFile(t, filepath.Join(out, "site", "inside-link.txt"), []byte("hello, world\n"))
			sameFile(t, filepath.Join(out, "site", "caf\xe9.txt"), []byte("latin-1\n"))
			for _, hidden := range append(f.hidden, "escape") {
				if _, err := os.Lstat(filepath.Join(out, "site", hidden)); err == nil {
					t.Errorf("%s is in the archive", hidden)
				}
			}
			// Nothing else: count the files.
			var n int
			filepath.WalkDir(filepath.Join(out, "site"), func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					n++
				}
				return nil
			})
			if want := len(f.files) + 2; n != want {
				t.Errorf("%d files unpacked, want %d", n, want)
			}
		})
	}
}

// TestBinaryArchiveUnreadable archives, as an unprivileged user, a folder
// with a file and a folder it cannot read: they are left out, the rest
// arrives, and the zip's comment (which unzip prints) says what is
// missing.
func TestBinaryArchiveUnreadable(t *testing.T) {
	t.Parallel()
	wrap, dir := unreadableSite(t)
	s := startBinary(t, wrap, "-q", "-d", dir)
	out := t.TempDir()
	saveAs(t, s, "/?download=zip", filepath.Join(out, "site.zip"))
	listing := unpack(t, out, "unzip", "site.zip")
	sameFile(t, filepath.Join(out, "site", "readable.txt"), []byte("readable\n"))
	for _, missing := range []string{"secret.txt", "locked/inside.txt"} {
		if _, err := os.Stat(filepath.Join(out, "site", missing)); err == nil {
			t.Errorf("%s is in the archive", missing)
		}
	}
	if !strings.Contains(listing, `simplehttp: 2 entries could not be read`) ||
		!strings.Contains(listing, `"secret.txt"`) || !strings.Contains(listing, `"locked"`) {
		t.Errorf("unzip shows no note of what is missing:\n%s", listing)
	}
	if strings.Contains(s.stderr.String(), "left out") {
		t.Errorf("an unreadable file was logged, as a GET of it is not:\n%s", s.stderr)
	}
}

// TestBinaryArchiveBig archives a bigSize folder with the real binary and
// checks the server's peak memory: the archive streams, it is never held,
// nor is any one file (each is twice memoryBound at least). The files are
// sparse, with random islands; each format is read by Go's readers and
// compared with the files byte for byte.
func TestBinaryArchiveBig(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("skipping the big archive in -short mode")
	}
	requireProc(t)
	size := bigSize()
	dir := filepath.Join(t.TempDir(), "videos")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// .mp4 files are stored in a zip as they are; tar.gz deflates them.
	const parts = 2
	names := make([]string, parts)
	for i := range names {
		names[i] = fmt.Sprintf("part%d.mp4", i)
		sparseWithIslands(t, filepath.Join(dir, names[i]), size/parts)
	}
	s := startBinary(t, nil, "-q", "-d", dir)
	before := peakRSS(t, s.cmd.Process.Pid)

	start := time.Now()
	zipFile := filepath.Join(t.TempDir(), "videos.zip")
	saveAs(t, s, "/?download=zip", zipFile)
	t.Logf("%d MiB folder as zip in %s", size>>20, time.Since(start))
	zr, err := zip.OpenReader(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, name := range names {
		rc, err := zr.Open("videos/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sameStream(t, filepath.Join(dir, name), rc)
		rc.Close()
	}

	start = time.Now()
	resp := longGet(t, s.url+"/?download=tar.gz")
	defer resp.Body.Close()
	gz, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	got := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if name, ok := strings.CutPrefix(hdr.Name, "videos/"); ok && name != "" {
			sameStream(t, filepath.Join(dir, name), tr)
			got++
		}
	}
	t.Logf("%d MiB folder as tar.gz in %s", size>>20, time.Since(start))
	if got != parts {
		t.Errorf("%d files in the tar.gz, want %d", got, parts)
	}

	peak := peakRSS(t, s.cmd.Process.Pid)
	t.Logf("server peak RSS %d MiB (%d MiB before)", peak>>20, before>>20)
	if limit := before + memoryBound; peak > limit {
		t.Errorf("server peak RSS %d MiB after archiving %d MiB twice, want at most %d MiB", peak>>20, size>>20, limit>>20)
	}
}

// sameStream compares the file name with what r holds, in 1 MiB chunks.
func sameStream(t *testing.T, name string, r io.Reader) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, b := make([]byte, 1<<20), make([]byte, 1<<20)
	for off := int64(0); ; off += int64(len(a)) {
		na, ea := io.ReadFull(f, a)
		nb, eb := io.ReadFull(r, b)
		if na != nb || !bytes.Equal(a[:na], b[:nb]) {
			t.Fatalf("%s differs from the archive in the MiB at %d (%d and %d bytes)", name, off, na, nb)
		}
		if ea != nil || eb != nil {
			return
		}
	}
}
