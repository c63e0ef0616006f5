package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// uploadSite is a served folder with a sub folder and a file, inside a
// base folder whose other contents no upload may touch.
type uploadSite struct {
	base, dir string
}

func newUploadSite(t *testing.T) *uploadSite {
	t.Helper()
	base := t.TempDir()
	u := &uploadSite{base: base, dir: filepath.Join(base, "site")}
	writeFile(t, u.dir, "sub/existing.txt", []byte("existing\n"))
	writeFile(t, base, "outside.txt", []byte("outside\n"))
	return u
}

// names lists every name under dir, as slash paths, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	var list []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		list = append(list, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(list)
	return list
}

// curlStatus runs curl with args (in dir) and returns the status code it
// got and what it printed.
func curlStatus(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	curl := requireTool(t, "curl")
	args = append([]string{"--silent", "--show-error", "--write-out", "\n%{http_code}"}, args...)
	cmd := exec.Command(curl, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	body, code, _ := strings.Cut(string(out), "\n")
	if i := strings.LastIndexByte(string(out), '\n'); i >= 0 {
		body, code = string(out[:i]), string(out[i+1:])
	}
	n, _ := strconv.Atoi(code)
	return n, body
}

// TestBinaryUploadClients uploads with real curl and wget: PUT and
// multipart POST arrive byte-identical, an existing name is refused, and
// the answers are what a terminal user reads.
func TestBinaryUploadClients(t *testing.T) {
	t.Parallel()
	u := newUploadSite(t)
	s := startBinary(t, nil, "-q", "--upload", "-d", u.dir)
	src := t.TempDir()
	one, two := randomBytes(3<<20+1, 10), randomBytes(200<<10, 11)
	writeFile(t, src, "one.bin", one)
	writeFile(t, src, "two words.bin", two)

	// curl -T to a folder URL appends the file's name.
	code, body := curlStatus(t, src, "-T", "one.bin", s.url+"/sub/")
	if code != 201 || body != "created /sub/one.bin (3145729 bytes)\n" {
		t.Errorf("curl -T: %d %q", code, body)
	}
	sameFile(t, filepath.Join(u.dir, "sub/one.bin"), one)

	code, body = curlStatus(t, src, "-F", "file=@one.bin;filename=form-one.bin", "-F", "file=@two words.bin", s.url+"/sub/")
	want := "created /sub/form-one.bin (3145729 bytes)\ncreated /sub/two words.bin (204800 bytes)\n"
	if code != 201 || body != want {
		t.Errorf("curl -F: %d %q, want 201 %q", code, body, want)
	}
	sameFile(t, filepath.Join(u.dir, "sub/form-one.bin"), one)
	sameFile(t, filepath.Join(u.dir, "sub/two words.bin"), two)

	code, body = curlStatus(t, src, "-T", "one.bin", s.url+"/sub/")
	if code != 409 || !strings.Contains(body, "exists") {
		t.Errorf("curl -T of an existing name: %d %q", code, body)
	}
	sameFile(t, filepath.Join(u.dir, "sub/one.bin"), one)

	code, body = curlStatus(t, src, "-d", "mkdir=new folder", s.url+"/sub/")
	if code != 201 || body != "created folder /sub/new folder/\n" {
		t.Errorf("curl -d mkdir=: %d %q", code, body)
	}

	wget := requireTool(t, "wget")
	cmd := exec.Command(wget, "-q", "-O", "-", "--method=PUT", "--body-file=two words.bin", s.url+"/sub/new%20folder/w.bin")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "created /sub/new folder/w.bin (204800 bytes)\n" {
		t.Errorf("wget --method=PUT: %v %q", err, out)
	}
	sameFile(t, filepath.Join(u.dir, "sub/new folder/w.bin"), two)

	if _, page := s.get(t, "/sub/"); !strings.Contains(page, `id="upload-form"`) || !strings.Contains(page, "upload.js") {
		t.Errorf("with --upload the listing has no upload area:\n%s", shorten(page))
	}
	resp, err := s.client.Do(mustRequest(t, http.MethodOptions, s.url+"/", nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Allow"); got != "GET, HEAD, OPTIONS, PROPFIND, POST, PUT, MKCOL, COPY, PROPPATCH, LOCK, UNLOCK" {
		t.Errorf("OPTIONS: Allow %q", got)
	}
	if got := names(t, u.base); slices.ContainsFunc(got, func(n string) bool { return strings.Contains(n, ".simplehttp-upload-") }) {
		t.Errorf("temporary files left: %q", got)
	}
}

func mustRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestBinaryUploadRefusals sends what must be refused with real curl:
// hostile names, cross-origin posts, bodies over the limit, reading
// methods carrying forms. Nothing in or beside the folder changes.
func TestBinaryUploadRefusals(t *testing.T) {
	t.Parallel()
	u := newUploadSite(t)
	s := startBinary(t, nil, "-q", "--upload", "--max-upload-size", "1MiB", "-d", u.dir)
	src := t.TempDir()
	writeFile(t, src, "x.txt", []byte("x\n"))
	writeFile(t, src, "big.bin", randomBytes(2<<20, 12))
	before := names(t, u.base)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"dot-dot", []string{"--path-as-is", "-T", "x.txt", s.url + "/../outside.txt"}, 400},
		{"dot-dot name", []string{"--path-as-is", "-T", "x.txt", s.url + "/sub/../x"}, 400},
		{"encoded dot-dot", []string{"--path-as-is", "-T", "x.txt", s.url + "/%2e%2e"}, 400},
		{"encoded dot-dot folder", []string{"--path-as-is", "-T", "x.txt", s.url + "/%2e%2e/outside.txt"}, 400},
		{"encoded slash", []string{"-T", "x.txt", s.url + "/sub%2Fa"}, 400},
		{"newline", []string{"-T", "x.txt", s.url + "/a%0Ab"}, 400},
		{"escape character", []string{"-T", "x.txt", s.url + "/a%1B%5B2Jb"}, 400},
		{"form filename a/b", []string{"-F", "file=@x.txt;filename=a/b", s.url + "/sub/"}, 400},
		{"form filename ../x", []string{"-F", "file=@x.txt;filename=../x", s.url + "/sub/"}, 400},
		{"hidden name", []string{"-T", "x.txt", s.url + "/.env"}, 403},
		{"cross-origin form", []string{"-H", "Origin: http://evil.example", "-F", "file=@x.txt", s.url + "/"}, 403},
		{"cross-site PUT", []string{"-H", "Sec-Fetch-Site: cross-site", "-T", "x.txt", s.url + "/"}, 403},
		{"too large PUT", []string{"-T", "big.bin", s.url + "/"}, 413},
		{"too large chunked PUT", []string{"-H", "Transfer-Encoding: chunked", "-T", "big.bin", s.url + "/"}, 413},
		{"too large form", []string{"-F", "file=@big.bin", s.url + "/"}, 413},
		{"GET with a form", []string{"-X", "GET", "-F", "file=@x.txt", s.url + "/"}, 200},
		{"GET with a folder name", []string{"-G", "-d", "mkdir=new", s.url + "/"}, 200},
		// --upload takes changes, but not this one: 403 and the reason.
		{"DELETE", []string{"-X", "DELETE", s.url + "/sub/existing.txt"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := curlStatus(t, src, tc.args...)
			if code != tc.code {
				t.Errorf("status %d, want %d; body %q", code, tc.code, shorten(body))
			}
		})
	}
	if after := names(t, u.base); !slices.Equal(after, before) {
		t.Errorf("refused uploads changed the folders: %q, was %q", after, before)
	}
}

// TestBinaryUploadOverwrite: with --overwrite a second upload replaces
// the file (200), and a folder is never replaced.
func TestBinaryUploadOverwrite(t *testing.T) {
	t.Parallel()
	u := newUploadSite(t)
	s := startBinary(t, nil, "-q", "--upload", "--overwrite", "-d", u.dir)
	src := t.TempDir()
	writeFile(t, src, "existing.txt", []byte("replaced\n"))
	writeFile(t, src, "sub", []byte("not a folder\n"))
	if code, body := curlStatus(t, src, "-T", "existing.txt", s.url+"/sub/"); code != 200 || body != "replaced /sub/existing.txt (9 bytes)\n" {
		t.Errorf("curl -T over a file: %d %q", code, body)
	}
	sameFile(t, filepath.Join(u.dir, "sub/existing.txt"), []byte("replaced\n"))
	if code, _ := curlStatus(t, src, "-T", "sub", s.url+"/"); code != 409 {
		t.Errorf("curl -T over a folder: %d, want 409", code)
	}
}

// TestBinaryUploadCutOff cuts uploads off half-way, on a raw connection:
// neither the file nor a temporary file is left.
func TestBinaryUploadCutOff(t *testing.T) {
	u := newUploadSite(t)
	s := startBinary(t, nil, "--upload", "-d", u.dir)
	before := names(t, u.base)
	half := bytes.Repeat([]byte("x"), 1<<20)
	for _, req := range []string{
		"PUT /sub/cut1.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 8388608\r\n\r\n",
		"PUT /sub/cut2.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n",
		"POST /sub/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 8388608\r\n\r\n" +
			"--B\r\nContent-Disposition: form-data; name=file; filename=cut.bin\r\n\r\n",
	} {
		method, target, _ := strings.Cut(strings.Fields(req)[0]+" "+strings.Fields(req)[1], " ")
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, req)
		c.Write(half)
		c.Close()
		// The access log line comes once the handler has cleaned up (each
		// request line is unique: no earlier line may match).
		s.stderr.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(`"`+method+" "+target+` HTTP/1.1" 400`)), patience)
		if after := names(t, u.base); !slices.Equal(after, before) {
			t.Errorf("%s %s cut off: left %q, was %q", method, target, after, before)
		}
	}
}

// slowBody is what sendSlowly sends, a byte every 100 ms: each gap a
// twentieth of testLimits' upload idle time-out (so that a loaded
// machine cannot stretch one past it), 2.5 s in all, longer than it.
var slowBody = []byte("0123456789012345678901234")

// sendSlowly writes slowBody to w, a byte every 100 ms.
func sendSlowly(w io.Writer) {
	for i := range slowBody {
		time.Sleep(100 * time.Millisecond)
		w.Write(slowBody[i : i+1])
	}
}

// TestUploadIdleTimeout: an upload that keeps coming, however slowly, is
// never cut off by the time-out for bodies nobody reads, nor by the upload
// idle time-out; one that stops is cut off by the latter (2 s, not the 300
// ms of bodies nobody reads), leaving nothing.
func TestUploadIdleTimeout(t *testing.T) {
	u := newUploadSite(t)
	s := startInProcess(t, testLimits, "--upload", "-d", u.dir)
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "PUT /slow.txt HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", len(slowBody))
	sendSlowly(c)
	c.SetReadDeadline(time.Now().Add(patience))
	status := make([]byte, 12)
	if _, err := io.ReadFull(c, status); err != nil || string(status) != "HTTP/1.1 201" {
		t.Errorf("slow upload: %q %v", status, err)
	}
	sameFile(t, filepath.Join(u.dir, "slow.txt"), slowBody)

	stalled, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	io.WriteString(stalled, "PUT /stalled.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf")
	// The server answers 400 and closes. A loaded machine only delays
	// the time-out: the bound that must hold is the lower one.
	if d := waitClosed(t, stalled); d < testLimits.uploadIdleTimeout*9/10 {
		t.Errorf("a stalled upload was cut off after %s, before the upload idle time-out (%s)", d, testLimits.uploadIdleTimeout)
	}
	s.stderr.waitFor(t, regexp.MustCompile(`"PUT /stalled.txt HTTP/1.1" 400`), patience)
	if _, err := os.Stat(filepath.Join(u.dir, "stalled.txt")); err == nil {
		t.Error("the stalled upload was stored")
	}
}

// TestUploadShutdownCleansUp stops the server while an upload is stalled
// and the shutdown's grace runs out: the upload's connection is cut, and
// its temporary file is gone by the time the program returns.
func TestUploadShutdownCleansUp(t *testing.T) {
	u := newUploadSite(t)
	lim := testLimits
	lim.uploadIdleTimeout = time.Minute
	lim.shutdownGrace = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &server{stdout: newOutput(), stderr: newOutput(), exited: make(chan struct{})}
	go func() {
		defer close(s.exited)
		s.code = runWith(ctx, []string{"-b", "127.0.0.1", "0", "--upload", "-d", u.dir}, s.stdout, s.stderr, lim)
	}()
	s.learnAddress(t)
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "PUT /sub/stalled.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
	c.Write(bytes.Repeat([]byte("x"), 50000))
	deadline := time.Now().Add(patience)
	for !slices.ContainsFunc(names(t, u.dir), func(n string) bool { return strings.Contains(n, ".simplehttp-upload-") }) {
		if time.Now().After(deadline) {
			t.Fatal("no temporary file appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := s.waitExit(t, patience); code != 0 {
		t.Errorf("exit status %d", code)
	}
	if got := names(t, u.dir); !slices.Equal(got, []string{".", "sub", "sub/existing.txt"}) {
		t.Errorf("left after exit: %q", got)
	}
}

// TestUploadRefusedBeforeContinue: a refused upload that asked "Expect:
// 100-continue" gets its refusal at once, never "100 Continue", so the
// client does not send the body at all.
func TestUploadRefusedBeforeContinue(t *testing.T) {
	u := newUploadSite(t)
	s := startInProcess(t, testLimits, "--upload", "--max-upload-size", "1k", "-d", u.dir)
	for target, want := range map[string]string{
		"/.env": "403", "/sub/existing.txt": "409", "/big.bin": "413", "/%2e%2e": "400", "/nope/x": "404",
	} {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		size := 10
		if target == "/big.bin" {
			size = 2000
		}
		fmt.Fprintf(c, "PUT %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", target, size)
		c.SetReadDeadline(time.Now().Add(patience))
		status := make([]byte, 12)
		_, err = io.ReadFull(c, status)
		c.Close()
		if err != nil || string(status) != "HTTP/1.1 "+want {
			t.Errorf("PUT %s: %q %v, want HTTP/1.1 %s at once", target, status, err, want)
		}
	}
}

// sparseWithIslands makes a sparse file of size bytes holding random
// islands of 4 KiB about every 64 MiB, so a byte out of place shows.
func sparseWithIslands(t *testing.T, name string, size int64) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	for off, seed := int64(0), uint64(100); off < size; off, seed = off+64<<20+4097, seed+1 {
		if _, err := f.WriteAt(randomBytes(4096, seed), off); err != nil {
			t.Fatal(err)
		}
	}
}

// sameContent compares two files in 1 MiB chunks.
func sameContent(t *testing.T, a, b string) {
	t.Helper()
	fa, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	ba, bb := make([]byte, 1<<20), make([]byte, 1<<20)
	for off := int64(0); ; off += int64(len(ba)) {
		na, ea := io.ReadFull(fa, ba)
		nb, eb := io.ReadFull(fb, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			t.Fatalf("%s and %s differ in the MiB at %d", a, b, off)
		}
		if ea != nil || eb != nil {
			return
		}
	}
}

// memoryBound is how far the tests of flat memory let the server's peak
// RSS grow while they move bigSize bytes through it.
const memoryBound = 64 << 20

// bigSize is how many bytes the tests of flat memory move: 256 MiB in make
// test, four times memoryBound, so that a server holding a whole upload or
// archive (or half of one) fails them; 1 GiB in make test-long
// (SIMPLEHTTP_LONG=1).
func bigSize() int64 {
	if os.Getenv("SIMPLEHTTP_LONG") != "" {
		return 1 << 30
	}
	return 256 << 20
}

// TestBinaryUploadBig uploads a bigSize file with curl, by PUT and as a
// form, into the real binary: both arrive byte-identical, no temporary
// file is left, and the server's peak memory stays bounded: it streams,
// never holding a file.
func TestBinaryUploadBig(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("skipping the big uploads in -short mode")
	}
	requireProc(t)
	size := bigSize()
	u := newUploadSite(t)
	s := startBinary(t, nil, "-q", "--upload", "-d", u.dir)
	src := filepath.Join(t.TempDir(), "huge.bin")
	sparseWithIslands(t, src, size)
	before := peakRSS(t, s.cmd.Process.Pid)

	start := time.Now()
	if code, body := curlStatus(t, filepath.Dir(src), "-T", "huge.bin", s.url+"/sub/"); code != 201 {
		t.Fatalf("curl -T: %d %q", code, body)
	}
	put := time.Since(start)
	sameContent(t, src, filepath.Join(u.dir, "sub/huge.bin"))
	os.Remove(filepath.Join(u.dir, "sub/huge.bin"))
	start = time.Now()
	if code, body := curlStatus(t, filepath.Dir(src), "-F", "file=@huge.bin", s.url+"/sub/"); code != 201 {
		t.Fatalf("curl -F: %d %q", code, body)
	}
	form := time.Since(start)
	sameContent(t, src, filepath.Join(u.dir, "sub/huge.bin"))
	if got := names(t, u.dir); strings.Join(got, " ") != ". sub sub/existing.txt sub/huge.bin" {
		t.Errorf("after the uploads the folder holds %q", got)
	}

	peak := peakRSS(t, s.cmd.Process.Pid)
	t.Logf("%d MiB by PUT in %s, as a form in %s; server peak RSS %d MiB (%d MiB before)", size>>20, put, form, peak>>20, before>>20)
	// The race detector's shadow memory doubles what a build without it
	// uses; either way a server that buffered the file would pass the bound.
	if limit := before + memoryBound; peak > limit {
		t.Errorf("server peak RSS %d MiB after 2 x %d MiB of uploads, want at most %d MiB", peak>>20, size>>20, limit>>20)
	}
}

func TestUploadNote(t *testing.T) {
	for _, tc := range []struct {
		o    options
		want string
	}{
		{options{upload: true}, "Uploads on: anyone who can reach the port can add files (any size; existing files are kept)"},
		{options{upload: true, overwrite: true, maxUploadSize: 5 << 20},
			"Uploads on: anyone who can reach the port can add files (up to 5.0 MiB each; existing files may be replaced)"},
		{options{upload: true, access: access{authFile: "users"}},
			"Uploads on: anyone with a user name and password can add files (any size; existing files are kept)"},
		{options{upload: true, maxUploadSize: 1_000_000},
			"Uploads on: anyone who can reach the port can add files (up to 1.0 MB each; existing files are kept)"},
	} {
		if got := uploadNote(&tc.o); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.o, got, tc.want)
		}
	}
	s := startInProcess(t, testLimits, "--upload", "-d", t.TempDir())
	s.stdout.waitFor(t, regexp.MustCompile(`(?m)^Uploads on: anyone who can reach the port can add files \(any size; existing files are kept\)$`), time.Second)
}
