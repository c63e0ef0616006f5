package answer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
)

func TestStyleOf(t *testing.T) {
	for accept, want := range map[string]Style{
		"":                                  Text,
		"*/*":                               Text,
		"application/json":                  JSON,
		"text/html,application/xhtml+xml":   Browser,
		"application/json, text/html;q=0.1": JSON,
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		if got := StyleOf(r); got != want {
			t.Errorf("Accept %q: %d, want %d", accept, got, want)
		}
	}
}

func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{Refuse(http.StatusTeapot, "no %s", "coffee"), http.StatusTeapot},
		{fmt.Errorf("wrapped: %w", Refuse(http.StatusLocked, "locked")), http.StatusLocked},
		{&http.MaxBytesError{Limit: 1}, http.StatusRequestEntityTooLarge},
		{syscall.ENOSPC, http.StatusInsufficientStorage},
		{&fs.PathError{Op: "open", Path: "/x", Err: fs.ErrExist}, http.StatusConflict},
		{syscall.ENOTEMPTY, http.StatusConflict},
		{syscall.EXDEV, http.StatusBadGateway},
		{syscall.EROFS, http.StatusForbidden},
		{io.ErrUnexpectedEOF, http.StatusBadRequest},
		{fs.ErrNotExist, http.StatusNotFound},
		{fs.ErrPermission, http.StatusForbidden},
		{errors.New("anything else"), http.StatusInternalServerError},
	} {
		if got := StatusOf(tc.err); got != tc.want {
			t.Errorf("%v: %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestWriteText(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteText(rec, http.StatusConflict, "409 Conflict: taken\n")
	hdr := rec.Header()
	if rec.Code != 409 || rec.Body.String() != "409 Conflict: taken\n" || hdr.Get("Content-Length") != "20" ||
		hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Content-Security-Policy") != "default-src 'none'" {
		t.Errorf("%d %q %v", rec.Code, rec.Body, hdr)
	}
}
