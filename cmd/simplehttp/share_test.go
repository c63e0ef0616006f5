package main

import (
	"image"
	"image/color"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFallbackPorts(t *testing.T) {
	if got, want := fallbackPorts(8000), []int{8001, 8002, 8003, 8004, 8005, 8006, 8007, 8008, 8009, 8010, 0}; !slices.Equal(got, want) {
		t.Errorf("fallbackPorts(8000) = %v, want %v", got, want)
	}
	if got, want := fallbackPorts(65534), []int{65535, 0}; !slices.Equal(got, want) {
		t.Errorf("fallbackPorts(65534) = %v, want %v", got, want)
	}
}

// occupy8000 makes sure something listens on 127.0.0.1:8000 for the rest
// of the test: this test's own socket, or whatever still holds it after
// 10 s.
func occupy8000(t *testing.T) {
	t.Helper()
	// Another make test beside this one holds the port for a moment, and
	// could let it go while this test relies on it: wait until the port
	// is this test's. A server someone keeps there serves as well.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:8000")
		if err == nil {
			t.Cleanup(func() { ln.Close() })
			return
		}
		if time.Now().After(deadline) {
			c, dialErr := net.DialTimeout("tcp", "127.0.0.1:8000", time.Second)
			if dialErr != nil {
				t.Fatalf("cannot listen on 8000 (%v) and nothing answers there (%v)", err, dialErr)
			}
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBinaryDefaultPortBusy: with no port given and 8000 taken, the real
// program serves on another port and says so.
func TestBinaryDefaultPortBusy(t *testing.T) {
	occupy8000(t)
	dir := t.TempDir()
	writeFile(t, dir, "hello.txt", []byte("hello\n"))
	s := &server{stdout: newOutput(), stderr: newOutput(), exited: make(chan struct{})}
	s.cmd = exec.Command(binary(t), "-b", "127.0.0.1", "-d", dir)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { defer close(s.exited); s.cmd.Wait() }()
	t.Cleanup(func() { s.cmd.Process.Kill(); <-s.exited })
	s.learnAddress(t)
	m := regexp.MustCompile(`(?m)^Port 8000 is in use; using port (\d+) instead\n`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no note about the busy port:\n%s", s.stdout)
	}
	if _, port, _ := net.SplitHostPort(s.addr); port == "8000" || port != m[1] {
		t.Errorf("banner says port %s, the note %s", port, m[1])
	}
	if resp, body := s.get(t, "/hello.txt"); resp.StatusCode != 200 || body != "hello\n" {
		t.Errorf("GET on the fallback port: %s %q", resp.Status, body)
	}
}

// TestDefaultPortBusyBadCertificate: a start that fails says nothing
// about the port it would have used.
func TestDefaultPortBusyBadCertificate(t *testing.T) {
	occupy8000(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	code, stdout, stderr := runArgs(t, "-b", "127.0.0.1", "-d", t.TempDir(), "--tls-cert", missing, "--tls-key", missing)
	if want := `simplehttp: certificate "` + missing + "\" does not exist\n"; code != exitFailure || stdout != "" || stderr != want {
		t.Errorf("got %d, stdout %q, stderr %q; want %d, nothing, %q", code, stdout, stderr, exitFailure, want)
	}
}

// TestBusyPortGiven: a port the user asked for that is taken stays an
// error, one line and exit status 1.
func TestBusyPortGiven(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	for _, p := range []string{port, "8000"} {
		if p == "8000" {
			occupy8000(t)
		}
		code, stdout, stderr := runArgs(t, "-b", "127.0.0.1", p, "-d", t.TempDir())
		want := `simplehttp: cannot listen on "127.0.0.1" port ` + p + ": address already in use (choose another port, or 0 for any free one)\n"
		if code != exitFailure || stderr != want || strings.Contains(stdout, "Serving") {
			t.Errorf("port %s: got %d %q %q, want %d and %q", p, code, stdout, stderr, exitFailure, want)
		}
	}
}

// qrLines are the lines of a QR code printed by writeQR in out: those
// made only of half blocks and spaces.
func qrLines(out string) []string {
	var lines []string
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if line != "" && strings.Trim(line, " ▀▄█") == "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// decodeQR turns printed half-block lines back into a picture (a printed
// half is a light module, a blank one dark, 8 pixels a module) and reads
// it with zbarimg.
func decodeQR(t *testing.T, lines []string) string {
	t.Helper()
	requireTool(t, "zbarimg")
	if len(lines) == 0 {
		t.Fatal("no QR code printed")
	}
	const scale = 8
	width := utf8.RuneCountInString(lines[0])
	img := image.NewGray(image.Rect(0, 0, width*scale, 2*len(lines)*scale))
	for row, line := range lines {
		for col, r := range []rune(line) {
			top, bottom := r == '█' || r == '▀', r == '█' || r == '▄'
			for k, light := range []bool{top, bottom} {
				c := color.Gray{0}
				if light {
					c = color.Gray{255}
				}
				y0 := (2*row + k) * scale
				for y := y0; y < y0+scale; y++ {
					for x := col * scale; x < (col+1)*scale; x++ {
						img.SetGray(x, y, c)
					}
				}
			}
		}
	}
	name := filepath.Join(t.TempDir(), "qr.png")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := runTool(t, nil, "zbarimg", "--quiet", "--raw", name)
	return strings.TrimSuffix(string(out), "\n")
}

func TestWriteQRDecodes(t *testing.T) {
	for _, url := range []string{"http://192.168.1.20:8000/", "https://[2001:db8::7]:65535/"} {
		var b strings.Builder
		if err := writeQR(&b, url); err != nil {
			t.Fatal(err)
		}
		lines := qrLines(b.String())
		if len(lines) != strings.Count(b.String(), "\n") {
			t.Errorf("writeQR printed lines that are not the code:\n%s", b.String())
		}
		if got := decodeQR(t, lines); got != url {
			t.Errorf("QR code of %s decodes to %q", url, got)
		}
	}
}

func TestShareURL(t *testing.T) {
	ifaddrs := ips("127.0.0.1", "::1", "fe80::1", "192.168.1.20", "2001:db8::7")
	tests := []struct {
		addr, url string
		local     bool
		open      string
	}{
		{"[::]:8000", "http://192.168.1.20:8000/", false, "http://127.0.0.1:8000/"},
		{"0.0.0.0:8000", "http://192.168.1.20:8000/", false, "http://127.0.0.1:8000/"},
		{"192.168.1.20:8000", "http://192.168.1.20:8000/", false, "http://192.168.1.20:8000/"},
		{"127.0.0.1:8000", "http://127.0.0.1:8000/", true, "http://127.0.0.1:8000/"},
		{"[::1]:8000", "http://[::1]:8000/", true, "http://[::1]:8000/"},
	}
	for _, tc := range tests {
		addr, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if url, local := shareURL("http", addr, ifaddrs); url != tc.url || local != tc.local {
			t.Errorf("shareURL(%s) = %s, %v; want %s, %v", tc.addr, url, local, tc.url, tc.local)
		}
		if got := browserURL("http", addr, ifaddrs); got != tc.open {
			t.Errorf("browserURL(%s) = %s, want %s", tc.addr, got, tc.open)
		}
	}
	// IPv4 first, whatever the order of the interfaces.
	addr, _ := net.ResolveTCPAddr("tcp", "[::]:8000")
	if url, _ := shareURL("http", addr, ips("::1", "2001:db8::7", "10.0.0.2")); url != "http://10.0.0.2:8000/" {
		t.Errorf("IPv6 interface first: %s", url)
	}
	if url, _ := shareURL("http", addr, ips("::1", "2001:db8::7")); url != "http://[2001:db8::7]:8000/" {
		t.Errorf("IPv6 only: %s", url)
	}
	// Only loopback on the machine: the local URL, and a note.
	if url, local := shareURL("https", addr, ips("127.0.0.1", "::1")); url != "https://127.0.0.1:8000/" || !local {
		t.Errorf("loopback only: %s, %v", url, local)
	}
}

// TestBinaryQR: the real program's --qr prints a code that decodes to the
// URL the banner names.
func TestBinaryQR(t *testing.T) {
	t.Parallel()
	s := startBinary(t, nil, "-d", t.TempDir(), "--qr", "--tls-self-signed")
	m := s.stdout.waitFor(t, regexp.MustCompile(`the QR code is of (\S+), which only this machine can open\.\n(?:.*\n){5,}`), patience)
	if want := httpsURL(s) + "/"; m[1] != want {
		t.Errorf("QR note names %s, want %s", m[1], want)
	}
	s.stdout.waitFor(t, regexp.MustCompile(`\n[ ▀]+\n`), patience) // the last line
	if got := decodeQR(t, qrLines(s.stdout.String())); got != m[1] {
		t.Errorf("printed QR code decodes to %q, want %q", got, m[1])
	}
}

func TestBrowserCommands(t *testing.T) {
	const url = "http://127.0.0.1:8000/"
	tests := []struct {
		env, goos string
		want      [][]string
	}{
		{"", "linux", [][]string{{"xdg-open", url}}},
		{"", "freebsd", [][]string{{"xdg-open", url}}},
		{"", "darwin", [][]string{{"open", url}}},
		{"", "windows", [][]string{{"rundll32", "url.dll,FileProtocolHandler", url}}},
		{"firefox", "linux", [][]string{{"firefox", url}}},
		{"lynx -dump %s:firefox --new-tab::", "darwin", [][]string{{"lynx", "-dump", url}, {"firefox", "--new-tab", url}}},
		{" : ", "linux", [][]string{{"xdg-open", url}}},
	}
	for _, tc := range tests {
		if got := browserCommands(url, tc.env, tc.goos); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("browserCommands(%q, %s) = %q, want %q", tc.env, tc.goos, got, tc.want)
		}
	}
}

// TestBinaryOpen: --open runs $BROWSER's first command that works, with
// the local URL, once the server answers; when none works, one warning
// line and the server keeps serving.
func TestBinaryOpen(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser")
	// The fake browser fetches the page too: the server must be up.
	body := "#!/bin/sh\ncurl -sS -o /dev/null -w '%{http_code}' \"$1\" > \"$0.status\"\nprintf '%s' \"$1\" > " + record + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	requireTool(t, "curl")
	t.Setenv("BROWSER", filepath.Join(dir, "missing")+string(filepath.ListSeparator)+script)
	s := startBinary(t, nil, "-d", dir, "--open")
	deadline := time.Now().Add(patience)
	for {
		got, err := os.ReadFile(record)
		if err == nil {
			if want := s.url + "/"; string(got) != want {
				t.Errorf("browser opened %q, want %q", got, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the browser was not started; stderr:\n%s", s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status, _ := os.ReadFile(script + ".status"); string(status) != "200" {
		t.Errorf("the browser got status %q from the server", status)
	}
	if strings.Contains(s.stderr.String(), "warning") {
		t.Errorf("a warning although the second browser worked:\n%s", s.stderr)
	}

	t.Setenv("BROWSER", filepath.Join(dir, "missing"))
	s = startBinary(t, nil, "-d", dir, "--open")
	line := s.stderr.waitFor(t, regexp.MustCompile(`simplehttp: warning: could not open a browser \(.*missing.*\); open (\S+) yourself\n`), patience)
	if line[1] != s.url+"/" {
		t.Errorf("warning names %s, want %s", line[1], s.url+"/")
	}
	if resp, _ := s.get(t, "/"); resp.StatusCode != 200 {
		t.Errorf("after the warning: %s", resp.Status)
	}
}
