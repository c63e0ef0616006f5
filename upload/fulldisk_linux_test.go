package upload_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/upload"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// tmpfsEnv names, in the environment of this test binary run again inside
// a private mount namespace, the folder where a small tmpfs is mounted.
const tmpfsEnv = "UPLOAD_TEST_TMPFS"

// TestFullDisk fills a real file system: a 1 MiB tmpfs, mounted in a
// private mount namespace (unshare -m) so the machine's mounts never see
// it, where this test binary runs again as the child half of the test.
// It needs root, as CI runs; elsewhere it says why it skips.
func TestFullDisk(t *testing.T) {
	if dir := os.Getenv(tmpfsEnv); dir != "" {
		fullDisk(t, dir)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("skipping: mounting a tmpfs (in a private mount namespace) needs root; CI runs as root")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("skipping: unshare (util-linux) is not installed; CI installs it")
	}
	dir := t.TempDir()
	const script = `mount -t tmpfs -o size=1m tmpfs "$1" && shift && exec "$@"`
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", "sh", "-c", script, "sh", dir,
		os.Args[0], "-test.run=^TestFullDisk$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), tmpfsEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestFullDisk") {
		t.Fatalf("the child test in a private mount namespace failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the tmpfs leaked into this mount namespace: %d entries", len(entries))
	}
}

// fullDisk is the child half of TestFullDisk, run where dir is a 1 MiB
// tmpfs: uploads that do not fit answer 507 and leave nothing; the space
// is free again for one that fits.
func fullDisk(t *testing.T, dir string) {
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	h := upload.New(root, fileserve.NewRoot(root, nil), nil)
	free := freeBytes(t, dir)

	big := strings.Repeat("x", 2<<20)
	r := httptest.NewRequest(http.MethodPut, "/sub/big.bin", strings.NewReader(big))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusInsufficientStorage || !strings.Contains(rec.Body.String(), "disk is full") {
		t.Errorf("PUT of 2 MiB into 1 MiB: %d %q, want 507", rec.Code, rec.Body)
	}
	body, ctype := multipartBody(formPart{"file", "small.txt", "fits\n"}, formPart{"file", "big.bin", big})
	r = httptest.NewRequest(http.MethodPost, "/sub/", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusInsufficientStorage || !strings.HasPrefix(rec.Body.String(), "created /sub/small.txt (5 bytes)\n507 ") {
		t.Errorf("form with a file too big: %d %q, want small.txt stored, then 507", rec.Code, rec.Body)
	}
	if got := tree(t, dir); strings.Join(got, " ") != "sub/ sub/small.txt" {
		t.Errorf("left on the full disk: %q", got)
	}
	if err := os.Remove(filepath.Join(dir, "sub", "small.txt")); err != nil {
		t.Fatal(err)
	}
	if now := freeBytes(t, dir); now != free {
		t.Errorf("%d bytes free after the failed uploads, %d before: the partial files hold space", now, free)
	}
	fits := strings.Repeat("y", 512<<10)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/sub/fits.bin", strings.NewReader(fits)))
	if rec.Code != http.StatusCreated {
		t.Errorf("PUT of 512 KiB after the failures: %d %q", rec.Code, rec.Body)
	}
	t.Log("tmpfs: " + strconv.FormatInt(free, 10) + " bytes free at the start")
	os.Remove(filepath.Join(dir, "sub", "fits.bin"))
	fullDiskResumable(t, dir)
}

// fullDiskResumable: on the same full tmpfs, a resumable upload larger
// than the free space is refused at creation (507), and one whose chunk
// meets a disk that another program filled meanwhile answers 507 and is
// given up, which frees what it took.
func fullDiskResumable(t *testing.T, dir string) {
	served, partsDir := filepath.Join(dir, "rsite"), filepath.Join(dir, "rparts")
	if err := os.Mkdir(served, 0o755); err != nil {
		t.Fatal(err)
	}
	store, err := parts.Open(partsDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	root, err := os.OpenRoot(served)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	s := &site{dir: served, h: upload.New(root, fileserve.NewRoot(root, nil), &upload.Options{Resumable: store}), logs: new(bytes.Buffer)}
	free := freeBytes(t, dir)

	resp, body := s.tus(t, http.MethodPost, "/", "", "Upload-Length", strconv.FormatInt(free+1, 10), "Upload-Metadata", "filename "+b64("big.bin"))
	if resp.StatusCode != http.StatusInsufficientStorage {
		t.Errorf("creating an upload larger than the disk: %d %q, want 507", resp.StatusCode, body)
	}
	u := s.create(t, "/", "fits.bin", 600<<10)
	filler := filepath.Join(dir, "filler")
	os.WriteFile(filler, make([]byte, free-300<<10), 0o644) // another program takes the space
	resp, body = s.tus(t, http.MethodPatch, u, strings.Repeat("z", 600<<10), "Upload-Offset", "0")
	if resp.StatusCode != http.StatusInsufficientStorage || !strings.Contains(body, "disk is full") {
		t.Errorf("a chunk on a full disk: %d %q, want 507", resp.StatusCode, body)
	}
	if left, _ := os.ReadDir(partsDir); len(left) != 0 {
		t.Errorf("the upload the full disk ended left %d files", len(left))
	}
	os.Remove(filler)
	if now := freeBytes(t, dir); now != free {
		t.Errorf("%d bytes free after the failed upload, %d before: its part holds space", now, free)
	}
}

// freeBytes is the space left on the file system of dir.
func freeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize) // Bsize is an int32 on 32-bit systems
}
