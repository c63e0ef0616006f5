package upload

import (
	"net/http"

	"github.com/simplehttp/simplehttp/internal/answer"
)

// put stores the body of a PUT request as the file its URL names
// ("curl -T notes.txt http://host/docs/" sends PUT /docs/notes.txt). Every
// check that needs no body comes first, so a refused upload is answered
// before the client sends it (and before "Expect: 100-continue" is
// answered).
func (h *Handler) put(w http.ResponseWriter, r *http.Request) {
	dir, name, err := h.checkPut(r)
	if err != nil {
		h.answerError(w, r, err)
		return
	}
	body := r.Body
	if h.maxSize > 0 {
		body = http.MaxBytesReader(w, body, h.maxSize)
	}
	res, err := h.store(dir, name, body, r.ContentLength)
	if err != nil {
		h.answerError(w, r, err)
		return
	}
	h.answer(w, r, []entry{fileEntry(name, res)})
}

// checkPut checks a PUT request and returns the folder and the file name
// its URL names.
func (h *Handler) checkPut(r *http.Request) (dir, name string, err error) {
	dir, name, err = splitTarget(r.URL.EscapedPath())
	switch {
	case err != nil:
		return "", "", err
	case name == "":
		return "", "", badRequest("a PUT to a folder: name the file, as in PUT /folder/name (curl -T adds it)")
	case r.Header.Get("Content-Range") != "":
		// RFC 9110, 14.5: a server that does not apply partial PUTs
		// must refuse them rather than store the part as the whole.
		return "", "", badRequest("a partial PUT (Content-Range)")
	case h.maxSize > 0 && r.ContentLength > h.maxSize:
		return "", "", h.tooLarge()
	}
	if err := h.checkFolder(dir); err != nil {
		return "", "", err
	}
	return dir, name, h.checkNew(dir, name)
}

// tooLarge is the refusal of a body over MaxSize.
func (h *Handler) tooLarge() error {
	return answer.Refuse(http.StatusRequestEntityTooLarge, "refused an upload larger than %s, this server's limit", SizeString(h.maxSize))
}
