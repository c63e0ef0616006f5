//go:build linux

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// certPair is the certificate every server serves HTTPS with: one
// self-signed ECDSA P-256 certificate for 127.0.0.1, as PEM files.
type certPair struct {
	certFile, keyFile string
	pool              *x509.CertPool // trusts it, for this program's own clients
}

// writeCert makes a certificate valid for a day and writes it and its
// key into dir.
func writeCert(dir string) (*certPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	c := &certPair{certFile: filepath.Join(dir, "cert.pem"), keyFile: filepath.Join(dir, "key.pem"), pool: x509.NewCertPool()}
	c.pool.AddCert(cert)
	if err := os.WriteFile(c.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return c, os.WriteFile(c.keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
}

// client is an HTTP client of the servers: over HTTPS (HTTP/2 where
// offered) trusting cert when cert is not nil. It never decompresses:
// the checks look at the bytes as sent.
func (c *certPair) client(timeout time.Duration) *http.Client {
	t := &http.Transport{DisableCompression: true, ForceAttemptHTTP2: true}
	if c != nil {
		t.TLSClientConfig = &tls.Config{RootCAs: c.pool}
	}
	return &http.Client{Timeout: timeout, Transport: t}
}
