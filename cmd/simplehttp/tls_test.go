package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/testcert"
	"github.com/simplehttp/simplehttp/tlsconfig"
)

// p256 and rsa2048 are openssl's options for a new key of each kind.
var (
	p256    = []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}
	rsa2048 = []string{"-newkey", "rsa:2048"}
)

// opensslPair makes a certificate for 127.0.0.1 and localhost, and its
// key (p256 or rsa2048), with the openssl command, as a user would.
func opensslPair(t *testing.T, newKey []string) (certFile, keyFile string) {
	t.Helper()
	requireTool(t, "openssl")
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	args := append([]string{"openssl", "req", "-x509"}, newKey...)
	runTool(t, nil, append(args, "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
		"-keyout", keyFile, "-out", certFile)...)
	return certFile, keyFile
}

// httpsURL is the https:// URL of a server started with TLS.
func httpsURL(s *server) string { return "https://" + s.addr }

func TestBinaryHTTPSWithCertificate(t *testing.T) {
	t.Parallel()
	requireTool(t, "curl")
	f := newFixture(t)
	cert, key := opensslPair(t, p256)
	s := startBinary(t, nil, "-d", f.dir, "--tls-cert", cert, "--tls-key", key)
	if !strings.Contains(s.stdout.String(), "Serving HTTPS on 127.0.0.1 port ") ||
		!strings.Contains(s.stdout.String(), "Local:   https://127.0.0.1:") {
		t.Errorf("banner does not show https URLs:\n%s", s.stdout)
	}
	// The note follows the banner, which startBinary waited for.
	s.stdout.waitFor(t, regexp.MustCompile(`\nCertificate for localhost, 127\.0\.0\.1, valid until 20\d\d-\d\d-\d\d \d\d:\d\d UTC\n`), patience)
	url := httpsURL(s) + "/big.bin"
	for _, tc := range []struct{ opt, want string }{{"--http2", "2"}, {"--http1.1", "1.1"}} {
		out := runTool(t, nil, "curl", "-sS", "--max-time", "30", "--cacert", cert, tc.opt,
			"-o", filepath.Join(t.TempDir(), "big.bin"), "-w", "%{http_version} %{http_code} %{size_download}", url)
		if want := tc.want + " 200 " + strconv.Itoa(len(f.files["big.bin"])); string(out) != want {
			t.Errorf("curl %s: %q, want %q", tc.opt, out, want)
		}
	}
	// Without the certificate, curl refuses the server: it is not a
	// public one.
	if out, err := exec.Command("curl", "-sS", "--max-time", "30", url).Output(); err == nil {
		t.Errorf("curl trusted a private certificate: %s", out)
	}
	requireTool(t, "wget")
	got := filepath.Join(t.TempDir(), "hello.txt")
	runTool(t, nil, "wget", "-q", "--ca-certificate", cert, "-O", got, httpsURL(s)+"/hello.txt")
	sameFile(t, got, f.files["hello.txt"])
	if !regexp.MustCompile(`"GET /big.bin HTTP/2.0" 200 \d+`).MatchString(s.stderr.String()) {
		t.Errorf("no HTTP/2 request in the access log:\n%s", s.stderr)
	}
}

var fingerprintRE = regexp.MustCompile(`SHA-256 fingerprint.*\n  ([0-9A-F:]{95})\n`)

func TestBinaryHTTPSSelfSigned(t *testing.T) {
	t.Parallel()
	requireTool(t, "curl")
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir, "--tls-self-signed")
	printed := s.stdout.waitFor(t, fingerprintRE, patience)[1]

	c, err := tls.Dial("tcp", s.addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	state := c.ConnectionState()
	c.Close()
	leaf := state.PeerCertificates[0]
	if got := tlsconfig.Fingerprint(leaf.Raw); got != printed {
		t.Fatalf("served certificate has fingerprint %s, the banner printed %s", got, printed)
	}
	if state.NegotiatedProtocol != "h2" {
		t.Errorf("ALPN chose %q, want h2", state.NegotiatedProtocol)
	}
	// The certificate is good for the address the banner shows, once
	// the user trusts it: export it as a pinned CA for curl.
	if err := leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	pinned := filepath.Join(t.TempDir(), "pinned.pem")
	if err := os.WriteFile(pinned, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runTool(t, nil, "curl", "-sS", "--max-time", "30", "--cacert", pinned, "-w", " %{http_version}", httpsURL(s)+"/hello.txt")
	if want := string(f.files["hello.txt"]) + " 2"; string(out) != want {
		t.Errorf("curl --cacert: %q, want %q", out, want)
	}
	out = runTool(t, nil, "curl", "-sSk", "--http1.1", "--max-time", "30", "-w", " %{http_version}", httpsURL(s)+"/hello.txt")
	if want := string(f.files["hello.txt"]) + " 1.1"; string(out) != want {
		t.Errorf("curl -k --http1.1: %q, want %q", out, want)
	}
}

// TestHTTPSStartupErrors: a bad certificate or key is one line naming the
// file the user gave, and exit status 1.
func TestHTTPSStartupErrors(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	good, goodKey := testcert.WritePair(t, dir, "good", now.Add(-time.Hour), now.Add(time.Hour))
	_, otherKey := testcert.WritePair(t, dir, "other", now.Add(-time.Hour), now.Add(time.Hour))
	old, oldKey := testcert.WritePair(t, dir, "old", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing certificate", []string{"--tls-cert", missing, "--tls-key", goodKey}, `certificate "` + missing + `" does not exist`},
		{"missing key", []string{"--tls-cert", good, "--tls-key", missing}, `key "` + missing + `" does not exist`},
		{"key of another certificate", []string{"--tls-cert", good, "--tls-key", otherKey}, `key "` + otherKey + `" does not match certificate "` + good + `"`},
		{"expired", []string{"--tls-cert", old, "--tls-key", oldKey}, `certificate "` + old + `" expired on `},
		{"swapped", []string{"--tls-cert", goodKey, "--tls-key", good}, `certificate "` + goodKey + `" holds no PEM certificate`},
		{"directory", []string{"--tls-cert", dir, "--tls-key", goodKey}, `cannot read certificate "` + dir + `": is a directory`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(t, append([]string{"-b", "127.0.0.1", "0", "-d", dir}, tc.args...)...)
			if code != exitFailure {
				t.Errorf("exit status %d, want %d", code, exitFailure)
			}
			if !strings.HasPrefix(stderr, "simplehttp: "+tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr = %q, want one line starting %q", stderr, "simplehttp: "+tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing: the server must not start", stdout)
			}
		})
	}
}

func TestTLSUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", "c.pem"}, "simplehttp: option --tls-cert needs --tls-key"},
		{[]string{"--tls-key", "k.pem"}, "simplehttp: option --tls-key needs --tls-cert"},
		{[]string{"--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"}, "simplehttp: option --tls-self-signed cannot go with --tls-cert or --tls-key"},
		{[]string{"--tls-cert"}, "simplehttp: option --tls-cert needs a value"},
		{[]string{"--tls", "x"}, "simplehttp: ambiguous option --tls (--tls-cert, --tls-key, --tls-self-signed)"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runArgs(t, tc.args...)
			if code != exitUsage || stderr != tc.want+"\n" || stdout != "" {
				t.Errorf("got %d %q %q, want %d and stderr %q", code, stdout, stderr, exitUsage, tc.want)
			}
		})
	}
}

// TestStalledTLSReaderIsCutOff: under TLS too, a client that stops
// reading loses its connection after the write time-out: TLS writes go
// through the listener's conns and their per-write deadlines.
func TestStalledTLSReaderIsCutOff(t *testing.T) {
	const size = 32 << 20
	dir, _ := bigFixture(t, size)
	s := startInProcess(t, slowReaderLimits(), "-d", dir, "--tls-self-signed")
	raw, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.(*net.TCPConn).SetReadBuffer(4096)
	c := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
	m := s.stderr.waitFor(t, regexp.MustCompile(`"GET /big.bin HTTP/1.1" 200 (\d+)`), patience)
	if sent, _ := strconv.Atoi(m[1]); sent >= size {
		t.Errorf("the stalled client was sent the whole file (%d bytes)", sent)
	}
}

// chromiumDOM loads url in headless Chromium, trusting only a certificate
// whose public key has the SHA-256 spkiPin (base64; "" trusts nothing
// extra), and returns the page as Chromium built it.
func chromiumDOM(t *testing.T, url, spkiPin string) string {
	t.Helper()
	requireTool(t, "chromium")
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--dump-dom"}
	if spkiPin != "" {
		args = append(args, "--ignore-certificate-errors-spki-list="+spkiPin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "chromium", append(args, url)...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

// TestBinaryHTTPSChromium: a browser that trusts the self-signed
// certificate (pinned by its key, as a user's accepted exception does)
// shows the listing over HTTP/2, styles included; one that does not
// trust it shows nothing of it.
func TestBinaryHTTPSChromium(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := startBinary(t, nil, "-d", f.dir, "--tls-self-signed")
	c, err := tls.Dial("tcp", s.addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	leaf := c.ConnectionState().PeerCertificates[0]
	c.Close()
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	pin := base64.StdEncoding.EncodeToString(sum[:])

	if dom := chromiumDOM(t, httpsURL(s)+"/sub/", pin); !strings.Contains(dom, "nested.bin") {
		t.Errorf("the pinned browser did not show the listing:\n%s", dom)
	}
	s.stderr.waitFor(t, regexp.MustCompile(`"GET /sub/ HTTP/2.0" 200 `), patience)
	s.stderr.waitFor(t, regexp.MustCompile(`"GET /\.simplehttp/\w+/style\.css\?asset HTTP/2.0" 200 `), patience)
	if dom := chromiumDOM(t, httpsURL(s)+"/sub/", ""); strings.Contains(dom, "nested.bin") {
		t.Error("a browser that does not trust the certificate showed the listing")
	}
}

func TestSelfSignedNames(t *testing.T) {
	addr, _ := net.ResolveTCPAddr("tcp", "[::]:8000")
	got := selfSignedIPs(addr, ips("127.0.0.1", "::1", "fe80::1", "192.168.1.20", "2001:db8::7"))
	var names []string
	for _, ip := range got {
		names = append(names, ip.String())
	}
	if want := "127.0.0.1 ::1 192.168.1.20 2001:db8::7"; strings.Join(names, " ") != want {
		t.Errorf("selfSignedIPs = %s, want %s", names, want)
	}
	for bind, want := range map[string]bool{"files.lan": true, "192.168.1.20": false, "[::1]": false, "": false} {
		hosts := selfSignedHosts(bind)
		if hosts[0] != "localhost" || slices.Contains(hosts, bind) != want {
			t.Errorf("selfSignedHosts(%q) = %q", bind, hosts)
		}
	}
}

// TestBinaryUnreadableKey: a key file the server may not read is one
// line naming it, and exit status 1. (As root, the server runs as nobody.)
func TestBinaryUnreadableKey(t *testing.T) {
	wrap, dir := unreadableSite(t)
	now := time.Now()
	cert, key := testcert.WritePair(t, dir, "site", now.Add(-time.Hour), now.Add(time.Hour))
	mustChmod(t, cert, 0o644)
	mustChmod(t, key, 0)
	argv := append(append(wrap, binary(t)), "-b", "127.0.0.1", "0", "-d", dir, "--tls-cert", cert, "--tls-key", key)
	cmd := exec.Command(argv[0], argv[1:]...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitFailure {
		t.Errorf("exit status %d (%v), want %d", code, err, exitFailure)
	}
	if want := `simplehttp: cannot read key "` + key + "\": permission denied\n"; stderr.String() != want || stdout.String() != "" {
		t.Errorf("stdout %q, stderr %q; want stderr %q", stdout.String(), stderr.String(), want)
	}
}

func TestCertificateNote(t *testing.T) {
	until := time.Date(2027, time.March, 1, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		leaf x509.Certificate
		want string
	}{
		{x509.Certificate{DNSNames: []string{"files.lan"}, IPAddresses: []net.IP{net.ParseIP("::1")}},
			"Certificate for files.lan, ::1, valid until 2027-03-01 12:30 UTC"},
		{x509.Certificate{DNSNames: []string{"a", "b", "c", "d", "e\x1b[2J"}},
			"Certificate for a, b, c, d, …, valid until 2027-03-01 12:30 UTC"},
		{x509.Certificate{DNSNames: []string{"evil\x1b[2J"}},
			"Certificate for evil\\x1b[2J, valid until 2027-03-01 12:30 UTC"},
	}
	tests[2].leaf.Subject.CommonName = "ignored when there are names"
	for _, tc := range tests {
		tc.leaf.NotAfter = until
		if got := certificateNote(&tc.leaf); got != tc.want {
			t.Errorf("certificateNote = %q, want %q", got, tc.want)
		}
	}
	old := x509.Certificate{NotAfter: until}
	old.Subject.CommonName = "legacy.lan"
	if got, want := certificateNote(&old), "Certificate for legacy.lan, valid until 2027-03-01 12:30 UTC"; got != want {
		t.Errorf("certificateNote = %q, want %q", got, want)
	}
}

// sClient connects to addr with openssl s_client and the options args,
// and returns the cipher suite it agreed on, or "" when the handshake
// failed.
func sClient(t *testing.T, addr string, args ...string) string {
	t.Helper()
	requireTool(t, "openssl")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", append([]string{"s_client", "-connect", addr, "-brief"}, args...)...)
	out, err := cmd.CombinedOutput() // -brief reports on stderr; stdin is empty, so it then quits
	if ctx.Err() != nil {
		t.Fatalf("openssl s_client %s: no answer in 30 s\n%s", strings.Join(args, " "), out)
	}
	m := regexp.MustCompile(`(?m)^Ciphersuite: (\S+)$`).FindSubmatch(out)
	if err != nil || m == nil {
		return ""
	}
	return string(m[1])
}

// TestTLSCipherSuitesOpenSSL: probed with openssl s_client as a TLS
// scanner probes, the server speaks TLS 1.2 only with ECDHE and AES-GCM
// or ChaCha20-Poly1305: a client that offers only CBC suites (LUCKY13),
// or only suites without forward secrecy, is refused; TLS 1.3 is served.
// With an RSA certificate from --tls-cert and the ECDSA one of
// --tls-self-signed.
func TestTLSCipherSuitesOpenSSL(t *testing.T) {
	rsaCert, rsaKey := opensslPair(t, rsa2048)
	for _, tc := range []struct {
		name   string
		flags  []string
		probes [][2]string // openssl -cipher list (TLS 1.2), suite wanted ("": refused)
	}{
		{"RSA", []string{"--tls-cert", rsaCert, "--tls-key", rsaKey}, [][2]string{
			{"ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384", ""},
			{"AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA", ""},
			{"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
			{"ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"},
			{"ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
		}},
		{"ECDSA", []string{"--tls-self-signed"}, [][2]string{
			{"ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384", ""},
			{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
			{"ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startInProcess(t, testLimits, append([]string{"-q", "-d", t.TempDir()}, tc.flags...)...)
			for _, p := range tc.probes {
				if got := sClient(t, s.addr, "-tls1_2", "-cipher", p[0]); got != p[1] {
					t.Errorf("TLS 1.2 offering %s: agreed on %q, want %q", p[0], got, p[1])
				}
			}
			if got := sClient(t, s.addr, "-tls1_3"); !strings.HasPrefix(got, "TLS_") {
				t.Errorf("TLS 1.3: agreed on %q", got)
			}
		})
	}
}
