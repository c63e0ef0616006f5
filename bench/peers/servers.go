//go:build linux

package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// peer is a server under test: how to start it on port, serving root,
// with tmp as its scratch directory, over HTTPS with cert when cert is
// not nil. A yardstick is measured on the loads marked for it alone; a
// peer that is not tlsCapable only over plain HTTP.
type peer struct {
	name       string
	command    func(root, tmp string, port int, cert *certPair) ([]string, error)
	yardstick  bool
	tlsCapable bool
}

// peers are the servers this program knows, ours first.
func peers(cfg config) []peer {
	oursBin, stdfsBin, floorBin := cfg.ours, cfg.stdfs, cfg.floor
	return []peer{
		{"simplehttp", func(root, _ string, port int, cert *certPair) ([]string, error) {
			argv := []string{oursBin, "-q", "-b", "127.0.0.1", "-d", root, strconv.Itoa(port)}
			if cert != nil {
				argv = append(argv, "--tls-cert", cert.certFile, "--tls-key", cert.keyFile)
			}
			return argv, nil
		}, false, true},
		{"nginx", func(root, tmp string, port int, cert *certPair) ([]string, error) {
			conf, err := writeNginxConf(root, tmp, port, cert)
			return []string{"nginx", "-p", tmp + "/", "-c", conf, "-e", filepath.Join(tmp, "error.log"), "-g", "daemon off;"}, err
		}, false, true},
		{"caddy", func(root, tmp string, port int, cert *certPair) ([]string, error) {
			conf, err := writeCaddyfile(root, tmp, port, cert)
			// Caddy keeps state under $XDG_DATA_HOME and $XDG_CONFIG_HOME:
			// the run's own, not the user's.
			return []string{"env", "XDG_DATA_HOME=" + tmp, "XDG_CONFIG_HOME=" + tmp,
				"caddy", "run", "--adapter", "caddyfile", "--config", conf}, err
		}, false, true},
		{"stdfs", func(root, _ string, port int, _ *certPair) ([]string, error) {
			return []string{stdfsBin, "127.0.0.1:" + strconv.Itoa(port), root}, nil
		}, false, false},
		{"floor", func(root, _ string, port int, cert *certPair) ([]string, error) {
			argv := []string{floorBin, "127.0.0.1:" + strconv.Itoa(port), root}
			if cert != nil {
				argv = append(argv, cert.certFile, cert.keyFile)
			}
			return argv, nil
		}, true, true},
		{"python", func(root, _ string, port int, _ *certPair) ([]string, error) {
			return []string{"python3", "-m", "http.server", "-b", "127.0.0.1", "-d", root, strconv.Itoa(port)}, nil
		}, false, false},
	}
}

// writeNginxConf writes a configuration of nginx's own for the run: one
// worker, autoindex, sendfile, gzip at level 1 (nginx's default level)
// for the types the others compress, no access log, and keep-alive
// connections that serve as many requests as the others' do; with cert,
// HTTPS and HTTP/2 on the same port. Nothing is read from or written to
// the system's nginx directories.
func writeNginxConf(root, tmp string, port int, cert *certPair) (string, error) {
	userLine := ""
	if os.Geteuid() == 0 {
		// As root nginx would run its worker as nobody, which may not
		// read the fixtures: run it as the user running this instead.
		u, err := user.Current()
		if err != nil {
			return "", err
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return "", err
		}
		userLine = fmt.Sprintf("user %s %s;", u.Username, g.Name)
	}
	listen := fmt.Sprintf("listen 127.0.0.1:%d;", port)
	if cert != nil {
		listen = fmt.Sprintf("listen 127.0.0.1:%d ssl http2;\n\t\tssl_certificate %s;\n\t\tssl_certificate_key %s;",
			port, cert.certFile, cert.keyFile)
	}
	conf := fmt.Sprintf(`# written by bench/peers for one run; not the system's configuration
%[1]s
worker_processes 1;
worker_rlimit_nofile 8192;
pid %[2]s/nginx.pid;
events { worker_connections 4096; }
http {
	types { text/plain txt; text/html html; application/javascript js; application/octet-stream bin; }
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 60s;
	gzip on;
	gzip_comp_level 1;
	gzip_vary on;
	gzip_types text/plain application/javascript;
	client_body_temp_path %[2]s/client_body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	server {
		%[3]s
		root %[4]s;
		autoindex on;
	}
}
`, userLine, tmp, listen, root)
	name := filepath.Join(tmp, "nginx.conf")
	return name, os.WriteFile(name, []byte(conf), 0o644)
}

// writeCaddyfile writes a Caddyfile for the run: a file server with
// listings (browse), compressing with zstd and gzip (encode zstd gzip,
// Caddy's documented choice), no access log (Caddy's default), no admin
// endpoint, no automatic HTTPS; with cert, HTTPS and HTTP/2 with it.
func writeCaddyfile(root, tmp string, port int, cert *certPair) (string, error) {
	site, tlsLine := fmt.Sprintf("http://:%d", port), ""
	if cert != nil {
		site, tlsLine = fmt.Sprintf("https://:%d", port), fmt.Sprintf("tls %s %s", cert.certFile, cert.keyFile)
	}
	conf := fmt.Sprintf(`# written by bench/peers for one run
{
	admin off
	auto_https off
	storage file_system %[1]s/caddy
}
%[2]s {
	bind 127.0.0.1
	%[3]s
	root * %[4]s
	encode zstd gzip
	file_server browse
}
`, tmp, site, tlsLine, root)
	name := filepath.Join(tmp, "Caddyfile")
	return name, os.WriteFile(name, []byte(conf), 0o644)
}

// running is a started server.
type running struct {
	name   string
	pid    int
	base   string // http://127.0.0.1:port, or https:// over TLS
	addr   string
	cert   *certPair // the certificate it serves HTTPS with, or nil
	cmd    *exec.Cmd
	exited chan struct{}
}

// live is the server running now, which a signal stops.
var live struct {
	sync.Mutex
	s *running
}

// stopLive stops the server running now, if one is.
func stopLive() {
	live.Lock()
	s := live.s
	live.Unlock()
	if s != nil {
		s.stop()
	}
}

// start runs p on core cpu, over HTTPS with cert when it is not nil,
// with its output in tmp/NAME.log, and waits (at most 15 s) until it
// serves small.txt.
func start(p peer, root, tmp string, cpu int, cert *certPair) (*running, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv, err := p.command(root, tmp, port, cert)
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(tmp, p.name+".log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command("taskset", append([]string{"-c", strconv.Itoa(cpu)}, argv...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &running{name: p.name, pid: cmd.Process.Pid, cert: cert, cmd: cmd, exited: make(chan struct{})}
	s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.base = "http://" + s.addr
	if cert != nil {
		s.base = "https://" + s.addr
	}
	go func() { cmd.Wait(); close(s.exited) }()

	client := cert.client(time.Second)
	defer client.CloseIdleConnections()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		select {
		case <-s.exited:
			b, _ := os.ReadFile(logf.Name())
			return nil, fmt.Errorf("%s exited: %s", p.name, lastLine(b))
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := client.Get(s.base + "/small.txt"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				live.Lock()
				live.s = s
				live.Unlock()
				return s, nil
			}
		}
	}
	s.stop()
	return nil, errors.New(p.name + " did not answer within 15 s")
}

// stop ends the server and its children: SIGTERM, and SIGKILL to what is
// left of its process tree after 5 s.
func (s *running) stop() {
	live.Lock()
	if live.s == s {
		live.s = nil
	}
	live.Unlock()
	pids := tree(s.pid, allProcesses())
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
	}
	for _, pid := range pids {
		if _, alive := readStat(pid); alive {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	<-s.exited
}

// freePort is a port free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// lastLine is the last line of a server's output, for an error message.
func lastLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "(no output)"
	}
	return s[strings.LastIndexByte(s, '\n')+1:]
}
