package dav

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"
)

// Lock time-outs: a client asks for one (Timeout: Second-N or Infinite)
// and gets at most maxLockTimeout; it refreshes a lock it keeps longer.
const (
	defaultLockTimeout = time.Hour
	maxLockTimeout     = time.Hour
)

// maxLocks bounds the locks held at once, so that clients cannot make
// the server's memory grow without end.
const maxLocks = 10000

var (
	errLocked      = errors.New("dav: the resource is locked")
	errNoSuchLock  = errors.New("dav: no such lock")
	errTooManyLock = errors.New("dav: too many locks")
)

// lock is one WebDAV write lock (RFC 4918 §6).
type lock struct {
	token    string        // "urn:uuid:…"
	root     string        // the locked resource, a cleaned "/a/b"
	shared   bool          // a shared lock; else exclusive
	infinite bool          // depth infinity: root and everything below it
	owner    string        // the <owner> element's inner XML, as the client sent it
	timeout  time.Duration // as granted
	expires  time.Time
}

// covers reports whether l locks the resource name.
func (l *lock) covers(name string) bool {
	return l.root == name || l.infinite && isBelow(name, l.root)
}

// isBelow reports whether name is strictly inside the collection dir
// (both cleaned "/…" names).
func isBelow(name, dir string) bool {
	if dir == "/" {
		return name != "/"
	}
	return strings.HasPrefix(name, dir+"/")
}

// lockStore holds the locks, in memory: they last until they time out,
// are unlocked, or the server stops. It is safe for concurrent use.
type lockStore struct {
	now    func() time.Time
	mu     sync.Mutex
	tokens map[string]*lock   // by token
	roots  map[string][]*lock // by root
	next   time.Time          // the earliest expiry; zero: none
	max    int                // the most locks held at once
}

func newLockStore(now func() time.Time) *lockStore {
	return &lockStore{now: now, tokens: map[string]*lock{}, roots: map[string][]*lock{}, max: maxLocks}
}

// grantTimeout is the time-out granted for the one asked (0: none asked,
// negative: Infinite).
func grantTimeout(asked time.Duration) time.Duration {
	if asked <= 0 {
		return defaultLockTimeout
	}
	return min(asked, maxLockTimeout)
}

// create takes a new lock on l.root, unless a lock in its way conflicts:
// any lock, where either is exclusive.
func (s *lockStore) create(l lock) (lock, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	if len(s.tokens) >= s.max {
		return lock{}, errTooManyLock
	}
	if s.conflicts(l) {
		return lock{}, errLocked
	}
	nl := &l
	nl.token = newToken()
	nl.timeout = grantTimeout(l.timeout)
	nl.expires = s.now().Add(nl.timeout)
	s.expiresAt(nl.expires)
	s.tokens[nl.token] = nl
	s.roots[nl.root] = append(s.roots[nl.root], nl)
	return *nl, nil
}

// refresh restarts the time-out of the lock token, which must cover name.
func (s *lockStore) refresh(token, name string, timeout time.Duration) (lock, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	l := s.tokens[token]
	if l == nil || !l.covers(name) {
		return lock{}, errNoSuchLock
	}
	l.timeout = grantTimeout(timeout)
	l.expires = s.now().Add(l.timeout)
	s.expiresAt(l.expires)
	return *l, nil
}

// unlock removes the lock token, which must cover name.
func (s *lockStore) unlock(token, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	l := s.tokens[token]
	if l == nil || !l.covers(name) {
		return errNoSuchLock
	}
	s.remove(l)
	return nil
}

// any reports whether any resource is locked.
func (s *lockStore) any() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	return len(s.tokens) > 0
}

// covering returns copies of the locks that cover name.
func (s *lockStore) covering(name string) []lock {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	var out []lock
	for _, l := range s.overlapping(name, false) {
		out = append(out, *l)
	}
	return out
}

// blocked reports whether a change to name (and, for a tree, to
// everything below it) is refused by a lock none of whose tokens the
// client submitted.
func (s *lockStore) blocked(name string, tree bool, submitted map[string]bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	if len(s.tokens) == 0 {
		return false
	}
	// Each locked resource in the way must be unlocked by one of its
	// locks (several, when shared).
	held := map[string]bool{}
	locked := map[string]bool{}
	for _, l := range s.overlapping(name, tree) {
		where := l.root
		if l.covers(name) {
			where = name
		}
		locked[where] = true
		if submitted[l.token] {
			held[where] = true
		}
	}
	for where := range locked {
		if !held[where] {
			return true
		}
	}
	return false
}

// holds reports whether token names a lock that covers name.
func (s *lockStore) holds(token, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	l := s.tokens[token]
	return l != nil && l.covers(name)
}

// dropTree drops the locks on and below name, which is gone (deleted or
// moved away: locks do not follow a move, RFC 4918 §7.7).
func (s *lockStore) dropTree(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.overlapping(name, true) {
		if l.root == name || isBelow(l.root, name) {
			s.remove(l)
		}
	}
}

// conflicts reports whether a lock in the way of l forbids it: any lock
// when l is exclusive, an exclusive one when it is shared. The caller
// holds s.mu.
func (s *lockStore) conflicts(l lock) bool {
	for dir := l.root; ; dir = parentName(dir) {
		for _, other := range s.roots[dir] {
			if other.covers(l.root) && (!l.shared || !other.shared) {
				return true
			}
			if l.shared && other.shared {
				break // the others on dir are shared too
			}
		}
		if dir == "/" {
			break
		}
	}
	if l.infinite {
		for _, other := range s.tokens {
			if isBelow(other.root, l.root) && (!l.shared || !other.shared) {
				return true
			}
		}
	}
	return false
}

// overlapping returns the locks that cover name, and with tree those
// whose root is below name too. The caller holds s.mu.
func (s *lockStore) overlapping(name string, tree bool) []*lock {
	var out []*lock
	for dir := name; ; dir = parentName(dir) {
		for _, l := range s.roots[dir] {
			if l.covers(name) {
				out = append(out, l)
			}
		}
		if dir == "/" {
			break
		}
	}
	if tree {
		for _, l := range s.tokens {
			if isBelow(l.root, name) {
				out = append(out, l)
			}
		}
	}
	return out
}

// expire removes the locks whose time is up. The caller holds s.mu.
func (s *lockStore) expire() {
	now := s.now()
	if s.next.IsZero() || now.Before(s.next) {
		return
	}
	s.next = time.Time{}
	for _, l := range s.tokens {
		if !now.Before(l.expires) {
			s.remove(l)
		} else {
			s.expiresAt(l.expires)
		}
	}
}

// expiresAt notes that a lock expires at t. The caller holds s.mu.
func (s *lockStore) expiresAt(t time.Time) {
	if s.next.IsZero() || t.Before(s.next) {
		s.next = t
	}
}

// remove forgets l. The caller holds s.mu.
func (s *lockStore) remove(l *lock) {
	delete(s.tokens, l.token)
	locks := s.roots[l.root]
	for i, other := range locks {
		if other == l {
			locks = append(locks[:i], locks[i+1:]...)
			break
		}
	}
	if len(locks) == 0 {
		delete(s.roots, l.root)
	} else {
		s.roots[l.root] = locks
	}
}

// parentName is the collection holding name ("/a/b" → "/a", "/a" → "/").
func parentName(name string) string {
	i := strings.LastIndexByte(name, '/')
	if i <= 0 {
		return "/"
	}
	return name[:i]
}

// newToken is a new lock token, a URN of a random (version 4) UUID, as
// RFC 4918 §6.5 suggests.
func newToken() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
