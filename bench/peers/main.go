//go:build linux

// Command peers measures simplehttp beside nginx, Caddy and Go's
// http.FileServer (and Python's http.server, where python3 is installed)
// under the same loads, and prints the medians of the runs and the ratios
// of ours to each. Beside them it measures the floor (bench/floor), the
// least a net/http server can do per request, on the 1 KiB file and the
// 404, over HTTP/1.1 and HTTP/2: what net/http itself allows there. make
// bench-peers builds the servers and runs it.
//
// Each server in turn serves a fresh fixture tree from one core (taskset);
// wrk, h2load and this program's own clients run on the other. The loads,
// over HTTP/1.1: a 1 KiB file and a 404 over 50 keep-alive connections, a
// 10,000-entry listing over 10, a 256 MiB file over 4 (with the server's
// CPU time per GB sent), asked for as curl asks; the 1 KiB file, a 35 KiB
// script, 4 KiB of base64 of random bytes and the listing asked for as
// Chrome asks (its headers, Accept-Encoding among them), with the bytes
// on the wire per answer; then, on a server started afresh, the RSS of
// the server's process tree holding 1,000 idle keep-alive connections and
// its highest RSS (VmHWM) while 50 clients download the 256 MiB file at
// once; then, on a server started afresh over HTTPS, the 1 KiB file over
// HTTP/2 (h2load, 20 connections of 10 streams), as curl and as Chrome
// asks; and the peak RSS over the whole run.
//
// Usage: peers [flags]; peers -h lists them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// config is the command line.
type config struct {
	ours, stdfs, floor   string
	servers              []string
	runs                 int
	duration, warmup     time.Duration
	serverCPU, clientCPU int
	largeMiB, many       int
	idle, downloaders    int
	scratch              string
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(2)
	}
	if err := pin(cfg.clientCPU); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	fs.StringVar(&cfg.ours, "ours", "bin/simplehttp", "the simplehttp binary to measure")
	fs.StringVar(&cfg.stdfs, "stdfs", "bin/stdfs", "the http.FileServer reference (bench/stdfs)")
	fs.StringVar(&cfg.floor, "floor", "bin/floor", "the net/http floor (bench/floor), measured on the 1 KiB file (as curl and as Chrome asks) and the 404")
	servers := fs.String("servers", "simplehttp,nginx,caddy,stdfs,floor,python", "the servers to run (simplehttp among them); missing ones are skipped")
	fs.IntVar(&cfg.runs, "runs", 3, "runs of every load; the table shows medians")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "measured time per load")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured load before each (0: none)")
	fs.IntVar(&cfg.serverCPU, "server-cpu", 1, "the core the servers run on")
	fs.IntVar(&cfg.clientCPU, "client-cpu", 0, "the core wrk and this program run on")
	fs.IntVar(&cfg.largeMiB, "large-mib", 256, "size of the large file, MiB")
	fs.IntVar(&cfg.many, "many", 10000, "entries in the listed folder")
	fs.IntVar(&cfg.idle, "idle", 1000, "idle keep-alive connections to hold")
	fs.IntVar(&cfg.downloaders, "downloaders", 50, "clients downloading the large file at once")
	fs.StringVar(&cfg.scratch, "scratch", "", "directory for the fixtures and server files (default: a new temporary one, removed at the end)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg.servers = strings.Split(*servers, ",")
	for _, name := range cfg.servers {
		if !slices.ContainsFunc(peers(config{}), func(p peer) bool { return p.name == name }) {
			return cfg, fmt.Errorf("unknown server %q in --servers", name)
		}
	}
	switch {
	case cfg.runs < 1, cfg.duration < time.Second, cfg.warmup < 0, cfg.largeMiB < 1, cfg.many < 1, cfg.idle < 1, cfg.downloaders < 1:
		return cfg, errors.New("--runs, --duration (≥ 1s), --large-mib, --many, --idle and --downloaders must be positive")
	case cfg.serverCPU == cfg.clientCPU || cfg.serverCPU < 0 || cfg.clientCPU < 0:
		return cfg, errors.New("--server-cpu and --client-cpu must be two different cores")
	}
	return cfg, nil
}

// pin runs this program, and so wrk, on core cpu alone: if it is not
// there yet, it executes itself again under taskset.
func pin(cpu int) error {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err == nil && set.Count() == 1 && set.IsSet(cpu) {
		return nil
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return errors.New("taskset not found (Debian: util-linux; make bench-peers installs it)")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(taskset, append([]string{"taskset", "-c", strconv.Itoa(cpu), self}, os.Args[1:]...), os.Environ())
}

// run measures and writes the report to out.
func run(cfg config, out io.Writer) error {
	os.Setenv("PATH", os.Getenv("PATH")+":/usr/sbin:/sbin") // where Debian puts nginx
	for _, tool := range []string{"wrk", cfg.ours} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (make bench-peers installs and builds what it needs)", tool)
		}
	}
	scratch := cfg.scratch
	if scratch == "" {
		dir, err := os.MkdirTemp("", "bench-peers-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		scratch = dir
	}
	stopOnSignal(scratch, cfg.scratch == "")
	root := filepath.Join(scratch, "root")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	logf("writing the fixtures into %s", root)
	if err := writeFixtures(root, cfg.largeMiB, cfg.many); err != nil {
		return err
	}
	script, err := writeScript(scratch)
	if err != nil {
		return err
	}
	var notes []string
	var cert *certPair
	if _, err := exec.LookPath("h2load"); err != nil {
		notes = append(notes, "the HTTP/2 loads skipped: h2load not found (Debian: nghttp2-client; make bench-peers installs it)")
	} else if cert, err = writeCert(scratch); err != nil {
		return err
	}

	var chosen []peer
	for _, p := range peers(cfg) {
		if !slices.Contains(cfg.servers, p.name) {
			continue
		}
		if why := unavailable(p.name, cfg); why != "" {
			notes = append(notes, p.name+": skipped: "+why)
			continue
		}
		chosen = append(chosen, p)
	}
	if len(chosen) == 0 || chosen[0].name != "simplehttp" {
		return errors.New("simplehttp must be among the servers, and first")
	}

	res := results{}
	for r := range cfg.runs {
		for k := range chosen {
			p := chosen[(k+r)%len(chosen)] // each run in another order: drift hits all alike
			logf("run %d of %d: %s", r+1, cfg.runs, p.name)
			tmp := filepath.Join(scratch, fmt.Sprintf("%s.%d", p.name, r+1))
			if err := os.MkdirAll(tmp, 0o755); err != nil {
				return err
			}
			got, n := measure(p, cfg, root, tmp, script, cert, r == 0)
			notes = append(notes, n...)
			res.add(p.name, got)
		}
	}
	names := make([]string, len(chosen))
	for i, p := range chosen {
		names[i] = p.name
	}
	fmt.Fprint(out, header(cfg, names))
	fmt.Fprint(out, res.table(rows(cfg), names, cfg.runs))
	for _, n := range notes {
		fmt.Fprintln(out, "note:", n)
	}
	return nil
}

// unavailable says why a server cannot run here, or "".
func unavailable(name string, cfg config) string {
	bin := map[string]string{"simplehttp": cfg.ours, "nginx": "nginx", "caddy": "caddy", "stdfs": cfg.stdfs, "floor": cfg.floor, "python": "python3"}[name]
	if _, err := exec.LookPath(bin); err != nil {
		return bin + " not found"
	}
	return ""
}

// stopOnSignal makes SIGINT and SIGTERM stop the server running, remove
// the scratch directory if it is a temporary one, and exit.
func stopOnSignal(scratch string, temporary bool) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		logf("interrupted: stopping")
		stopLive()
		if temporary {
			os.RemoveAll(scratch)
		}
		os.Exit(130)
	}()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
