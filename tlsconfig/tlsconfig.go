// Package tlsconfig loads and checks a certificate and key for a server,
// or makes an ephemeral self-signed one, and computes the SHA-256
// fingerprint browsers show for a certificate.
//
// Its errors name only the files they were given, never another path, and
// say what is wrong in one line.
package tlsconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"slices"
	"strings"
	"time"
)

// SelfSignedValidity is how long a certificate from SelfSigned is valid:
// long enough for a session of sharing, short enough not to be worth
// stealing.
const SelfSignedValidity = 7 * 24 * time.Hour

// clockSkew is how far before now a self-signed certificate starts being
// valid, for a client whose clock is a little behind.
const clockSkew = time.Hour

// Load reads the PEM certificate chain in certFile and the PEM private key
// in keyFile, and checks that they belong together and that the first
// certificate is valid at now.
func Load(certFile, keyFile string, now time.Time) (tls.Certificate, error) {
	certPEM, err := readFile("certificate", certFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := readFile("key", keyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	return parse(certPEM, keyPEM, certFile, keyFile, now)
}

// parse is Load for PEM data already read; certName and keyName are what
// the errors call the two.
func parse(certPEM, keyPEM []byte, certName, keyName string, now time.Time) (tls.Certificate, error) {
	if !strings.Contains(string(certPEM), "-----BEGIN CERTIFICATE-----") {
		return tls.Certificate{}, fmt.Errorf("certificate %q holds no PEM certificate", certName)
	}
	if !strings.Contains(string(keyPEM), "PRIVATE KEY-----") {
		return tls.Certificate{}, fmt.Errorf("key %q holds no PEM private key", keyName)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, pairError(certName, keyName, err)
	}
	leaf := cert.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return tls.Certificate{}, fmt.Errorf("certificate %q cannot be parsed: %v", certName, err)
		}
		cert.Leaf = leaf
	}
	const day = "2006-01-02 15:04 UTC"
	switch {
	case now.After(leaf.NotAfter):
		return tls.Certificate{}, fmt.Errorf("certificate %q expired on %s", certName, leaf.NotAfter.UTC().Format(day))
	case now.Before(leaf.NotBefore):
		return tls.Certificate{}, fmt.Errorf("certificate %q is not valid before %s", certName, leaf.NotBefore.UTC().Format(day))
	}
	return cert, nil
}

// readFile reads the file name, which holds the named kind of thing, with
// an error that names only name.
func readFile(kind, name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s %q does not exist", kind, name)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read %s %q: permission denied", kind, name)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return nil, fmt.Errorf("cannot read %s %q: %v", kind, name, err)
}

// pairError explains why tls.X509KeyPair refused a pair.
func pairError(certName, keyName string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not match"):
		return fmt.Errorf("key %q does not match certificate %q", keyName, certName)
	case strings.Contains(msg, "private key"):
		return fmt.Errorf("key %q cannot be parsed", keyName)
	}
	return fmt.Errorf("certificate %q cannot be used: %s", certName, strings.TrimPrefix(msg, "tls: "))
}

// SelfSigned makes a certificate, valid from a little before now for
// SelfSignedValidity, for the given host names and addresses, with a new
// ECDSA P-256 key (which every browser accepts). The key lives only in
// memory.
func SelfSigned(hosts []string, ips []net.IP, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"simplehttp"}, CommonName: "simplehttp self-signed"},
		NotBefore:             now.Add(-clockSkew),
		NotAfter:              now.Add(SelfSignedValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, // and not a CA: Firefox refuses a CA certificate as a server's
		DNSNames:              hosts,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// Fingerprint is the SHA-256 fingerprint of a DER certificate as browsers
// and openssl show it: upper-case hex bytes joined by colons.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	parts := make([]string, 0, len(sum))
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// tls12Suites are the cipher suites ServerConfig offers to a TLS 1.2
// client: those with forward secrecy (an ECDHE key exchange) and an AEAD
// cipher (AES-GCM or ChaCha20-Poly1305). They are Mozilla's
// "intermediate" profile less its DHE suites, which Go does not have;
// its oldest clients are Firefox 27, Chrome 31, Safari 9, Android 4.4.2
// and Java 8. Go's default list adds CBC suites, whose MAC-then-encrypt
// design is what LUCKY13 and its kin attack, and which TLS scanners flag.
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// ServerConfig is a TLS configuration serving cert, offering HTTP/2 and
// HTTP/1.1 by ALPN, with TLS 1.2 at least. TLS 1.3 is as Go has it (all
// its suites are AEAD); TLS 1.2 offers only ECDHE with AES-GCM or
// ChaCha20-Poly1305, never a CBC suite nor one without forward secrecy.
func ServerConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: slices.Clone(tls12Suites),
		NextProtos:   []string{"h2", "http/1.1"},
	}
}
