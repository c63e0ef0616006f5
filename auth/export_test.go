package auth

// Flooded exports flooded to the tests, which wait for a flood to be on.
func Flooded(h *Handler) bool { return h.flooded() }

// CheckedAgainst exports the hash a password for user is checked against.
func CheckedAgainst(u *Users, user string) []byte {
	hash, _ := u.hashFor(user)
	return hash
}
