package auth

// Flooded exports flooded to the tests, which wait for a flood to be on.
func Flooded(h *Handler) bool { return h.flooded() }
