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

// MaxCost is the highest bcrypt cost accepted: a check at cost 15 takes
// about two seconds of CPU; htpasswd -B uses 5 and -C allows up to 17.
const MaxCost = 15

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
	if cost > MaxCost {
		return fmt.Errorf("a bcrypt hash of cost %d, over %d: each check would take seconds", cost, MaxCost)
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
	key := verifiedKey(user, password)
	if u.remembered(key) {
		return true
	}
	uh, ph := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(password))
	match := 0
	for _, p := range u.plain {
		match |= subtle.ConstantTimeCompare(uh[:], p.user[:]) & subtle.ConstantTimeCompare(ph[:], p.password[:])
	}
	if match == 0 && (len(u.hashed) == 0 || !u.checkHash(user, password)) {
		return false
	}
	u.remember(key)
	return true
}

// Remembered reports whether user and password passed Check lately, at no
// cost: a Handler under a flood of failures still lets them in.
func (u *Users) Remembered(user, password string) bool {
	return u.remembered(verifiedKey(user, password))
}

// verifiedKey is the key of a pair in the cache of passed checks.
func verifiedKey(user, password string) [sha256.Size]byte {
	return sha256.Sum256([]byte(user + "\x00" + password))
}

// remembered reports whether the pair with key passed Check lately.
func (u *Users) remembered(key [sha256.Size]byte) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.verified[key]
}

// remember notes that the pair with key passed Check; the cache starts
// over when full.
func (u *Users) remember(key [sha256.Size]byte) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.verified == nil || len(u.verified) >= maxVerified {
		u.verified = make(map[[sha256.Size]byte]bool)
	}
	u.verified[key] = true
}

// checkHash verifies password against user's bcrypt hash, or against a
// dummy one of the highest cost when user has none.
func (u *Users) checkHash(user, password string) bool {
	hash, known := u.hashFor(user)
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && known
}

// hashFor returns the bcrypt hash a password for user is checked against:
// user's own, or the dummy one when known is false.
func (u *Users) hashFor(user string) (hash []byte, known bool) {
	hash, known = u.hashed[user]
	if !known {
		hash = u.dummy
	}
	return hash, known
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
		}
		if err := u.AddHash(user, []byte(hash)); err != nil {
			return fmt.Errorf("%s, line %d: the password of %q is %v (make one with: htpasswd -nBC 10 %s)", name, n, user, err, user)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}
