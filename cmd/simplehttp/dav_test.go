package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLitmus runs the WebDAV compliance suite litmus (basic, copymove,
// props, locks, http) against a read-write server and fails on any test
// that fails or warns.
func TestLitmus(t *testing.T) {
	litmus := requireTool(t, "litmus")
	s := startInProcess(t, testLimits, "-q", "-w", "-d", t.TempDir())
	cmd := exec.Command(litmus, s.url+"/")
	cmd.Dir = t.TempDir() // litmus writes its debug.log and child.log here
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("litmus: %v\n%s", err, out)
	}
	summaries := regexp.MustCompile(`summary for .(\w+).: of (\d+) tests run: (\d+) passed, (\d+) failed`).FindAllStringSubmatch(string(out), -1)
	passed := 0
	for _, m := range summaries {
		if m[4] != "0" {
			t.Errorf("litmus %s: %s of %s failed", m[1], m[4], m[2])
		}
		n := 0
		for _, c := range m[3] {
			n = n*10 + int(c-'0')
		}
		passed += n
	}
	if len(summaries) != 5 || passed != 104 {
		t.Errorf("litmus: %d suites, %d tests passed, want 5 and 104\n%s", len(summaries), passed, out)
	}
	if bytes.Contains(out, []byte("WARNING")) || bytes.Contains(out, []byte("SKIPPED")) {
		t.Errorf("litmus warned or skipped:\n%s", out)
	}
}

// rclone runs rclone with a remote "dav:" for the server at url, and
// returns its output.
func rclone(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(requireTool(t, "rclone"), append([]string{"--config", "/dev/null", "--low-level-retries", "1", "--retries", "1"}, args...)...)
	cmd.Env = append(os.Environ(), "RCLONE_CONFIG_DAV_TYPE=webdav", "RCLONE_CONFIG_DAV_URL="+url, "RCLONE_CONFIG_DAV_VENDOR=other")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestRcloneWebDAV(t *testing.T) {
	local, served := t.TempDir(), t.TempDir()
	writeFile(t, local, "a.txt", []byte("a\n"))
	writeFile(t, local, "big.bin", randomBytes(3<<20+7, 3))
	writeFile(t, local, "deep/er/c ü & d.txt", []byte("c\n"))
	s := startInProcess(t, testLimits, "-q", "-w", "-d", served)

	if out, err := rclone(t, s.url+"/", "copy", local, "dav:up"); err != nil {
		t.Fatalf("rclone copy: %v\n%s", err, out)
	}
	sameTree(t, readTree(t, filepath.Join(served, "up")), readTree(t, local))

	out, err := rclone(t, s.url+"/", "lsjson", "-R", "dav:up")
	if err != nil {
		t.Fatalf("rclone lsjson: %v\n%s", err, out)
	}
	var list []struct {
		Path  string
		Size  int64
		IsDir bool
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 5 {
		t.Fatalf("rclone lsjson: %v, %d entries\n%s", err, len(list), out)
	}

	// sync: a change, a new file and a deleted one.
	writeFile(t, local, "a.txt", []byte("changed\n"))
	writeFile(t, local, "new.txt", []byte("new\n"))
	os.Remove(filepath.Join(local, "big.bin"))
	if out, err := rclone(t, s.url+"/", "sync", local, "dav:up"); err != nil {
		t.Fatalf("rclone sync: %v\n%s", err, out)
	}
	sameTree(t, readTree(t, filepath.Join(served, "up")), readTree(t, local))

	if out, err := rclone(t, s.url+"/", "moveto", "dav:up/new.txt", "dav:up/deep/moved.txt"); err != nil {
		t.Fatalf("rclone moveto: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(filepath.Join(served, "up/deep/moved.txt")); string(got) != "new\n" {
		t.Errorf("moveto: %q", got)
	}
	if out, err := rclone(t, s.url+"/", "delete", "dav:up"); err != nil {
		t.Fatalf("rclone delete: %v\n%s", err, out)
	}
	if left := names(t, filepath.Join(served, "up")); strings.Join(left, " ") != ". deep deep/er" { // folders stay
		t.Errorf("after rclone delete: %q", left)
	}
}

func TestRcloneReadOnlyMount(t *testing.T) {
	served := t.TempDir()
	writeFile(t, served, "a.txt", []byte("a\n"))
	writeFile(t, served, ".env", []byte("secret\n"))
	s := startInProcess(t, testLimits, "-q", "-d", served)
	out, err := rclone(t, s.url+"/", "lsjson", "dav:")
	if err != nil || !strings.Contains(out, `"a.txt"`) || strings.Contains(out, ".env") {
		t.Fatalf("rclone lsjson of a read-only server: %v\n%s", err, out)
	}
	out, err = rclone(t, s.url+"/", "copyto", filepath.Join(served, "a.txt"), "dav:b.txt")
	if err == nil || !strings.Contains(out, "405") {
		t.Fatalf("rclone copyto a read-only server: %v\n%s", err, out)
	}
}

func TestCadaver(t *testing.T) {
	cadaver := requireTool(t, "cadaver")
	served, work := t.TempDir(), t.TempDir()
	writeFile(t, work, "local.txt", []byte("from cadaver\n"))
	s := startInProcess(t, testLimits, "-q", "-w", "-d", served)
	script := strings.Join([]string{
		"mkcol d", "put local.txt d/x.txt", "copy d/x.txt d/y.txt", "move d/y.txt d/z.txt",
		"propset d/z.txt color blue", "propget d/z.txt color", "lock d/z.txt", "unlock d/z.txt",
		"delete d/x.txt", "ls d", "quit",
	}, "\n") + "\n"
	cmd := exec.Command(cadaver, s.url+"/")
	cmd.Dir, cmd.Stdin = work, strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cadaver: %v\n%s", err, out)
	}
	for _, want := range []string{"Value of color is: blue", "z.txt"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("cadaver's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "failed") {
		t.Errorf("a cadaver command failed:\n%s", out)
	}
	if got := names(t, served); strings.Join(got, " ") != ". d d/z.txt" {
		t.Errorf("after cadaver: %q", got)
	}
}

// TestDavfs2 mounts the server with davfs2 and works in it as in a local
// folder. Mounting takes root and FUSE: where the machine refuses, it
// skips and says why.
func TestDavfs2(t *testing.T) {
	mountDavfs := requireTool(t, "mount.davfs")
	if os.Geteuid() != 0 {
		t.Skip("skipping: mounting with davfs2 takes root")
	}
	served, mnt, conf := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "davfs2.conf")
	writeFile(t, served, "a.txt", []byte("a\n"))
	if err := os.WriteFile(conf, []byte("ask_auth 0\nuse_locks 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startInProcess(t, testLimits, "-q", "-w", "-d", served)
	cmd := exec.Command(mountDavfs, "-o", "conf="+conf, s.url+"/", mnt)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("skipping: davfs2 cannot mount here (%v): %s", err, out)
	}
	unmounted := false
	unmount := func() {
		if !unmounted {
			unmounted = true
			if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
				t.Errorf("umount: %v\n%s", err, out)
			}
		}
	}
	t.Cleanup(unmount)
	if got, err := os.ReadFile(filepath.Join(mnt, "a.txt")); err != nil || string(got) != "a\n" {
		t.Fatalf("reading through davfs2: %q %v", got, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(filepath.Join(mnt, "d"), 0o755))
	must(os.WriteFile(filepath.Join(mnt, "d/new.txt"), []byte("written through davfs2\n"), 0o644))
	must(os.Rename(filepath.Join(mnt, "a.txt"), filepath.Join(mnt, "d/renamed.txt")))
	unmount() // davfs2 uploads what it holds when it unmounts
	if got := names(t, served); strings.Join(got, " ") != ". d d/new.txt d/renamed.txt" {
		t.Errorf("after davfs2: %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(served, "d/new.txt")); string(got) != "written through davfs2\n" {
		t.Errorf("d/new.txt: %q", got)
	}
}

// TestManageWithCurl deletes, renames and moves with curl, as the README
// shows, and checks the answers scripts get.
func TestManageWithCurl(t *testing.T) {
	u := newUploadSite(t)
	writeFile(t, u.dir, "a.txt", []byte("a\n"))
	writeFile(t, u.dir, "b.txt", []byte("b\n"))
	s := startInProcess(t, testLimits, "-q", "--delete", "-d", u.dir)
	code, out := curlStatus(t, u.base, "-X", "MOVE", "-H", "Destination: /sub/renamed.txt", "-H", "Accept: application/json", s.url+"/a.txt")
	if code != 201 || !strings.Contains(out, `"moved /a.txt to /sub/renamed.txt"`) {
		t.Errorf("curl MOVE: %d %s", code, out)
	}
	code, out = curlStatus(t, u.base, "-X", "DELETE", s.url+"/b.txt")
	if code != 204 || out != "" {
		t.Errorf("curl DELETE: %d %q", code, out)
	}
	code, out = curlStatus(t, u.base, "-T", filepath.Join(u.base, "outside.txt"), s.url+"/")
	if code != 403 || !strings.Contains(out, "--upload") {
		t.Errorf("curl -T with --delete only: %d %q", code, out)
	}
	if got := names(t, u.dir); strings.Join(got, " ") != ". sub sub/existing.txt sub/renamed.txt" {
		t.Errorf("after curl: %q", got)
	}
}

func TestWebDAVAuth(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("a\n"))
	full := startInProcess(t, testLimits, "-q", "-w", "--auth", "ann:pw", "-d", dir)
	options := func(url string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := options(full.url + "/a.txt"); resp.StatusCode != 200 || resp.Header.Get("DAV") != "1, 2" {
		t.Errorf("OPTIONS without credentials: %d DAV %q", resp.StatusCode, resp.Header.Get("DAV"))
	}
	if out, err := rclone(t, full.url+"/", "lsjson", "dav:"); err == nil {
		t.Errorf("PROPFIND without credentials worked:\n%s", out)
	}

	uploadOnly := startInProcess(t, testLimits, "-q", "-w", "--auth", "ann:pw", "--auth-upload-only", "-d", dir)
	if out, err := rclone(t, uploadOnly.url+"/", "lsjson", "dav:"); err != nil || !strings.Contains(out, "a.txt") {
		t.Errorf("PROPFIND without credentials, --auth-upload-only: %v\n%s", err, out)
	}
	if out, err := rclone(t, uploadOnly.url+"/", "deletefile", "dav:a.txt"); err == nil {
		t.Errorf("DELETE without credentials, --auth-upload-only, worked:\n%s", out)
	}
}

func TestBannerSaysWhatChanges(t *testing.T) {
	s := startInProcess(t, testLimits, "-w", "-d", t.TempDir())
	s.stdout.waitFor(t, regexp.MustCompile(`Deleting on: anyone who can reach the port can delete, rename and move`), 5*time.Second)
	if !strings.Contains(s.stdout.String(), "existing files may be replaced") {
		t.Errorf("-w does not turn on --overwrite:\n%s", s.stdout)
	}
}

// TestDownloadOutlivesDelete deletes a file while a client downloads it:
// the download completes, byte for byte, and the next GET is a 404.
func TestDownloadOutlivesDelete(t *testing.T) {
	dir := t.TempDir()
	data := randomBytes(4<<20, 9)
	writeFile(t, dir, "big.bin", data)
	s := startInProcess(t, testLimits, "-q", "--delete", "-d", dir)
	resp, err := s.client.Get(s.url + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 64<<10)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodDelete, s.url+"/big.bin", nil)
	del, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	del.Body.Close()
	if del.StatusCode != 204 {
		t.Fatalf("DELETE during the download: %d", del.StatusCode)
	}
	rest, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(append(first, rest...), data) {
		t.Fatalf("the download after the delete: %d bytes, %v", len(first)+len(rest), err)
	}
	if again, _ := s.get(t, "/big.bin"); again.StatusCode != 404 {
		t.Errorf("GET after the delete: %d", again.StatusCode)
	}
}

// TestFailedChangesLeaveTheRest runs the server as a user that may not
// delete or read everything (nobody, through setpriv, as CI runs as
// root): a folder delete that fails inside answers a WebDAV client with
// a 207 naming the entry, a script with it in JSON; a COPY that fails
// leaves what it would have replaced as it was, and no temporary name.
func TestFailedChangesLeaveTheRest(t *testing.T) {
	t.Parallel()
	wrap, dir := unreadableSite(t)
	writeFile(t, dir, "tree/a.txt", []byte("a\n"))
	writeFile(t, dir, "tree/stuck/x.txt", []byte("x\n"))
	writeFile(t, dir, "srcdir/r.txt", []byte("r\n"))
	writeFile(t, dir, "srcdir/s.txt", []byte("s\n"))
	writeFile(t, dir, "dstdir/d.txt", []byte("d\n"))
	writeFile(t, dir, "b.txt", []byte("b\n"))
	for _, d := range []string{".", "tree", "dstdir"} {
		mustChmod(t, filepath.Join(dir, d), 0o777) // nobody may change these
	}
	mustChmod(t, filepath.Join(dir, "tree/stuck"), 0o555) // but not this one
	t.Cleanup(func() { mustChmod(t, filepath.Join(dir, "tree/stuck"), 0o755) })
	mustChmod(t, filepath.Join(dir, "srcdir/s.txt"), 0)
	s := startBinary(t, wrap, "-q", "-w", "-d", dir)

	code, out := curlStatus(t, dir, "-X", "DELETE", s.url+"/tree/")
	if code != 207 || !strings.Contains(out, "<D:href>/tree/stuck/x.txt</D:href><D:status>HTTP/1.1 403 Forbidden</D:status>") ||
		!strings.Contains(out, "stopped at /tree/stuck/x.txt") {
		t.Errorf("DELETE of a folder that cannot all go: %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "tree/stuck/x.txt")); err != nil {
		t.Errorf("the entry that failed is gone: %v", err)
	}
	code, out = curlStatus(t, dir, "-X", "DELETE", "-H", "Accept: application/json", s.url+"/tree/")
	if code != 403 || !strings.Contains(out, `"error":"stopped at /tree/stuck/x.txt`) {
		t.Errorf("DELETE from a script: %d %s", code, out)
	}

	code, out = curlStatus(t, dir, "-X", "COPY", "-H", "Destination: /b.txt", s.url+"/secret.txt")
	if b, _ := os.ReadFile(filepath.Join(dir, "b.txt")); code != 403 || string(b) != "b\n" {
		t.Errorf("COPY of an unreadable file over b.txt: %d %s; b.txt %q", code, out, b)
	}
	code, out = curlStatus(t, dir, "-X", "COPY", "-H", "Destination: /dstdir", s.url+"/srcdir")
	if code != 403 || !strings.Contains(out, "stopped at /srcdir/s.txt") || !strings.Contains(out, "nothing was copied") {
		t.Errorf("COPY of a folder holding an unreadable file: %d %s", code, out)
	}
	if got := names(t, filepath.Join(dir, "dstdir")); strings.Join(got, " ") != ". d.txt" {
		t.Errorf("after a failed COPY over it, dstdir holds %q", got)
	}
	if got := names(t, dir); slices.ContainsFunc(got, func(n string) bool { return strings.Contains(n, ".simplehttp-") }) {
		t.Errorf("a temporary name is left: %q", got)
	}
}
