package tlsconfig_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/simplehttp/simplehttp/tlsconfig"
)

// A server with an ephemeral certificate, and a client that trusts it
// because its fingerprint is the one the server printed.
func Example() {
	cert, err := tlsconfig.SelfSigned([]string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)}, time.Now())
	if err != nil {
		panic(err)
	}
	printed := tlsconfig.Fingerprint(cert.Certificate[0])

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello over %s", r.Proto)
	}))
	srv.TLS = tlsconfig.ServerConfig(cert)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()

	conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		panic(err)
	}
	seen := tlsconfig.Fingerprint(conn.ConnectionState().PeerCertificates[0].Raw)
	conn.Close()
	fmt.Println("fingerprints match:", seen == printed)

	// Once checked, the certificate can be trusted as it is.
	roots := x509.NewCertPool()
	roots.AddCert(cert.Leaf)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + srv.Listener.Addr().String() + "/")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output:
	// fingerprints match: true
	// hello over HTTP/2.0
}
