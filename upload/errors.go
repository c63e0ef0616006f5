package upload

import (
	"errors"
	"net/http"

	"github.com/dustin/go-humanize"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// badRequest refuses a request with 400 and a message that begins
// "refused", followed by what the request held ("refused the name \"..\"").
func badRequest(format string, args ...any) error {
	return answer.Refuse(http.StatusBadRequest, "refused "+format, args...)
}

// errShortBody is a body that ended before its Content-Length: the client
// went away, or the connection was cut.
var errShortBody = answer.Refuse(http.StatusBadRequest, "the upload was cut off before its end")

// statusOf maps err to the status of the answer: the errors of the
// resumable uploads' parts, then what every change answers (package
// answer), so a folder that does not exist or leads out of the root is a
// 404, as it is to a GET.
func statusOf(err error) int {
	switch {
	case errors.Is(err, parts.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, parts.ErrExpired):
		return http.StatusGone
	case errors.Is(err, parts.ErrFull):
		return http.StatusInsufficientStorage
	case errors.Is(err, parts.ErrChecksum):
		return statusChecksumMismatch
	case errors.Is(err, parts.ErrOffset):
		return http.StatusConflict
	case errors.Is(err, parts.ErrTooLong):
		return http.StatusRequestEntityTooLarge
	}
	return answer.StatusOf(err)
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
