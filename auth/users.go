package auth

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Users is the set of accounts a [Handler] accepts: names with a
// password given in the clear (hashed with SHA-256 at once, and compared
// in constant time) or with a bcrypt hash. Add every account before the
// Handler serves; Check is then safe for concurrent use.
type Users struct {
	plain  []plainUser
	hashed map[string][]byte // user → bcrypt hash
	dummy  []byte            // compared with for unknown users; see AddHash

	mu       sync.Mutex
	verified map[[sha256.Size]byte]bool // bcrypt checks that passed
}

// plainUser is an account from AddPassword, kept as two SHA-256 sums so
// that every comparison takes the same time whatever the lengths.
type plainUser struct {
	user, password [sha256.Size]byte
}

// maxVerified bounds the cache of passed bcrypt checks. Browsers send the
// credentials with every request; without the cache each would cost a
// bcrypt verification (about 50 ms of CPU at the default cost).
const maxVerified = 1024

// AddPassword accepts user with password.
func (u *Users) AddPassword(user, password string) {
	u.plain = append(u.plain, plainUser{sha256.Sum256([]byte(user)), sha256.Sum256([]byte(password))})
}

// AddHash accepts user with the password whose bcrypt hash is hash
// ($2a$, $2b$ or $2y$, as htpasswd -B writes it).
func (u *Users) AddHash(user string, hash []byte) error {
	cost, err := bcrypt.Cost(hash)
	if err != nil {
		return errors.New("not a bcrypt hash")
	}
	// An unknown user is checked against a dummy hash of the highest cost
	// seen, so that a wrong name takes as long as a wrong password and
	// does not tell which names exist.
	if dummyCost, _ := bcrypt.Cost(u.dummy); u.dummy == nil || cost > dummyCost {
		if u.dummy, err = bcrypt.GenerateFromPassword([]byte("simplehttp: no such user"), cost); err != nil {
			return err
		}
	}
	if u.hashed == nil {
		u.hashed = make(map[string][]byte)
	}
	u.hashed[user] = hash
	return nil
}

// Len is the number of accounts.
func (u *Users) Len() int { return len(u.plain) + len(u.hashed) }

// Check reports whether user and password belong together. Passwords
// given in the clear are all compared, in constant time, whichever
// matches; a bcrypt hash is verified once and the success remembered.
func (u *Users) Check(user, password string) bool {
	uh, ph := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(password))
	match := 0
	for _, p := range u.plain {
		match |= subtle.ConstantTimeCompare(uh[:], p.user[:]) & subtle.ConstantTimeCompare(ph[:], p.password[:])
	}
	if match == 1 {
		return true
	}
	if len(u.hashed) == 0 {
		return false
	}
	return u.checkHash(user, password)
}

// checkHash verifies password against user's bcrypt hash, or against a
// dummy one when user has none.
func (u *Users) checkHash(user, password string) bool {
	key := sha256.Sum256([]byte(user + "\x00" + password))
	u.mu.Lock()
	ok := u.verified[key]
	u.mu.Unlock()
	if ok {
		return true
	}
	hash, known := u.hashed[user]
	if !known {
		hash = u.dummy
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || !known {
		return false
	}
	u.mu.Lock()
	if u.verified == nil || len(u.verified) >= maxVerified {
		u.verified = make(map[[sha256.Size]byte]bool)
	}
	u.verified[key] = true
	u.mu.Unlock()
	return true
}

// ReadFile adds the accounts of an htpasswd-style file: one "user:hash"
// per line with a bcrypt hash, blank lines and lines starting with "#"
// ignored. name is what errors call the file; an error names the line,
// never its content.
func (u *Users) ReadFile(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, hash, ok := strings.Cut(line, ":")
		switch {
		case !ok || user == "":
			return fmt.Errorf("%s, line %d: want user:bcrypt-hash", name, n)
		case u.AddHash(user, []byte(hash)) != nil:
			return fmt.Errorf("%s, line %d: the password of %q is not a bcrypt hash (make one with: htpasswd -nBC 10 %s)", name, n, user, user)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}
