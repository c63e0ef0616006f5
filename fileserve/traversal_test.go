package fileserve_test

import (
	"bufio"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
)

// traversalTargets are request-URIs that try to reach secret.txt in the
// parent of the served directory.
func traversalTargets(parent string) []string {
	dots := []string{
		"..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "%c0%ae%c0%ae",
		"%e0%80%ae%e0%80%ae", "%uff0e%uff0e", "..%00", "...", "....", "..%20", "%2e%2e%2e",
	}
	seps := []string{"/", "%2f", "%2F", `\`, "%5c", "%5C", "%252f", "%c0%af", "%c1%9c", "//", "/./", ";/"}
	var targets []string
	for _, d := range dots {
		for _, s := range seps {
			targets = append(targets, "/"+strings.Repeat(d+s, 3)+"secret.txt")
		}
	}
	abs := filepath.ToSlash(filepath.Join(parent, "secret.txt"))
	return append(targets,
		"/../secret.txt",
		"/..", // the root itself, not its parent
		"/root/../secret.txt",
		"/./../secret.txt",
		"/a/b/../../../secret.txt",
		"/..%2f..%2f..%2fsecret.txt",
		"/%2e%2e%2fsecret.txt",
		"/%2E%2E%2Fsecret.txt",
		"/..%5csecret.txt",
		`/..\secret.txt`,
		`/..\..\secret.txt`,
		"/%00/../secret.txt",
		"/secret.txt%00",
		"/secret.txt%00.png",
		"/%2e%2e/%2e%2e/secret.txt",
		"/.%2e/.%2e/secret.txt",
		"/%2e%2e%5c%2e%2e%5csecret.txt",
		"/..%c0%afsecret.txt",
		"/..%u2216secret.txt",
		"/%252e%252e%252fsecret.txt",
		"/.../secret.txt",
		"/./././../secret.txt",
		abs,
		"/"+abs,
		"//"+abs,
		"/%2F"+strings.TrimPrefix(abs, "/"),
		"http://127.0.0.1/../secret.txt",
		"http://127.0.0.1/%2e%2e/secret.txt",
		"http://127.0.0.1"+abs,
		"/"+strings.Repeat("../", 2000)+"secret.txt",
		"/"+strings.Repeat("%2e%2e%2f", 1000)+"secret.txt",
		"/"+strings.Repeat("a/", 2000)+strings.Repeat("../", 2001)+"secret.txt",
		"/"+strings.Repeat("x", 5000)+"/../../secret.txt",
		"/%zz/../secret.txt",
		"/%/../secret.txt",
		"/%2/../secret.txt",
	)
}

// rawGet sends target on a request line of its own (Go's client would
// clean it) and returns the status and body.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	return resp.StatusCode, string(b)
}

func TestTraversal(t *testing.T) {
	root, dir := tempRoot(t, map[string]string{"inside.txt": "inside\n", "a/b/": ""})
	parent := filepath.Dir(dir)
	for _, fsys := range []struct {
		name string
		fsys fs.FS
	}{
		{"os.Root", root.FS()},
		{"os.DirFS", os.DirFS(dir)},
	} {
		t.Run(fsys.name, func(t *testing.T) {
			srv := httptest.NewServer(fileserve.New(fsys.fsys, nil))
			defer srv.Close()
			addr := srv.Listener.Addr().String()
			if code, b := rawGet(t, addr, "/inside.txt"); code != 200 || b != "inside\n" {
				t.Fatalf("control request: %d %q", code, b)
			}
			for _, target := range traversalTargets(parent) {
				code, b := rawGet(t, addr, target)
				if strings.Contains(b, "TOP-SECRET") {
					t.Errorf("%.80s: the secret leaked (status %d)", target, code)
				}
				if strings.Contains(b, parent) {
					t.Errorf("%.80s: the body names the directory", target)
				}
				want := code == http.StatusNotFound || code == http.StatusBadRequest ||
					(target == "/.." && code == http.StatusMovedPermanently)
				if !want {
					t.Errorf("%.80s: status %d, want 404 or 400", target, code)
				}
			}
		})
	}
}
