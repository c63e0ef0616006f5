package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"syscall"

	"github.com/simplehttp/simplehttp/devproxy"
	"github.com/simplehttp/simplehttp/live"
)

// develop is what the command line asks for to develop a site: live
// reload and the proxies to backends.
type develop struct {
	live    bool             // --live
	proxies []devproxy.Route // --proxy PATH=URL, repeatable
}

// addProxy takes a value of --proxy.
func addProxy(o *options, v string) error {
	rt, err := devproxy.ParseRoute(v)
	if err != nil {
		return usagef("option --proxy: %v", err)
	}
	for _, other := range o.proxies {
		if other.Path == rt.Path {
			return usagef("option --proxy: %s is given twice", rt.Path)
		}
	}
	o.proxies = append(o.proxies, rt)
	return nil
}

// startLive watches the served directory for --live, or returns nil.
func startLive(s *site, o *options, logger *slog.Logger, stderr io.Writer) (*live.Reloader, error) {
	if !o.live {
		return nil, nil
	}
	var once sync.Once
	rl, err := live.New(s.root, &live.Options{
		Logger:  logger,
		OnLimit: func(err error) { once.Do(func() { fmt.Fprintln(stderr, watchLimitNote(err)) }) },
	})
	if err != nil {
		return nil, fmt.Errorf("--live cannot watch the directory: %s", fileError(err))
	}
	return rl, nil
}

// watchLimitNote says that the system refused a watch, and how to raise
// its limit.
func watchLimitNote(err error) string {
	what := fmt.Sprintf("the system refused to watch more folders (%s)", fileError(err))
	if errors.Is(err, syscall.ENOSPC) {
		what = "the kernel's limit of inotify watches is reached; raise it with " +
			"sudo sysctl fs.inotify.max_user_watches=524288"
	}
	return fmt.Sprintf("simplehttp: --live: %s. The folders past it are polled every %s instead.",
		what, "2s")
}

// liveNote is the banner's line about --live.
func liveNote(rl *live.Reloader) string {
	watched, polled := rl.Folders()
	note := fmt.Sprintf("Live reload on: watching %d folders; pages reload when their files change", watched)
	if polled > 0 {
		note = fmt.Sprintf("Live reload on: watching %d folders and polling %d; pages reload when their files change", watched, polled)
	}
	return note
}

// withLive puts live reload in front of files when --live asks for it.
func (s *site) withLive(files http.Handler) http.Handler {
	if s.live == nil {
		return files
	}
	return s.live.Handler(files)
}

// withProxies sends the paths of --proxy to their backends, in front of
// everything but the access checks: uploads, listings and WebDAV never
// see them.
func withProxies(next http.Handler, o *options, logger *slog.Logger) http.Handler {
	if len(o.proxies) == 0 {
		return next
	}
	return devproxy.New(next, o.proxies, &devproxy.Options{DropAuthorization: o.authOn(), Logger: logger})
}

// proxyNotes are the banner's lines about --proxy.
func proxyNotes(o *options) []string {
	var notes []string
	for _, rt := range o.proxies {
		notes = append(notes, fmt.Sprintf("Proxying %s/ to %s", rt.Path, rt.Target.Redacted()))
	}
	return notes
}
