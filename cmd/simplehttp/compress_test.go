package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// compressFixture is a served folder of files that compress and files
// that do not, with app.js's siblings made by the real zstd, brotli and
// gzip tools. Every time is fixed, so listings are the same from one
// request to the next.
func compressFixture(t *testing.T) (dir string, files map[string][]byte) {
	t.Helper()
	dir = t.TempDir()
	js := bytes.Repeat([]byte("export function add(a, b) { return a + b; } // sum of two numbers\n"), 300)
	files = map[string][]byte{
		"app.js":     js,
		"page.html":  append([]byte("<!doctype html><title>page</title>\n"), bytes.Repeat([]byte("<p>Words, words, words.</p>\n"), 200)...),
		"data.json":  bytes.Repeat([]byte(`{"name":"entry","size":12345,"tags":["a","b"]}`+"\n"), 200),
		"big.txt":    randomWords(2 << 20),
		"photo.jpg":  randomBytes(50_000, 3),
		"pre.js":     bytes.Repeat([]byte("console.log('precompressed');\n"), 400),
		"stale.js":   bytes.Repeat([]byte("console.log('edited after its .gz');\n"), 300),
		"small.txt":  []byte("short\n"),
		"old.js.gz":  []byte("not a sibling of anything"),
		"docs/a.txt": []byte("a\n"),
	}
	for i := range 40 {
		files["docs/entry-"+strings.Repeat("x", i)+".txt"] = []byte("entry\n")
	}
	for name, data := range files {
		writeFile(t, dir, name, data)
	}
	for _, tool := range [][]string{{"zstd", "-q", "-k"}, {"brotli", "-k"}, {"gzip", "-k"}} {
		runTool(t, nil, append(tool, filepath.Join(dir, "pre.js"))...)
	}
	runTool(t, nil, "gzip", "-k", filepath.Join(dir, "stale.js"))
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			err = os.Chtimes(p, at, at)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	later := at.Add(time.Hour) // stale.js was edited after its .gz was made
	if err := os.Chtimes(filepath.Join(dir, "stale.js"), later, later); err != nil {
		t.Fatal(err)
	}
	return dir, files
}

// randomWords is n bytes of text: random words of 16 letters, which
// compress to about 55%, so a compressed answer of it is long.
func randomWords(n int) []byte {
	b := randomBytes(n, 7)
	for i, c := range b {
		switch {
		case i%80 == 79:
			b[i] = '\n'
		case c < 40:
			b[i] = ' '
		default:
			b[i] = 'a' + c%16
		}
	}
	return b
}

// runTool runs a command-line tool with stdin and returns its stdout.
func runTool(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	requireTool(t, args[0])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// curlAnswer is what curl received: the headers of the final answer and
// the body as it came over the wire.
type curlAnswer struct {
	header http.Header
	status string
	body   []byte
}

// curl fetches url with curl and the given options.
func curl(t *testing.T, url string, opts ...string) curlAnswer {
	t.Helper()
	headers := filepath.Join(t.TempDir(), "headers")
	out := runTool(t, nil, append(append([]string{"curl", "-sS", "--max-time", "30", "-D", headers}, opts...), url)...)
	raw, err := os.ReadFile(headers)
	if err != nil {
		t.Fatal(err)
	}
	a := curlAnswer{header: http.Header{}, body: out}
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\r\n") {
		if i == 0 {
			a.status = line
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			a.header.Add(k, strings.TrimSpace(v))
		}
	}
	return a
}

// decodeTool decodes data with the real command-line tool of a coding.
func decodeTool(t *testing.T, coding string, data []byte) []byte {
	t.Helper()
	switch coding {
	case "zstd":
		return runTool(t, data, "zstd", "-d", "-q", "-c")
	case "br":
		return runTool(t, data, "brotli", "-d", "-c")
	case "gzip":
		return runTool(t, data, "gzip", "-d", "-c")
	}
	t.Fatalf("no tool decodes %q", coding)
	return nil
}

// TestBinaryCompression fetches files and listings from the real binary
// with curl in each coding and decodes them with the real zstd, brotli
// and gzip tools.
func TestBinaryCompression(t *testing.T) {
	t.Parallel()
	dir, files := compressFixture(t)
	s := startBinary(t, nil, "-q", "-d", dir)
	plain := func(path string) []byte {
		a := curl(t, s.url+path) // curl sends no Accept-Encoding
		if !strings.Contains(a.status, " 200") || a.header.Get("Content-Encoding") != "" || !strings.Contains(a.header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("GET %s without Accept-Encoding: %s, Content-Encoding %q, Vary %q", path, a.status,
				a.header.Get("Content-Encoding"), a.header.Get("Vary"))
		}
		return a.body
	}
	paths := []string{"/app.js", "/page.html", "/data.json", "/big.txt", "/docs/", "/docs/?format=json", "/docs/?format=txt"}
	for _, coding := range []string{"zstd", "br", "gzip"} {
		for _, path := range paths {
			a := curl(t, s.url+path, "-H", "Accept-Encoding: "+coding)
			if got := a.header.Get("Content-Encoding"); got != coding {
				t.Errorf("%s %s: Content-Encoding %q", coding, path, got)
				continue
			}
			want := plain(path)
			if got := decodeTool(t, coding, a.body); !bytes.Equal(got, want) {
				t.Errorf("%s %s: decoded %d bytes, want %d", coding, path, len(got), len(want))
			}
			if len(a.body) >= len(want)*3/4 {
				t.Errorf("%s %s: %d bytes on the wire for %d", coding, path, len(a.body), len(want))
			}
			if !strings.Contains(a.header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s %s: Vary %q", coding, path, a.header.Get("Vary"))
			}
		}
	}

	// curl --compressed asks for every coding it can decode, and decodes.
	a := curl(t, s.url+"/big.txt", "--compressed")
	if a.header.Get("Content-Encoding") != "zstd" || !bytes.Equal(a.body, files["big.txt"]) {
		t.Errorf("curl --compressed: Content-Encoding %q, %d bytes", a.header.Get("Content-Encoding"), len(a.body))
	}
	// Not compressed: too small, an image, a range, a .gz by its name.
	for _, tc := range []struct {
		path, name string
		opts       []string
		status     string
		want       []byte
	}{
		{"/small.txt", "small", nil, "200", files["small.txt"]},
		{"/photo.jpg", "an image", nil, "200", files["photo.jpg"]},
		{"/app.js", "a range", []string{"-r", "10-109"}, "206", files["app.js"][10:110]},
		{"/pre.js.gz", "a .gz by its name", nil, "200", mustRead(t, filepath.Join(dir, "pre.js.gz"))},
		{"/old.js.gz", "a lone .gz", nil, "200", files["old.js.gz"]},
	} {
		a := curl(t, s.url+tc.path, append([]string{"--compressed"}, tc.opts...)...)
		if !strings.Contains(a.status, " "+tc.status) || a.header.Get("Content-Encoding") != "" || !bytes.Equal(a.body, tc.want) {
			t.Errorf("%s: %s, Content-Encoding %q, %d bytes; want %s, not coded, %d bytes", tc.name, a.status,
				a.header.Get("Content-Encoding"), len(a.body), tc.status, len(tc.want))
		}
	}
	if got := decodeTool(t, "gzip", mustRead(t, filepath.Join(dir, "pre.js.gz"))); !bytes.Equal(got, files["pre.js"]) {
		t.Error("pre.js.gz is not pre.js")
	}
	// HEAD has GET's headers; the compressed length only once the file is
	// kept compressed in memory (encode alone cannot know it), which
	// happens once it has settled, a few seconds into the test.
	get := curl(t, s.url+"/app.js", "-H", "Accept-Encoding: br")
	head := curl(t, s.url+"/app.js", "-I", "-H", "Accept-Encoding: br")
	if length := head.header.Get("Content-Length"); head.header.Get("Content-Encoding") != "br" ||
		(length != "" && length != strconv.Itoa(len(get.body))) || head.header.Get("ETag") != get.header.Get("ETag") {
		t.Errorf("HEAD: Content-Encoding %q, Content-Length %q, ETag %q; GET: %d bytes, ETag %q", head.header.Get("Content-Encoding"),
			length, head.header.Get("ETag"), len(get.body), get.header.Get("ETag"))
	}
}

// TestBinaryPrecompressed checks that the siblings the real tools made
// are sent byte for byte, and a stale one is not. made-now.js keeps the
// times the tools gave it: brotli -k copies the file's time to the second
// only, and its sibling must still count as fresh.
func TestBinaryPrecompressed(t *testing.T) {
	t.Parallel()
	dir, files := compressFixture(t)
	files["made-now.js"] = bytes.Repeat([]byte("console.log('compressed just now');\n"), 300)
	writeFile(t, dir, "made-now.js", files["made-now.js"])
	for _, tool := range [][]string{{"zstd", "-q", "-k"}, {"brotli", "-k"}, {"gzip", "-k"}} {
		runTool(t, nil, append(tool, filepath.Join(dir, "made-now.js"))...)
	}
	s := startBinary(t, nil, "-q", "-d", dir)
	for _, name := range []string{"pre.js", "made-now.js"} {
		checkSiblings(t, s, dir, name, files[name])
	}
	// stale.js.gz is older than stale.js: compressed afresh instead.
	a := curl(t, s.url+"/stale.js", "-H", "Accept-Encoding: gzip")
	if a.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(decodeTool(t, "gzip", a.body), files["stale.js"]) {
		t.Errorf("stale.js: Content-Encoding %q, or it decodes to the stale sibling", a.header.Get("Content-Encoding"))
	}
}

// checkSiblings fetches name in each coding and checks that its sibling
// came byte for byte, and decodes to the file's content.
func checkSiblings(t *testing.T, s *server, dir, name string, content []byte) {
	t.Helper()
	for _, tc := range []struct{ coding, ext string }{{"zstd", ".zst"}, {"br", ".br"}, {"gzip", ".gz"}} {
		a := curl(t, s.url+"/"+name, "-H", "Accept-Encoding: "+tc.coding)
		sibling := mustRead(t, filepath.Join(dir, name+tc.ext))
		if a.header.Get("Content-Encoding") != tc.coding || a.header.Get("Content-Type") != "text/javascript; charset=utf-8" || !bytes.Equal(a.body, sibling) {
			t.Errorf("%s %s: Content-Encoding %q, Content-Type %q, %d bytes; want %s%s's %d bytes", tc.coding, name,
				a.header.Get("Content-Encoding"), a.header.Get("Content-Type"), len(a.body), name, tc.ext, len(sibling))
		}
		if got := decodeTool(t, tc.coding, a.body); !bytes.Equal(got, content) {
			t.Errorf("%s %s: the sibling does not decode to the file", tc.coding, name)
		}
		// A resumed download of the sibling: the rest of its bytes.
		rest := curl(t, s.url+"/"+name, "-H", "Accept-Encoding: "+tc.coding, "-r", "10-")
		if !strings.Contains(rest.status, " 206") || !bytes.Equal(rest.body, sibling[10:]) {
			t.Errorf("%s %s: range 10-: %s, %d bytes", tc.coding, name, rest.status, len(rest.body))
		}
	}
}

// TestBinaryCompressionWget fetches with wget, which asks for gzip with
// --compression=gzip and for no coding by default.
func TestBinaryCompressionWget(t *testing.T) {
	t.Parallel()
	dir, files := compressFixture(t)
	s := startBinary(t, nil, "-q", "-d", dir)
	out := t.TempDir()
	for _, tc := range []struct {
		opts    []string
		encoded bool
	}{{[]string{"--compression=gzip"}, true}, {nil, false}} {
		file := filepath.Join(out, "app.js")
		args := append(append([]string{"wget", "-q", "-S", "-O", file, "--timeout=30", "--tries=1"}, tc.opts...), s.url+"/app.js")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		requireTool(t, "wget")
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		log, err := cmd.CombinedOutput() // -S writes the answer's headers on stderr
		cancel()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, log)
		}
		if got := strings.Contains(string(log), "Content-Encoding: gzip"); got != tc.encoded {
			t.Errorf("wget %q: Content-Encoding: gzip in the answer: %v, want %v\n%s", tc.opts, got, tc.encoded, log)
		}
		if got := mustRead(t, file); !bytes.Equal(got, files["app.js"]) {
			t.Errorf("wget %q saved %d bytes, want app.js's %d", tc.opts, len(got), len(files["app.js"]))
		}
	}
}

// TestBinaryNoCompress checks that --no-compress sends everything as it
// is stored, siblings ignored.
func TestBinaryNoCompress(t *testing.T) {
	t.Parallel()
	dir, files := compressFixture(t)
	s := startBinary(t, nil, "-q", "--no-compress", "-d", dir)
	for _, path := range []string{"/app.js", "/pre.js", "/big.txt"} {
		a := curl(t, s.url+path, "-H", "Accept-Encoding: zstd, br, gzip")
		if a.header.Get("Content-Encoding") != "" || !bytes.Equal(a.body, files[path[1:]]) {
			t.Errorf("%s: Content-Encoding %q, %d bytes", path, a.header.Get("Content-Encoding"), len(a.body))
		}
	}
	if a := curl(t, s.url+"/docs/", "-H", "Accept-Encoding: gzip"); a.header.Get("Content-Encoding") != "" {
		t.Errorf("the listing: Content-Encoding %q", a.header.Get("Content-Encoding"))
	}
}

// mustRead reads a file.
func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBinaryHotCoded: once a file has settled (its ctime 3 s old), the
// real binary keeps it compressed, in each coding, and curl, wget and
// curl over HTTP/2 get it decoded byte for byte, with the compressed
// length; a rewrite of the file, same size and mtime, is seen at once in
// every coding. The test waits for the cache to take the file, which only
// HEAD tells: with the compressed length, which encode alone cannot know.
func TestBinaryHotCoded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	js := bytes.Repeat([]byte("export function add(a, b) { return a + b; } // sum of two numbers\n"), 50)
	writeFile(t, dir, "app.js", js)
	s := startBinary(t, nil, "-q", "-d", dir)
	held := func(url string, opts ...string) bool {
		a := curl(t, url+"/app.js", append([]string{"-I", "-H", "Accept-Encoding: zstd"}, opts...)...)
		return a.header.Get("Content-Encoding") == "zstd" && a.header.Get("Content-Length") != ""
	}
	for deadline := time.Now().Add(20 * time.Second); !held(s.url); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("app.js was not kept compressed within 20 s")
		}
	}
	for _, coding := range []string{"zstd", "br", "gzip"} {
		for range 2 { // made, then from memory
			a := curl(t, s.url+"/app.js", "-H", "Accept-Encoding: "+coding)
			if a.header.Get("Content-Encoding") != coding || a.header.Get("Content-Length") != strconv.Itoa(len(a.body)) ||
				!strings.HasSuffix(a.header.Get("ETag"), "+"+coding+`"`) || !bytes.Equal(decodeTool(t, coding, a.body), js) {
				t.Errorf("%s: %v, %d bytes", coding, a.header, len(a.body))
			}
		}
	}
	file := filepath.Join(t.TempDir(), "app.js")
	runTool(t, nil, "wget", "-q", "-O", file, "--compression=gzip", "--timeout=30", "--tries=1", s.url+"/app.js")
	if got := mustRead(t, file); !bytes.Equal(got, js) {
		t.Errorf("wget --compression=gzip saved %d bytes, want %d", len(got), len(js))
	}

	tls := startBinary(t, nil, "-q", "-d", dir, "--tls-self-signed")
	h2 := "https://" + tls.addr
	for deadline := time.Now().Add(20 * time.Second); !held(h2, "-k", "--http2"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("app.js was not kept compressed over HTTP/2 within 20 s")
		}
	}
	if out := runTool(t, nil, "curl", "-sS", "-k", "--http2", "--compressed", "-w", "\n%{http_version}", h2+"/app.js"); !bytes.Equal(out, append(js, "\n2"...)) {
		t.Errorf("curl --http2 --compressed: %q", out)
	}

	info, err := os.Stat(filepath.Join(dir, "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // past a tick of the kernel's clock: a ctime of its own
	upper := bytes.ToUpper(js)
	writeFile(t, dir, "app.js", upper)
	if err := os.Chtimes(filepath.Join(dir, "app.js"), info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	for _, coding := range []string{"zstd", "br", "gzip"} {
		if a := curl(t, s.url+"/app.js", "-H", "Accept-Encoding: "+coding); !bytes.Equal(decodeTool(t, coding, a.body), upper) {
			t.Errorf("%s after a rewrite of the same size and mtime: the file as it was", coding)
		}
	}
}
