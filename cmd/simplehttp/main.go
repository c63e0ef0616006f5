// Command simplehttp serves a directory over HTTP, as python -m http.server
// does: browsers get folder listings, curl and wget fetch files.
//
// Run "simplehttp --help" for its options.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the server could not start or stopped on an error
	exitUsage   = 2 // the command line is wrong
)

// defaultGCPercent is the collector's pace (GOGC) unless the environment
// sets GOGC or GOMEMLIMIT. Go's default of 100 lets the heap grow to
// twice what is live before a collection. A listing's entries are garbage
// once it is sent, and with 200 a run of 10,000-entry listings takes half
// the collections and 5-8% less CPU each, for 4-5 MiB more peak memory
// (26.5 MiB, where 1,000 idle connections take 33).
const defaultGCPercent = 200

// defaultMemoryLimit is the soft limit of the memory the Go runtime
// manages (GOMEMLIMIT) unless the environment sets GOGC or GOMEMLIMIT.
// Below it the heap grows to three times what is live (GOGC=200) before
// a collection; near it the collector runs sooner. Ten clients asking at
// once for a 10,000-entry listing, compressed, hold about 7 MiB live,
// and the garbage between collections took the server's peak RSS to 38
// MiB; with the limit it is 31 MiB (the program's own pages are not
// counted in it), for the same CPU per listing. A server whose live
// memory passes the limit (thousands of busy connections) collects more
// often, at most half a core's worth (the runtime caps it), rather than
// growing three times as large.
const defaultMemoryLimit = 24 << 20

// paceGC sets the collector's pace to defaultGCPercent and its soft
// memory limit to defaultMemoryLimit, unless the user's environment
// (read by getenv) chose either.
func paceGC(getenv func(string) string) {
	if getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(defaultGCPercent)
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

func main() {
	paceGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills the process at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program: it serves until ctx is done and returns the
// exit status. Errors are one line on stderr, never a stack trace.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, defaultLimits)
}

// runWith is run with the given limits; tests shorten them.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, lim limits) int {
	o, err := parseArgs(args)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "simplehttp: %v\n", err)
		return exitUsage
	case o.help:
		fmt.Fprint(stdout, usage())
		return exitOK
	case o.version:
		fmt.Fprintln(stdout, version())
		return exitOK
	}
	if err := serve(ctx, o, lim, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "simplehttp: %v\n", err)
		return exitFailure
	}
	return exitOK
}
