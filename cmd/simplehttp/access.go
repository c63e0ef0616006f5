package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/simplehttp/simplehttp/auth"
	"github.com/simplehttp/simplehttp/cors"
	"github.com/simplehttp/simplehttp/httpdump"
)

// access is what the command line asks for about who may do what and what
// they are told: authentication, CORS, caching, site mode, the dump.
type access struct {
	authPasswords  []string    // --auth user:password, repeatable
	authFile       string      // --auth-file
	authUploadOnly bool        // --auth-upload-only
	users          *auth.Users // from the two above, filled by loadUsers
	cors           bool        // --cors
	cacheControl   string      // --cache-control; "no-cache" by default
	spa            bool        // --spa
	verbose        bool        // -v, --verbose
}

// defaultCacheControl makes browsers revalidate every file and listing,
// so that an edit shows on reload; the validators make that a 304.
const defaultCacheControl = "no-cache"

// authOn reports whether credentials are asked for.
func (a *access) authOn() bool { return len(a.authPasswords) > 0 || a.authFile != "" }

// addAuth takes a value of --auth.
func addAuth(o *options, v string) error {
	user, _, ok := strings.Cut(v, ":")
	if !ok || user == "" {
		return usagef("option --auth wants user:password")
	}
	o.authPasswords = append(o.authPasswords, v)
	return nil
}

// setCacheControl takes the value of --cache-control.
func setCacheControl(o *options, v string) error {
	if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return usagef("option --cache-control wants a Cache-Control value such as \"public, max-age=600\"")
	}
	o.cacheControl = v
	return nil
}

// checkAccessFlags refuses --auth-upload-only where it would mean nothing.
func checkAccessFlags(o *options) error {
	switch {
	case o.authUploadOnly && !o.authOn():
		return usagef("option --auth-upload-only needs --auth or --auth-file")
	case o.authUploadOnly && !o.upload && !o.delete:
		return usagef("option --auth-upload-only needs --upload, --delete or -w")
	}
	return nil
}

// loadUsers reads the accounts of --auth and --auth-file.
func (a *access) loadUsers() error {
	if !a.authOn() {
		return nil
	}
	a.users = new(auth.Users)
	for _, v := range a.authPasswords {
		user, password, _ := strings.Cut(v, ":")
		a.users.AddPassword(user, password)
	}
	if a.authFile == "" {
		return nil
	}
	f, err := os.Open(a.authFile)
	if err != nil {
		return fmt.Errorf("cannot read --auth-file %q: %v", a.authFile, fileError(err))
	}
	defer f.Close()
	before := a.users.Len()
	if err := a.users.ReadFile(f, a.authFile); err != nil {
		return err
	}
	if a.users.Len() == before { // a typo'd path to an empty file, even beside --auth
		return fmt.Errorf("--auth-file %q holds no user", a.authFile)
	}
	return nil
}

// withAccess puts, in front of next, the dump (-v), CORS (whose
// preflights need no credentials) and authentication, in that order.
func withAccess(next http.Handler, a *access, logger *slog.Logger, stderr io.Writer) http.Handler {
	if a.users != nil {
		// OPTIONS answers alike for every URL, and Windows' WebDAV
		// client gives up on a server whose OPTIONS asks for credentials.
		opt := &auth.Options{Logger: logger, Protects: func(r *http.Request) bool { return r.Method != http.MethodOptions }}
		if a.authUploadOnly {
			opt.Protects = func(r *http.Request) bool { return writing(r.Method) }
		}
		next = auth.New(next, a.users, opt)
	}
	if a.cors {
		next = cors.New(next, "")
	}
	if a.verbose {
		next = httpdump.New(next, stderr)
	}
	return next
}

// authNote is the banner's line about authentication, or "".
func authNote(a *access, tlsOn bool) string {
	if a.users == nil {
		return ""
	}
	what := "every request needs"
	if a.authUploadOnly {
		what = "uploads need"
	}
	note := fmt.Sprintf("Password protected: %s one of %d user names and passwords", what, a.users.Len())
	if !tlsOn {
		note += " (sent readable over plain HTTP: add --tls-self-signed or --tls-cert)"
	}
	return note
}
