package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// uploadURLRE finds an upload's URL in curl -i's headers.
var uploadURLRE = regexp.MustCompile(`(?mi)^Location: \./(\S+\?upload=[0-9a-f]{32})\r?$`)

// TestResumableCurl runs the README's curl commands for a resumable
// upload: create, send the first half, ask the offset, send the rest.
func TestResumableCurl(t *testing.T) {
	u := newUploadSite(t)
	partials := t.TempDir()
	// --delete: WebDAV, which takes DELETE for its own, must leave tus's alone.
	s := startInProcess(t, testLimits, "-q", "--upload", "--delete", "--resumable-dir", partials, "-d", u.dir)
	s.stdout.waitFor(t, regexp.MustCompile(`Resumable uploads \(tus\): unfinished ones are kept in `+regexp.QuoteMeta(partials)+` and expire after 24h without data`), time.Second)
	src := t.TempDir()
	data := randomBytes(300<<10, 20)
	writeFile(t, src, "first.bin", data[:100<<10])
	writeFile(t, src, "rest.bin", data[100<<10:])

	tus := []string{"-H", "Tus-Resumable: 1.0.0"}
	code, out := curlStatus(t, src, append(tus, "-i", "-X", "POST", "-H", "Upload-Length: "+strconv.Itoa(len(data)),
		"-H", "Upload-Metadata: filename "+base64.StdEncoding.EncodeToString([]byte("notes 1.bin")), s.url+"/sub/")...)
	m := uploadURLRE.FindStringSubmatch(out)
	if code != http.StatusCreated || m == nil {
		t.Fatalf("create: %d\n%s", code, out)
	}
	target := s.url + "/sub/" + m[1]
	if !strings.HasPrefix(m[1], "notes%201.bin?upload=") {
		t.Errorf("upload URL %q", m[1])
	}
	patch := append(tus, "-X", "PATCH", "-H", "Content-Type: application/offset+octet-stream")
	if code, out := curlStatus(t, src, append(patch, "-H", "Upload-Offset: 0", "--data-binary", "@first.bin", target)...); code != http.StatusNoContent {
		t.Fatalf("first PATCH: %d %q", code, out)
	}
	code, out = curlStatus(t, src, append(tus, "-I", target)...)
	if code != http.StatusOK || !strings.Contains(out, "Upload-Offset: 102400") {
		t.Errorf("HEAD: %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(u.dir, "sub", "notes 1.bin")); err == nil {
		t.Error("the file is visible before the upload ends")
	}
	if code, out := curlStatus(t, src, append(patch, "-H", "Upload-Offset: 102400", "--data-binary", "@rest.bin", target)...); code != http.StatusNoContent {
		t.Fatalf("last PATCH: %d %q", code, out)
	}
	sameFile(t, filepath.Join(u.dir, "sub", "notes 1.bin"), data)
	sum := sha256.Sum256(data)
	if code, out := curlStatus(t, src, s.url+"/sub/notes%201.bin?hash=sha256"); code != http.StatusOK || out != hex.EncodeToString(sum[:])+"\n" {
		t.Errorf("?hash=sha256: %d %q", code, out)
	}
	if entries, _ := os.ReadDir(partials); len(entries) != 1 {
		t.Errorf("the partial folder holds %d files, want the finished upload's record", len(entries))
	}
	// Giving up the finished upload forgets it, and keeps its file.
	if code, out := curlStatus(t, src, append(tus, "-X", "DELETE", target)...); code != http.StatusNoContent {
		t.Errorf("DELETE of the finished upload: %d %q", code, out)
	}
	sameFile(t, filepath.Join(u.dir, "sub", "notes 1.bin"), data)
	code, out = curlStatus(t, src, "-i", "-X", "OPTIONS", s.url+"/sub/")
	if code != http.StatusOK && code != http.StatusNoContent || !strings.Contains(out, "Tus-Extension: creation,creation-with-upload,termination,expiration,checksum") {
		t.Errorf("OPTIONS: %d\n%s", code, out)
	}
}

// TestResumableSurvivesKill kills the server (SIGKILL) in the middle of
// an upload and starts it again: the upload resumes where the server's
// disk says it was.
func TestResumableSurvivesKill(t *testing.T) {
	t.Parallel()
	u := newUploadSite(t)
	partials := t.TempDir()
	data := randomBytes(1<<20, 21)
	s := startBinary(t, nil, "-q", "--upload", "--resumable-dir", partials, "-d", u.dir)
	req, _ := http.NewRequest(http.MethodPost, s.url+"/", nil)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Length", strconv.Itoa(len(data)))
	req.Header.Set("Upload-Metadata", "filename "+base64.StdEncoding.EncodeToString([]byte("big.bin")))
	resp := do(t, s.client, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	path := strings.TrimPrefix(resp.Header.Get("Location"), ".")
	if resp := patchChunk(t, s, path, 0, data[:600<<10]); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH: %d", resp.StatusCode)
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	s.waitExit(t, 10*time.Second)

	s = startBinary(t, nil, "-q", "--upload", "--resumable-dir", partials, "-d", u.dir)
	req, _ = http.NewRequest(http.MethodHead, s.url+path, nil)
	req.Header.Set("Tus-Resumable", "1.0.0")
	resp = do(t, s.client, req)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Upload-Offset") != strconv.Itoa(600<<10) {
		t.Fatalf("HEAD after the restart: %d, offset %q", resp.StatusCode, resp.Header.Get("Upload-Offset"))
	}
	if resp := patchChunk(t, s, path, 600<<10, data[600<<10:]); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH after the restart: %d", resp.StatusCode)
	}
	sameFile(t, filepath.Join(u.dir, "big.bin"), data)
}

// patchChunk sends chunk at offset to the upload at path.
func patchChunk(t *testing.T, s *server, path string, offset int, chunk []byte) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPatch, s.url+path, strings.NewReader(string(chunk)))
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", strconv.Itoa(offset))
	return do(t, s.client, req)
}

// do sends req and returns the answer, its body read and closed.
func do(t *testing.T, c *http.Client, req *http.Request) *http.Response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	resp.Body.Close()
	return resp
}

// TestResumableDirInside refuses a folder of unfinished uploads inside the
// served directory, where they would be seen.
func TestResumableDirInside(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runArgs(t, "-b", "127.0.0.1", "0", "--upload", "-d", dir, "--resumable-dir", filepath.Join(dir, "parts"))
	if code != exitFailure || !strings.Contains(stderr, "is inside the served directory") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestResumableDefaultDirUnusable: when the default folder of unfinished
// uploads cannot be made (a user without a usable cache, such as a
// service account, or a cache inside the served directory), the server
// says in one line that resumable uploads are off and serves plain
// uploads; a tus client is told the server does not take them.
func TestResumableDefaultDirUnusable(t *testing.T) {
	notAFolder := filepath.Join(t.TempDir(), "file")
	writeFile(t, filepath.Dir(notAFolder), "file", []byte("not a folder\n"))
	u := newUploadSite(t)
	for name, cache := range map[string]string{
		"cache is a file":             notAFolder,
		"cache inside the served one": filepath.Join(u.dir, ".cache"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", cache)
			s := startInProcess(t, testLimits, "--upload", "-d", u.dir)
			s.stderr.waitFor(t, regexp.MustCompile(`^simplehttp: resumable uploads are off: .* \(choose a folder with --resumable-dir\)\n`), patience)
			if strings.Contains(s.stdout.String(), "Resumable uploads") {
				t.Errorf("the banner names resumable uploads:\n%s", s.stdout)
			}
			src := t.TempDir()
			writeFile(t, src, "plain.txt", []byte("plain\n"))
			if code, out := curlStatus(t, src, "-T", "plain.txt", s.url+"/sub/"); code != http.StatusCreated {
				t.Errorf("plain PUT: %d %s", code, out)
			}
			code, out := curlStatus(t, src, "-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 5", s.url+"/sub/")
			if code == http.StatusCreated {
				t.Errorf("a tus creation was taken: %d %s", code, out)
			}
			if _, err := os.Stat(filepath.Join(u.dir, ".cache")); err == nil {
				t.Error("a cache folder was made inside the served directory")
			}
			os.Remove(filepath.Join(u.dir, "sub", "plain.txt"))
		})
	}
}

// TestResumableMeasure uploads 2 GiB with tus in 16 MiB chunks into the
// real binary and reports the throughput beside a plain PUT of the same
// file, and the server's peak RSS, which must stay flat: the chunks
// stream to disk. It runs with make bench-resumable
// (SIMPLEHTTP_RESUMABLE_BENCH=1), outside make test: it writes 6 GiB.
func TestResumableMeasure(t *testing.T) {
	if os.Getenv("SIMPLEHTTP_RESUMABLE_BENCH") == "" {
		t.Skip("skipping the 2 GiB measurement: make bench-resumable runs it")
	}
	requireProc(t)
	const size, chunk int64 = 2 << 30, 16 << 20
	u := newUploadSite(t)
	s := startBinary(t, nil, "-q", "--upload", "--resumable-dir", t.TempDir(), "-d", u.dir)
	src := filepath.Join(t.TempDir(), "huge.bin")
	sparseWithIslands(t, src, size)
	before := peakRSS(t, s.cmd.Process.Pid)

	start := time.Now()
	if code, body := curlStatus(t, filepath.Dir(src), "-T", "huge.bin", s.url+"/sub/plain.bin"); code != http.StatusCreated {
		t.Fatalf("curl -T: %d %q", code, body)
	}
	put := time.Since(start)
	afterPut := peakRSS(t, s.cmd.Process.Pid)

	start = time.Now()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/sub/", nil)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Length", strconv.FormatInt(size, 10))
	req.Header.Set("Upload-Metadata", "filename "+base64.StdEncoding.EncodeToString([]byte("huge.bin")))
	resp := do(t, s.client, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	path := "/sub/" + strings.TrimPrefix(resp.Header.Get("Location"), "./")
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for off := int64(0); off < size; off += chunk {
		req, _ := http.NewRequest(http.MethodPatch, s.url+path, io.NewSectionReader(f, off, chunk))
		req.ContentLength = chunk
		req.Header.Set("Tus-Resumable", "1.0.0")
		req.Header.Set("Content-Type", "application/offset+octet-stream")
		req.Header.Set("Upload-Offset", strconv.FormatInt(off, 10))
		if resp := do(t, s.client, req); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("PATCH at %d: %d", off, resp.StatusCode)
		}
	}
	tus := time.Since(start)
	peak := peakRSS(t, s.cmd.Process.Pid)
	sameContent(t, src, filepath.Join(u.dir, "sub/huge.bin"))
	mbps := func(d time.Duration) float64 { return float64(size) / d.Seconds() / 1e6 }
	t.Logf("2 GiB by PUT in %s (%.0f MB/s), by tus in 16 MiB chunks in %s (%.0f MB/s): tus/PUT %.2f",
		put.Round(time.Millisecond), mbps(put), tus.Round(time.Millisecond), mbps(tus), mbps(tus)/mbps(put))
	t.Logf("server peak RSS: %d MiB at start, %d MiB after the PUT, %d MiB after the tus upload", before>>20, afterPut>>20, peak>>20)
	if limit := afterPut + 32<<20; peak > limit {
		t.Errorf("server peak RSS %d MiB after 2 GiB by tus, want at most %d MiB", peak>>20, limit>>20)
	}
}
