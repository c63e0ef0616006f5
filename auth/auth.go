// Package auth protects an [net/http.Handler] with HTTP Basic
// authentication (RFC 7617): a request without the right user name and
// password gets 401 and a WWW-Authenticate challenge, and never reaches
// the handler behind.
//
//	var users auth.Users
//	users.AddPassword("ann", "correct horse")
//	http.ListenAndServe(":8000", auth.New(files, &users, nil))
//
// Passwords are compared in constant time (see [Users.Check]). A failed
// attempt is logged, with the user name and never the password, and its
// answer is held back for [Options].FailureDelay, so that guessing is
// slow; at most [MaxDelayed] answers are held back at once. While they
// are, any request with credentials not recently accepted gets 429 Too
// Many Requests at once, without being checked: an attacker can neither
// tie up the server's goroutines and sockets with failures nor learn from
// the quick answers, and users already logged in keep working.
//
// Basic authentication sends the password readable by anyone on the path
// unless the connection is HTTPS.
package auth

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/simplehttp/simplehttp/internal/page"
)

// DefaultFailureDelay is how long the answer to a failed attempt is held
// back by default.
const DefaultFailureDelay = time.Second

// MaxDelayed is how many answers to failed attempts are held back at
// once; the next get 429 Too Many Requests at once.
const MaxDelayed = 64

// Options configures a [Handler]. The zero value is the default.
type Options struct {
	// Realm names the protected space in the challenge; browsers show it.
	// Empty means "simplehttp".
	Realm string

	// Protects reports whether a request needs credentials. Nil means
	// every request does.
	Protects func(*http.Request) bool

	// FailureDelay holds back the answer to a failed attempt. 0 means
	// DefaultFailureDelay; a negative value, none.
	FailureDelay time.Duration

	// Logger receives a line per failed attempt. Nil means
	// [slog.Default].
	Logger *slog.Logger
}

// Handler asks for credentials before it passes a request on. Create it
// with [New]; it is safe for concurrent use.
type Handler struct {
	next      http.Handler
	users     *Users
	challenge string
	protects  func(*http.Request) bool
	delay     time.Duration
	delayed   chan struct{} // a slot per held-back failure
	log       *slog.Logger
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler that passes to next the requests whose
// credentials users accepts. A nil opt means the zero Options.
func New(next http.Handler, users *Users, opt *Options) *Handler {
	if opt == nil {
		opt = &Options{}
	}
	h := &Handler{next: next, users: users, protects: opt.Protects, delay: opt.FailureDelay,
		delayed: make(chan struct{}, MaxDelayed), log: opt.Logger}
	realm := opt.Realm
	if realm == "" {
		realm = "simplehttp"
	}
	h.challenge = fmt.Sprintf("Basic realm=%q, charset=\"UTF-8\"", realm)
	if h.delay == 0 {
		h.delay = DefaultFailureDelay
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h
}

// ServeHTTP passes r on when it needs no credentials or has the right
// ones, and answers 401 otherwise.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.protects != nil && !h.protects(r) {
		h.next.ServeHTTP(w, r)
		return
	}
	user, password, ok := r.BasicAuth()
	if ok && h.flooded() && !h.users.Remembered(user, password) {
		// MaxDelayed failures are waiting: answer without checking, so
		// that a flood learns nothing from how fast it is answered.
		w.Header().Set("Retry-After", "1")
		page.Error(w, r, http.StatusTooManyRequests)
		return
	}
	if ok && h.users.Check(user, password) {
		h.next.ServeHTTP(w, r)
		return
	}
	if ok {
		h.log.Warn("auth: wrong user name or password", "user", user, "remote", r.RemoteAddr)
		if !h.holdBack(r) {
			w.Header().Set("Retry-After", "1")
			page.Error(w, r, http.StatusTooManyRequests)
			return
		}
	}
	w.Header().Set("WWW-Authenticate", h.challenge)
	page.Error(w, r, http.StatusUnauthorized)
}

// flooded reports whether MaxDelayed failures are being held back.
func (h *Handler) flooded() bool { return h.delay >= 0 && len(h.delayed) == cap(h.delayed) }

// holdBack waits out the failure delay, or the client's leaving. It
// reports false, without waiting, when MaxDelayed failures are waiting
// already.
func (h *Handler) holdBack(r *http.Request) bool {
	if h.delay < 0 {
		return true
	}
	select {
	case h.delayed <- struct{}{}:
	default:
		return false
	}
	defer func() { <-h.delayed }()
	t := time.NewTimer(h.delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
	return true
}
