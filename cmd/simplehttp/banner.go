package main

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/simplehttp/simplehttp/internal/termsafe"
)

// printBanner tells where the server listens, as Python's http.server
// does, then the URLs a person can open (on this machine, from the
// network), then which dotfiles it hides. It is one write, so that
// nothing comes between its lines. scheme is "http" or "https".
func printBanner(out io.Writer, scheme string, addr net.Addr, ifaddrs []net.IP, hidden []string) {
	var w strings.Builder
	defer func() { io.WriteString(out, w.String()) }()
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		fmt.Fprintf(&w, "Serving %s on %s ...\n", strings.ToUpper(scheme), addr)
		return
	}
	fmt.Fprintf(&w, "Serving %s on %s port %d (%s) ...\n", strings.ToUpper(scheme), tcp.IP, tcp.Port, siteURL(scheme, tcp.IP, tcp.Port))
	for _, ip := range reachableIPs(tcp.IP, ifaddrs) {
		label := "Network:"
		if ip.IsLoopback() {
			label = "Local:  "
		}
		fmt.Fprintf(&w, "  %s %s\n", label, siteURL(scheme, ip, tcp.Port))
	}
	if note := hiddenNote(hidden); note != "" {
		fmt.Fprintln(&w, note)
	}
}

// siteURL is the URL of the server at ip and port.
func siteURL(scheme string, ip net.IP, port int) string {
	return scheme + "://" + net.JoinHostPort(ip.String(), strconv.Itoa(port)) + "/"
}

// reachableIPs are the addresses a browser can use to reach a server
// listening on ip: ip itself, or for a wildcard every address of this
// machine (IPv4 only for 0.0.0.0), loopback first. Link-local addresses
// are left out: browsers cannot use an IPv6 zone.
func reachableIPs(ip net.IP, ifaddrs []net.IP) []net.IP {
	if !ip.IsUnspecified() {
		return []net.IP{ip}
	}
	v4only := ip.To4() != nil
	var local, network []net.IP
	for _, a := range ifaddrs {
		switch {
		case v4only && a.To4() == nil, a.IsLinkLocalUnicast(), a.IsUnspecified():
		case a.IsLoopback():
			local = append(local, a)
		default:
			network = append(network, a)
		}
	}
	return append(local, network...)
}

// interfaceAddrs are the addresses of the network interfaces that are up.
func interfaceAddrs() []net.IP {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var ips []net.IP
	for _, iface := range ifaces {
		if iface.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := iface.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if ipnet, ok := a.(*net.IPNet); ok {
				ips = append(ips, ipnet.IP)
			}
		}
	}
	return ips
}

// maxNamedDotfiles is how many hidden names the banner shows.
const maxNamedDotfiles = 3

// hiddenNote is the banner's line about the hidden dotfiles, if any.
func hiddenNote(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("Hiding 1 dotfile (%s); --dotfiles serves it", termsafe.String(names[0]))
	}
	shown := make([]string, 0, maxNamedDotfiles+1)
	for _, n := range names[:min(len(names), maxNamedDotfiles)] {
		shown = append(shown, termsafe.String(n))
	}
	if len(names) > maxNamedDotfiles {
		shown = append(shown, "…")
	}
	return fmt.Sprintf("Hiding %d dotfiles (%s); --dotfiles serves them", len(names), strings.Join(shown, ", "))
}
