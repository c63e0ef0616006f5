package tlsconfig

import (
	"github.com/simplehttp/simplehttp/internal/testcert"

	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, time.December, 4, 12, 0, 0, 0, time.UTC)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	goodCert, goodKey := testcert.WritePair(t, dir, "good", now.Add(-time.Hour), now.Add(time.Hour))
	_, otherKey := testcert.WritePair(t, dir, "other", now.Add(-time.Hour), now.Add(time.Hour))
	oldCert, oldKey := testcert.WritePair(t, dir, "old", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	newCert, newKey := testcert.WritePair(t, dir, "new", now.Add(24*time.Hour), now.Add(48*time.Hour))
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name, cert, key, want string
	}{
		{"good", goodCert, goodKey, ""},
		{"missing cert", missing, goodKey, `certificate "` + missing + `" does not exist`},
		{"missing key", goodCert, missing, `key "` + missing + `" does not exist`},
		{"cert is a directory", dir, goodKey, `cannot read certificate "` + dir + `": is a directory`},
		{"cert not PEM", garbage, goodKey, `certificate "` + garbage + `" holds no PEM certificate`},
		{"key not PEM", goodCert, garbage, `key "` + garbage + `" holds no PEM private key`},
		{"swapped", goodKey, goodCert, `certificate "` + goodKey + `" holds no PEM certificate`},
		{"wrong key", goodCert, otherKey, `key "` + otherKey + `" does not match certificate "` + goodCert + `"`},
		{"expired", oldCert, oldKey, `certificate "` + oldCert + `" expired on ` + now.Add(-24*time.Hour).Format("2006-01-02 15:04 UTC")},
		{"not yet valid", newCert, newKey, `certificate "` + newCert + `" is not valid before ` + now.Add(24*time.Hour).Format("2006-01-02 15:04 UTC")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cert, err := Load(tc.cert, tc.key, now)
			if tc.want == "" {
				if err != nil || cert.Leaf == nil {
					t.Fatalf("Load: %v, leaf %v", err, cert.Leaf)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Load error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("skipping: root (or Windows) reads a file of mode 0")
	}
	dir := t.TempDir()
	cert, key := testcert.WritePair(t, dir, "good", now.Add(-time.Hour), now.Add(time.Hour))
	if err := os.Chmod(key, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Load(cert, key, now)
	if want := `cannot read key "` + key + `": permission denied`; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestSelfSigned(t *testing.T) {
	hosts := []string{"localhost", "myhost"}
	ips := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP("192.168.1.20")}
	cert, err := SelfSigned(hosts, ips, now)
	if err != nil {
		t.Fatal(err)
	}
	leaf := cert.Leaf
	if _, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("key is %v, want ECDSA", leaf.PublicKeyAlgorithm)
	}
	if got := leaf.PublicKey.(*ecdsa.PublicKey).Curve; got != elliptic.P256() {
		t.Errorf("curve %v, want P-256", got.Params().Name)
	}
	if leaf.IsCA || !leaf.BasicConstraintsValid {
		t.Error("a server certificate must say it is not a CA (Firefox refuses one that is)")
	}
	if !leaf.NotBefore.Before(now) || !leaf.NotAfter.Equal(now.Add(SelfSignedValidity).Truncate(time.Second)) {
		t.Errorf("valid %v to %v", leaf.NotBefore, leaf.NotAfter)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	for _, name := range []string{"localhost", "myhost", "127.0.0.1", "::1", "192.168.1.20"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: now}); err != nil {
			t.Errorf("not valid for %s: %v", name, err)
		}
	}
	if err := leaf.VerifyHostname("10.0.0.1"); err == nil {
		t.Error("valid for an address it was not made for")
	}
	// Two certificates never share a key.
	again, err := SelfSigned(hosts, ips, now)
	if err != nil {
		t.Fatal(err)
	}
	if again.Leaf.PublicKey.(*ecdsa.PublicKey).Equal(leaf.PublicKey) {
		t.Error("two self-signed certificates share a key")
	}
	// The pair is usable by crypto/tls.
	if _, err := tls.X509KeyPair(
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}),
		mustKeyPEM(t, cert)); err != nil {
		t.Error(err)
	}
}

func mustKeyPEM(t *testing.T, cert tls.Certificate) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func TestFingerprint(t *testing.T) {
	der := []byte("any bytes")
	sum := sha256.Sum256(der)
	got := Fingerprint(der)
	if len(got) != 32*3-1 || strings.ToUpper(got) != got {
		t.Fatalf("Fingerprint = %q", got)
	}
	if want := strings.ToUpper(hex.EncodeToString(sum[:])); strings.ReplaceAll(got, ":", "") != want {
		t.Errorf("Fingerprint = %q, want the bytes of %s", got, want)
	}
}

func TestServerConfigOffersHTTP2(t *testing.T) {
	cert, err := SelfSigned([]string{"localhost"}, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg := ServerConfig(cert)
	if len(cfg.NextProtos) == 0 || cfg.NextProtos[0] != "h2" || cfg.MinVersion < tls.VersionTLS12 {
		t.Errorf("config %+v", cfg)
	}
}

// handshake runs a TLS handshake between a server with cfg and a client
// with client over an in-memory connection, and returns the client's
// error.
func handshake(t *testing.T, cfg, client *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	sc, cc := net.Pipe()
	defer sc.Close()
	defer cc.Close()
	srv := tls.Server(sc, cfg)
	go func() {
		_ = srv.Handshake()
		sc.Close() // a refused client reads the alert, then the end
	}()
	c := tls.Client(cc, client)
	err := c.Handshake()
	return c.ConnectionState(), err
}

// TestServerConfigSuites: a TLS 1.2 client is served only with a suite
// that has forward secrecy and an AEAD cipher; one that offers only CBC
// suites, or only an RSA key exchange, is refused. TLS 1.3 is served.
func TestServerConfigSuites(t *testing.T) {
	ecdsaCert, err := SelfSigned([]string{"localhost"}, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsaKey.PublicKey, rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	rsaCert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: rsaKey}
	served := 0
	for _, suite := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if !slices.Contains(suite.SupportedVersions, tls.VersionTLS12) {
			continue
		}
		cert := rsaCert
		if strings.Contains(suite.Name, "ECDSA") {
			cert = ecdsaCert
		}
		want := strings.HasPrefix(suite.Name, "TLS_ECDHE_") &&
			(strings.Contains(suite.Name, "_GCM_") || strings.Contains(suite.Name, "_CHACHA20_POLY1305"))
		client := &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite.ID}}
		state, err := handshake(t, ServerConfig(cert), client)
		switch {
		case want && err != nil:
			t.Errorf("%s: refused: %v", suite.Name, err)
		case !want && err == nil:
			t.Errorf("%s: served, want refused", suite.Name)
		case want && state.CipherSuite != suite.ID:
			t.Errorf("%s: served with %s", suite.Name, tls.CipherSuiteName(state.CipherSuite))
		case want:
			served++
		}
	}
	if served != 6 {
		t.Errorf("%d TLS 1.2 suites served, want 6", served)
	}
	state, err := handshake(t, ServerConfig(ecdsaCert), &tls.Config{InsecureSkipVerify: true})
	if err != nil || state.Version != tls.VersionTLS13 {
		t.Errorf("TLS 1.3: %v, version %#x", err, state.Version)
	}
}
