package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// portFallbacks is how many ports after the default one the server tries
// before it takes any free port.
const portFallbacks = 10

// listenSite opens the listening socket. When no port was given and the
// default one is taken (another server on 8000 is common), it tries the
// next few, then any free port, and says so on stdout; a port the user
// asked for is theirs or an error.
func listenSite(o *options, stdout io.Writer) (net.Listener, error) {
	ln, err := net.Listen("tcp", listenAddress(o.bind, o.port))
	if err == nil || o.portGiven || !errors.Is(err, syscall.EADDRINUSE) {
		if err != nil {
			return nil, listenError(o.bind, o.port, err)
		}
		return ln, nil
	}
	for _, p := range fallbackPorts(o.port) {
		if ln, err := net.Listen("tcp", listenAddress(o.bind, p)); err == nil {
			fmt.Fprintf(stdout, "Port %d is in use; using port %d instead\n", o.port, ln.Addr().(*net.TCPAddr).Port)
			return ln, nil
		}
	}
	return nil, listenError(o.bind, o.port, err)
}

// fallbackPorts are the ports tried, in order, when port is taken: the
// next few, then 0 (any free one).
func fallbackPorts(port int) []int {
	var ports []int
	for p := port + 1; p <= port+portFallbacks && p <= 65535; p++ {
		ports = append(ports, p)
	}
	return append(ports, 0)
}
