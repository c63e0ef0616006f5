// Package devproxy sends the requests under chosen URL paths to other
// servers, as the development servers of front-end tools do: the pages a
// file server serves talk to their API (a backend on another port) on their
// own origin, with no CORS to set up.
//
//	routes := []devproxy.Route{{Path: "/api", Target: backend}} // http://127.0.0.1:3000
//	http.ListenAndServe(":8000", devproxy.New(files, routes, nil))
//
// A request whose path is a route's Path or lies under it ("/api",
// "/api/users", not "/apix") goes to that route's Target with
// net/http/httputil.ReverseProxy, its path kept ("/api/users" is asked of
// http://127.0.0.1:3000/api/users; a Target with a path is prefixed to
// it), its Host the Target's, and X-Forwarded-For, X-Forwarded-Host and
// X-Forwarded-Proto set as usual. WebSocket upgrades pass through. When
// the Target cannot be reached, the answer is 502 with a short page. Every
// other request goes to the next handler, which never sees the routes'
// paths: they are out of its listings, uploads and WebDAV.
package devproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path"
	"strings"

	"github.com/simplehttp/simplehttp/fileserve"
)

// Route sends the requests under Path to Target.
type Route struct {
	// Path is a clean absolute URL path, "/api"; not "/".
	Path string
	// Target is an http:// or https:// URL.
	Target *url.URL
}

// ParseRoute reads a route written PATH=URL ("/api=http://127.0.0.1:3000"),
// the form of simplehttp's --proxy. A trailing slash of PATH is dropped.
func ParseRoute(s string) (Route, error) {
	p, target, ok := strings.Cut(s, "=")
	if !ok || p == "" || target == "" {
		return Route{}, fmt.Errorf("want PATH=URL, such as /api=http://127.0.0.1:3000, not %q", s)
	}
	if p != "/" {
		p = strings.TrimSuffix(p, "/")
	}
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "/" {
		return Route{}, fmt.Errorf("the path %q must be a clean path below /, such as /api", p)
	}
	u, err := url.Parse(target)
	switch {
	case err != nil:
		return Route{}, fmt.Errorf("%q is not a URL", target)
	case u.Scheme != "http" && u.Scheme != "https":
		return Route{}, fmt.Errorf("the URL %q must begin with http:// or https://", target)
	case u.Host == "":
		return Route{}, fmt.Errorf("the URL %q names no host", target)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return Route{}, fmt.Errorf("the URL %q may hold no user, query or fragment", target)
	}
	return Route{Path: p, Target: u}, nil
}

// Options configures the proxy. The zero value is the default.
type Options struct {
	// DropAuthorization, when true, keeps the Authorization header from
	// the targets: it carries the credentials of the server in front
	// (simplehttp's --auth), which are not the backend's business.
	DropAuthorization bool

	// Logger receives the cause of every 502. Nil means [slog.Default].
	Logger *slog.Logger
}

// Handler sends the requests under its routes to their targets, and every
// other one to the next handler.
type Handler struct {
	next    http.Handler
	routes  []Route
	proxies []*httputil.ReverseProxy
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler with routes in front of next. Where routes nest
// ("/api" and "/api/v2"), the longer path wins. A nil opt means the zero
// Options.
func New(next http.Handler, routes []Route, opt *Options) *Handler {
	if opt == nil {
		opt = &Options{}
	}
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{next: next}
	for _, rt := range routes {
		h.routes = append(h.routes, rt)
		h.proxies = append(h.proxies, newProxy(rt.Target, opt.DropAuthorization, log))
	}
	return h
}

// newProxy is the reverse proxy to target.
func newProxy(target *url.URL, dropAuth bool, log *slog.Logger) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			if p := cleanPath(pr.Out.URL.Path); p != pr.Out.URL.Path {
				pr.Out.URL.Path, pr.Out.URL.RawPath = p, ""
			}
			pr.SetURL(target)
			pr.SetXForwarded()
			if dropAuth {
				pr.Out.Header.Del("Authorization")
			}
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
				return // the client left: no one to answer
			}
			log.Warn("devproxy: the backend did not answer", "url", target.Redacted(), "path", r.URL.Path, "err", err)
			fileserve.Error(w, r, http.StatusBadGateway)
		},
	}
}

// ServeHTTP proxies r when its path is under a route, and passes it to the
// next handler otherwise.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if i := h.match(r.URL.Path); i >= 0 {
		h.proxies[i].ServeHTTP(w, r)
		return
	}
	h.next.ServeHTTP(w, r)
}

// match returns the index of the route with the longest path that urlPath
// (cleaned: "/x/../api" is "/api") is or lies under, or -1.
func (h *Handler) match(urlPath string) int {
	p := cleanPath(urlPath)
	best := -1
	for i, rt := range h.routes {
		if (p == rt.Path || strings.HasPrefix(p, rt.Path+"/")) && (best < 0 || len(rt.Path) > len(h.routes[best].Path)) {
			best = i
		}
	}
	return best
}

// cleanPath is urlPath without dot segments or doubled slashes, as the
// file server reads it, keeping a trailing slash.
func cleanPath(urlPath string) string {
	p := path.Clean("/" + urlPath)
	if strings.HasSuffix(urlPath, "/") && p != "/" {
		p += "/"
	}
	return p
}
