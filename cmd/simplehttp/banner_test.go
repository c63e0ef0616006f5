package main

import (
	"net"
	"strings"
	"testing"
)

func ips(s ...string) []net.IP {
	out := make([]net.IP, len(s))
	for i, a := range s {
		out[i] = net.ParseIP(a)
	}
	return out
}

func TestPrintBanner(t *testing.T) {
	ifaddrs := ips("192.168.1.20", "127.0.0.1", "fe80::1", "::1", "2001:db8::7", "169.254.3.4")
	tests := []struct {
		name   string
		addr   string
		hidden []string
		want   string
	}{
		{
			name: "dual stack", addr: "[::]:8000",
			want: "Serving HTTP on :: port 8000 (http://[::]:8000/) ...\n" +
				"  Local:   http://127.0.0.1:8000/\n" +
				"  Local:   http://[::1]:8000/\n" +
				"  Network: http://192.168.1.20:8000/\n" +
				"  Network: http://[2001:db8::7]:8000/\n",
		},
		{
			name: "IPv4 wildcard", addr: "0.0.0.0:8080",
			want: "Serving HTTP on 0.0.0.0 port 8080 (http://0.0.0.0:8080/) ...\n" +
				"  Local:   http://127.0.0.1:8080/\n" +
				"  Network: http://192.168.1.20:8080/\n",
		},
		{
			name: "one address", addr: "192.168.1.20:80", hidden: []string{".env"},
			want: "Serving HTTP on 192.168.1.20 port 80 (http://192.168.1.20:80/) ...\n" +
				"  Network: http://192.168.1.20:80/\n" +
				"Hiding 1 dotfile (.env); --dotfiles serves it\n",
		},
		{
			name: "loopback", addr: "[::1]:9000", hidden: []string{".env", ".git"},
			want: "Serving HTTP on ::1 port 9000 (http://[::1]:9000/) ...\n" +
				"  Local:   http://[::1]:9000/\n" +
				"Hiding 2 dotfiles (.env, .git); --dotfiles serves them\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr, err := net.ResolveTCPAddr("tcp", tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			printBanner(&b, "http", addr, ifaddrs, tc.hidden)
			if b.String() != tc.want {
				t.Errorf("banner:\n%s\nwant:\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestHiddenNote(t *testing.T) {
	tests := []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{[]string{".env"}, "Hiding 1 dotfile (.env); --dotfiles serves it"},
		{[]string{".a", ".b", ".c"}, "Hiding 3 dotfiles (.a, .b, .c); --dotfiles serves them"},
		{[]string{".a", ".b", ".c", ".d", ".e"}, "Hiding 5 dotfiles (.a, .b, .c, …); --dotfiles serves them"},
		{[]string{".\x1b[2Jevil"}, `Hiding 1 dotfile (.\x1b[2Jevil); --dotfiles serves it`},
	}
	for _, tc := range tests {
		if got := hiddenNote(tc.names); got != tc.want {
			t.Errorf("hiddenNote(%q) = %q, want %q", tc.names, got, tc.want)
		}
	}
}

// TestTopDotfiles: the banner counts the top level's dotfiles, not
// .well-known (which is served) and not deeper ones.
func TestTopDotfiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{".git/config", ".env", ".well-known/security.txt", "sub/.hidden", "visible.txt"} {
		writeFile(t, dir, name, []byte("x"))
	}
	s, err := openSite(&options{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.root.Close()
	if got := strings.Join(s.hidden, " "); got != ".env .git" {
		t.Errorf("hidden %q, want .env .git", got)
	}
	s2, err := openSite(&options{dir: dir, dotfiles: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.root.Close()
	if len(s2.hidden) != 0 {
		t.Errorf("with --dotfiles, hidden %q", s2.hidden)
	}
}

// TestListenAddress: the default is ":port", which net.Listen makes one
// dual-stack socket. (The tests listen on 127.0.0.1 only, so the
// wildcard itself is not opened here.)
func TestListenAddress(t *testing.T) {
	for _, tc := range []struct {
		bind string
		port int
		want string
	}{
		{"", 8000, ":8000"},
		{"", 0, ":0"},
		{"0.0.0.0", 80, "0.0.0.0:80"},
		{"::", 80, "[::]:80"},
		{"::1", 8000, "[::1]:8000"},
		{"[::1]", 8000, "[::1]:8000"},
		{"localhost", 8000, "localhost:8000"},
	} {
		if got := listenAddress(tc.bind, tc.port); got != tc.want {
			t.Errorf("listenAddress(%q, %d) = %q, want %q", tc.bind, tc.port, got, tc.want)
		}
	}
}
