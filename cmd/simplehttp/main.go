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
	"syscall"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the server could not start or stopped on an error
	exitUsage   = 2 // the command line is wrong
)

func main() {
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
		fmt.Fprint(stdout, usageText)
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
