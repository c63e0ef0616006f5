package fileserve

import (
	"cmp"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// withNormalizedRange returns r with its Range header rewritten by
// normalizeRange, or r itself when it has none.
func withNormalizedRange(r *http.Request, size int64) *http.Request {
	header := r.Header.Get("Range")
	if header == "" {
		return r
	}
	rewritten, keep := normalizeRange(header, size)
	r = r.Clone(r.Context())
	if keep {
		r.Header.Set("Range", rewritten)
	} else {
		r.Header.Del("Range")
	}
	return r
}

// maxRanges is the most byte ranges one request may ask for. Real clients
// (players, download managers, PDF viewers) ask for a handful.
const maxRanges = 32

// byteRange is the inclusive range [first, last] of a representation.
type byteRange struct{ first, last int64 }

// errBadRange marks a Range header that is malformed, unsatisfiable or
// abusive: it is answered with 416.
var errBadRange = errors.New("unsatisfiable range")

// normalizeRange rewrites a Range header for a representation of size
// bytes, so that net/http.ServeContent, which then handles preconditions,
// If-Range and multipart answers, gets only what RFC 9110 §14 allows:
//
//   - keep false: a unit other than bytes, which must be ignored (200);
//   - "bytes=…": the satisfiable ranges, resolved and in the client's order;
//   - a range past the end: the header of a malformed, unsatisfiable or
//     abusive request (overlapping ranges, more than maxRanges), which
//     ServeContent answers with 416 and "Content-Range: bytes */size".
func normalizeRange(header string, size int64) (rewritten string, keep bool) {
	unit, spec, ok := strings.Cut(header, "=")
	if !ok || !isBytesUnit(strings.Trim(unit, ows)) {
		return "", false
	}
	ranges, err := parseByteRanges(spec, size)
	if err != nil {
		return "bytes=" + strconv.FormatInt(size, 10) + "-", true
	}
	var b strings.Builder
	b.WriteString("bytes=")
	for i, br := range ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(br.first, 10) + "-" + strconv.FormatInt(br.last, 10))
	}
	return b.String(), true
}

// ows is the optional white space of RFC 9110 §5.6.3.
const ows = " \t"

// isBytesUnit reports whether unit is "bytes" in any ASCII case. Range
// units are tokens: no Unicode case folding ("byteſ" is not "bytes").
func isBytesUnit(unit string) bool {
	const bytes = "bytes"
	if len(unit) != len(bytes) {
		return false
	}
	for i := range len(bytes) {
		if unit[i]|0x20 != bytes[i] {
			return false
		}
	}
	return true
}

// parseByteRanges parses the part of a Range header after "bytes=" and
// resolves it against size. It fails on bad syntax, when no range is
// satisfiable, and when ranges overlap or are too many.
func parseByteRanges(spec string, size int64) ([]byteRange, error) {
	var ranges []byteRange
	n := 0
	for elem := range strings.SplitSeq(spec, ",") {
		elem = strings.Trim(elem, ows)
		if elem == "" {
			continue // RFC 9110 §5.6.1: empty list elements are allowed
		}
		if n++; n > maxRanges {
			return nil, errBadRange
		}
		br, satisfiable, err := parseByteRange(elem, size)
		if err != nil {
			return nil, err
		}
		if satisfiable {
			ranges = append(ranges, br)
		}
	}
	if len(ranges) == 0 || overlapping(ranges) {
		return nil, errBadRange
	}
	return ranges, nil
}

// parseByteRange parses one "first-last", "first-" or "-suffix" and
// resolves it against size.
func parseByteRange(s string, size int64) (br byteRange, satisfiable bool, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return br, false, errBadRange
	}
	if a == "" { // suffix: the last b bytes
		n, err := parseDigits(b)
		if err != nil {
			return br, false, err
		}
		if n == 0 || size == 0 {
			return br, false, nil
		}
		return byteRange{max(size-n, 0), size - 1}, true, nil
	}
	first, err := parseDigits(a)
	if err != nil {
		return br, false, err
	}
	last := int64(math.MaxInt64)
	if b != "" {
		if last, err = parseDigits(b); err != nil {
			return br, false, err
		}
		if last < first {
			return br, false, errBadRange
		}
	}
	if first >= size {
		return br, false, nil
	}
	return byteRange{first, min(last, size-1)}, true, nil
}

// parseDigits parses a non-empty run of ASCII digits; values too large for
// an int64 saturate, which is what a position past any file's end means.
func parseDigits(s string) (int64, error) {
	if s == "" {
		return 0, errBadRange
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errBadRange
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return math.MaxInt64, nil
	}
	return n, nil
}

// overlapping reports whether any two ranges share a byte.
func overlapping(ranges []byteRange) bool {
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(x, y byteRange) int { return cmp.Compare(x.first, y.first) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].first <= sorted[i-1].last {
			return true
		}
	}
	return false
}
