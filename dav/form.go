package dav

import "net/http"

// form answers the listing's forms: delete, rename and move.
func (h *Handler) form(w http.ResponseWriter, r *http.Request, action string) {
	h.fail(w, r, refuse(http.StatusBadRequest, "unknown action %q", action))
}
