package main

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strings"

	"rsc.io/qr"
)

// portFallbacks is how many ports after the default one the server tries
// before it takes any free port.
const portFallbacks = 10

// listenSite opens the listening socket. When no port was given and the
// default one is taken (another server on 8000 is common), it tries the
// next few, then any free port, and returns a note saying so for the
// banner; a port the user asked for is theirs or an error.
func listenSite(o *options) (ln net.Listener, note string, err error) {
	ln, err = net.Listen("tcp", listenAddress(o.bind, o.port))
	if err == nil {
		return ln, "", nil
	}
	if !o.portGiven && isAddrInUse(err) {
		for _, p := range fallbackPorts(o.port) {
			if other, otherErr := net.Listen("tcp", listenAddress(o.bind, p)); otherErr == nil {
				note = fmt.Sprintf("Port %d is in use; using port %d instead", o.port, other.Addr().(*net.TCPAddr).Port)
				return other, note, nil
			}
		}
	}
	return nil, "", listenError(o.bind, o.port, err)
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

// shareURL is the URL to give another device: the first network one
// (IPv4 if there is one: not every phone or network has IPv6), or when the
// server is reachable only from this machine, the first local one (and
// local says so).
func shareURL(scheme string, addr net.Addr, ifaddrs []net.IP) (url string, local bool) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "", true
	}
	ips := reachableIPs(tcp.IP, ifaddrs)
	network := slices.DeleteFunc(slices.Clone(ips), net.IP.IsLoopback)
	slices.SortStableFunc(network, func(a, b net.IP) int { return btoi(a.To4() == nil) - btoi(b.To4() == nil) })
	if len(network) > 0 {
		return siteURL(scheme, network[0], tcp.Port), false
	}
	if len(ips) == 0 {
		return siteURL(scheme, tcp.IP, tcp.Port), true
	}
	return siteURL(scheme, ips[0], tcp.Port), true
}

// browserURL is the URL to open on this machine: the first local one, or
// the first network one when the server listens on no loopback address.
func browserURL(scheme string, addr net.Addr, ifaddrs []net.IP) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return ""
	}
	ips := reachableIPs(tcp.IP, ifaddrs)
	if len(ips) == 0 {
		return siteURL(scheme, tcp.IP, tcp.Port)
	}
	return siteURL(scheme, ips[0], tcp.Port) // loopback ones come first
}

// qrQuietZone is the blank margin around a QR code, in modules. The
// standard asks for 4; phones read terminal codes with 2 and it keeps the
// code small.
const qrQuietZone = 2

// writeQR prints a QR code of url for a phone to scan, two rows of
// modules per line of text with half-block characters. Light modules are
// printed (as block characters in the text colour) and dark ones left
// blank, which reads right on the usual light-on-dark terminal; phone
// scanners also read the code inverted.
func writeQR(out io.Writer, url string) error {
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		return err
	}
	light := func(x, y int) bool {
		x, y = x-qrQuietZone, y-qrQuietZone
		outside := x < 0 || y < 0 || x >= code.Size || y >= code.Size
		return outside || !code.Black(x, y)
	}
	side := code.Size + 2*qrQuietZone
	var b strings.Builder
	for y := 0; y < side; y += 2 {
		for x := range side {
			top, bottom := light(x, y), y+1 < side && light(x, y+1)
			b.WriteString(halfBlocks[btoi(top)<<1|btoi(bottom)])
		}
		b.WriteString("\n")
	}
	_, err = io.WriteString(out, b.String())
	return err
}

// halfBlocks are the characters for a column of two modules, indexed by
// top<<1 | bottom, where 1 is a printed (light) module.
var halfBlocks = [4]string{" ", "▄", "▀", "█"}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// printQR prints, under the banner, the QR code of the URL to give another
// device, with a line saying which URL it is.
func printQR(out io.Writer, scheme string, addr net.Addr, ifaddrs []net.IP) {
	url, local := shareURL(scheme, addr, ifaddrs)
	if url == "" {
		return
	}
	note := "Scan to open " + url + " on a phone on this network:\n"
	if local {
		note = "No network address to share: the QR code is of " + url + ", which only this machine can open.\n"
	}
	var b strings.Builder
	b.WriteString(note)
	if err := writeQR(&b, url); err != nil {
		b.Reset()
		fmt.Fprintf(&b, "simplehttp: no QR code for %s: %v\n", url, err)
	}
	io.WriteString(out, b.String())
}

// printSharing prints, under the banner, the note about the certificate
// (if any) and, with --qr, the QR code.
func printSharing(out io.Writer, o *options, addr net.Addr, ifaddrs []net.IP, certNote string) {
	if certNote != "" {
		fmt.Fprintln(out, certNote)
	}
	if o.qr {
		printQR(out, o.scheme(), addr, ifaddrs)
	}
}
