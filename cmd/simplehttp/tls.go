package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/simplehttp/simplehttp/internal/termsafe"

	"github.com/simplehttp/simplehttp/tlsconfig"
)

// share is what the command line asks for sharing the folder: HTTPS, a QR
// code, a browser.
type share struct {
	tlsCert       string // --tls-cert
	tlsKey        string // --tls-key
	tlsSelfSigned bool   // --tls-self-signed
	qr            bool   // --qr
	open          bool   // --open
}

// tlsOn reports whether the server speaks HTTPS.
func (s *share) tlsOn() bool { return s.tlsCert != "" || s.tlsSelfSigned }

// scheme is the scheme of the server's URLs.
func (s *share) scheme() string {
	if s.tlsOn() {
		return "https"
	}
	return "http"
}

// checkTLSFlags refuses TLS options that do not go together.
func checkTLSFlags(o *options) error {
	switch {
	case o.tlsSelfSigned && (o.tlsCert != "" || o.tlsKey != ""):
		return usagef("option --tls-self-signed cannot go with --tls-cert or --tls-key")
	case o.tlsCert != "" && o.tlsKey == "":
		return usagef("option --tls-cert needs --tls-key")
	case o.tlsKey != "" && o.tlsCert == "":
		return usagef("option --tls-key needs --tls-cert")
	}
	return nil
}

// serverTLS is the TLS configuration of the server listening at addr on a
// machine with the addresses ifaddrs, or nil for plain HTTP, and the
// banner's note about the certificate.
func serverTLS(o *options, addr net.Addr, ifaddrs []net.IP) (cfg *tls.Config, note string, err error) {
	var cert tls.Certificate
	switch {
	case o.tlsCert != "":
		cert, err = tlsconfig.Load(o.tlsCert, o.tlsKey, time.Now())
		if err == nil {
			note = certificateNote(cert.Leaf)
		}
	case o.tlsSelfSigned:
		cert, err = tlsconfig.SelfSigned(selfSignedHosts(o.bind), selfSignedIPs(addr, ifaddrs), time.Now())
		if err == nil {
			note = fingerprintNote(tlsconfig.Fingerprint(cert.Certificate[0]))
		}
	default:
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return tlsconfig.ServerConfig(cert), note, nil
}

// maxCertificateNames is how many of its names the banner shows for a
// certificate.
const maxCertificateNames = 4

// certificateNote is the banner's line about a certificate from
// --tls-cert: the names and addresses it is good for (clients reaching
// the server by any other name refuse it) and until when.
func certificateNote(leaf *x509.Certificate) string {
	names := slices.Clone(leaf.DNSNames)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && leaf.Subject.CommonName != "" {
		names = append(names, leaf.Subject.CommonName)
	}
	for i, n := range names {
		names[i] = termsafe.String(n)
	}
	if len(names) > maxCertificateNames {
		names = append(names[:maxCertificateNames], "…")
	}
	return fmt.Sprintf("Certificate for %s, valid until %s", strings.Join(names, ", "), leaf.NotAfter.UTC().Format("2006-01-02 15:04 UTC"))
}

// selfSignedHosts are the names a self-signed certificate is made for:
// localhost, this machine's name, and the --bind name if it is one.
func selfSignedHosts(bind string) []string {
	hosts := []string{"localhost"}
	if name, err := os.Hostname(); err == nil && name != "" && name != "localhost" {
		hosts = append(hosts, name)
	}
	if bind != "" && net.ParseIP(strings.Trim(bind, "[]")) == nil && bind != "localhost" {
		hosts = append(hosts, bind)
	}
	return hosts
}

// selfSignedIPs are the addresses a self-signed certificate is made for:
// every address the banner shows, and the loopback ones.
func selfSignedIPs(addr net.Addr, ifaddrs []net.IP) []net.IP {
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if tcp, ok := addr.(*net.TCPAddr); ok {
		for _, ip := range reachableIPs(tcp.IP, ifaddrs) {
			if !ip.IsLoopback() {
				ips = append(ips, ip)
			}
		}
	}
	return ips
}

// fingerprintNote is the banner's line with the fingerprint of a
// self-signed certificate, which a user compares with the one the browser
// shows before trusting it.
func fingerprintNote(fingerprint string) string {
	return "Self-signed certificate, SHA-256 fingerprint (check it in the browser):\n  " + fingerprint
}

// serveOn serves on l, over TLS when the server has a TLS configuration.
// The TLS connections wrap l's, whose writes keep their deadlines; there
// is no sendfile under TLS (the bytes must be encrypted), and net/http
// then simply copies.
func serveOn(srv *http.Server, l net.Listener) error {
	if srv.TLSConfig != nil {
		return srv.ServeTLS(l, "", "")
	}
	return srv.Serve(l)
}
