package upload

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"syscall"

	"github.com/dustin/go-humanize"
	"github.com/simplehttp/simplehttp/internal/page"
)

// refusal is an answer other than success, with a message for the
// client. The message never holds a file-system path or an error's text:
// only names the client sent and what the server decided.
type refusal struct {
	code int
	msg  string
}

func (e *refusal) Error() string { return e.msg }

// refuse returns the refusal code with a message made as fmt.Sprintf does.
func refuse(code int, format string, args ...any) error {
	return &refusal{code: code, msg: fmt.Sprintf(format, args...)}
}

// badRequest refuses a request with 400 and a message that begins
// "refused", followed by what the request held ("refused the name \"..\"").
func badRequest(format string, args ...any) error {
	return refuse(http.StatusBadRequest, "refused "+format, args...)
}

// errShortBody is a body that ended before its Content-Length: the client
// went away, or the connection was cut.
var errShortBody = refuse(http.StatusBadRequest, "the upload was cut off before its end")

// statusOf maps err to the status of the answer. A refusal is its own
// status; then the errors of writing (a full disk, a read-only file
// system, a name that exists); then the file server's mapping of the rest,
// so a folder that does not exist or leads out of the root is a 404, as
// it is to a GET.
func statusOf(err error) int {
	var ref *refusal
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ref):
		return ref.code
	case errors.As(err, &tooBig), errors.Is(err, syscall.EFBIG):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return http.StatusInsufficientStorage
	case errors.Is(err, fs.ErrExist), errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.ENOTEMPTY):
		return http.StatusConflict
	case errors.Is(err, syscall.EROFS):
		return http.StatusForbidden
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest
	}
	return page.Status(err)
}

// SizeString spells a byte count the way it was most likely given: in
// decimal units (kB, MB, …) when it is a whole number of its largest one,
// else in binary units (KiB, MiB, …) when it is a whole number of theirs,
// so that a limit of "1M" reads "1.0 MB", not "977 KiB", and "512KiB"
// reads "512 KiB", not "524 kB".
func SizeString(n int64) string {
	if n > 0 && n%largestUnit(n, 1000) != 0 && n%largestUnit(n, 1024) == 0 {
		return humanize.IBytes(uint64(n))
	}
	return humanize.Bytes(uint64(n))
}

// largestUnit is the largest power of base not above n (1 for n < base).
func largestUnit(n, base int64) int64 {
	u := int64(1)
	for u <= n/base {
		u *= base
	}
	return u
}
