package fileserve_test

import (
	"io/fs"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/hidden"
)

// FuzzTranslatePath checks translatePath's invariants: a name it accepts
// is clean and relative (valid for fs.ValidPath, but for UTF-8), has no
// ".." element and no NUL, is its own translation, and is not hidden
// unless dotfiles are served; it refuses a path only for a NUL or a hidden
// name.
func FuzzTranslatePath(f *testing.F) {
	for _, seed := range []string{
		"/", "", "/a/b.txt", "/../etc/passwd", "/a/../../b", "//x", `/..\x`, "/.env",
		"/.well-known/a", "/a/.well-known", "/\x00", "/caf\xe9", "/./.", "/a//b/", "..",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	handlers := map[bool]*fileserve.Handler{
		false: fileserve.New(fstest.MapFS{}, nil),
		true:  fileserve.New(fstest.MapFS{}, &fileserve.Options{Dotfiles: true}),
	}
	f.Fuzz(func(t *testing.T, urlPath string, dotfiles bool) {
		h := handlers[dotfiles]
		name, ok := h.TranslatePath(urlPath)
		hasNUL := strings.IndexByte(urlPath, 0) >= 0
		if !ok {
			if !hasNUL && dotfiles {
				t.Fatalf("%q refused with dotfiles served", urlPath)
			}
			return
		}
		if hasNUL || strings.IndexByte(name, 0) >= 0 {
			t.Fatalf("%q with a NUL accepted as %q", urlPath, name)
		}
		if name != "." {
			for elem := range strings.SplitSeq(name, "/") {
				if elem == "" || elem == "." || elem == ".." {
					t.Fatalf("%q: name %q has element %q", urlPath, name, elem)
				}
			}
		}
		if utf8.ValidString(name) && !fs.ValidPath(name) {
			t.Fatalf("%q: name %q is not a valid path", urlPath, name)
		}
		if !dotfiles && hidden.Name(name) {
			t.Fatalf("%q: hidden name %q accepted", urlPath, name)
		}
		for _, again := range []string{"/" + name, name} {
			if n2, ok2 := h.TranslatePath(again); !ok2 || n2 != name {
				t.Fatalf("%q → %q, but %q → %q, %v", urlPath, name, again, n2, ok2)
			}
		}
	})
}

// FuzzNormalizeRange checks normalizeRange against a reference model: it
// never panics; it drops a header only for a unit other than bytes; else
// it gives either the 416 marker ("bytes=SIZE-") exactly when the model
// finds the header malformed, unsatisfiable or abusive, or the model's
// ranges: inside [0, size), disjoint, at most MaxRanges, in the client's
// order.
func FuzzNormalizeRange(f *testing.F) {
	for _, seed := range []string{
		"bytes=0-0", "bytes=-0", "bytes=0-", "bytes=-5", "bytes=5-1", "bytes=0-1,1-2", "bytes=0-1,2-3",
		"items=0-1", "bytes", "bytes=", "bytes=,", "BYTES=0-1", " bytes = 0-1", "bytes=99999999999999999999-",
		"bytes=-99999999999999999999", "bytes=0-1, ,4-5", "bytes=1-2,-1", "byteſ=0-1",
		"\u0085bytes=0-1", "bytes=\v0-1", "bytes=\t0-1 ,\t2-3",
	} {
		f.Add(seed, int64(10))
		f.Add(seed, int64(0))
	}
	f.Fuzz(func(t *testing.T, header string, size int64) {
		if size < 0 {
			return
		}
		out, keep := fileserve.NormalizeRange(header, size)
		unit, spec, hasEq := strings.Cut(header, "=")
		isBytes := hasEq && asciiLower(strings.Trim(unit, " \t")) == "bytes"
		if keep != isBytes {
			t.Fatalf("%q: keep %v, but the unit is bytes: %v", header, keep, isBytes)
		}
		if !keep {
			return
		}
		want, ok := refRanges(spec, size)
		marker := "bytes=" + strconv.FormatInt(size, 10) + "-"
		if !ok {
			if out != marker {
				t.Fatalf("%q size %d: %q, want the 416 marker %q", header, size, out, marker)
			}
			return
		}
		if got := formatRanges(want); out != got {
			t.Fatalf("%q size %d: %q, want %q", header, size, out, got)
		}
		checkRangeHeader(t, out, size)
	})
}

// checkRangeHeader checks, apart from the model, that a rewritten header
// holds at most MaxRanges disjoint ranges inside [0, size).
func checkRangeHeader(t *testing.T, out string, size int64) {
	spec, ok := strings.CutPrefix(out, "bytes=")
	elems := strings.Split(spec, ",")
	if !ok || len(elems) > fileserve.MaxRanges {
		t.Fatalf("%q: not bytes=, or more than %d ranges", out, fileserve.MaxRanges)
	}
	var seen [][2]int64
	for _, e := range elems {
		a, b, _ := strings.Cut(e, "-")
		first, err1 := strconv.ParseInt(a, 10, 64)
		last, err2 := strconv.ParseInt(b, 10, 64)
		if err1 != nil || err2 != nil || first < 0 || first > last || last >= size {
			t.Fatalf("%q: range %q is not inside [0, %d)", out, e, size)
		}
		for _, r := range seen {
			if first <= r[1] && r[0] <= last {
				t.Fatalf("%q: ranges overlap", out)
			}
		}
		seen = append(seen, [2]int64{first, last})
	}
}

// rangeRE matches one range-spec: first-last, first- or -suffix.
var rangeRE = regexp.MustCompile(`^([0-9]*)-([0-9]*)$`)

// refRanges is the reference model of RFC 9110 §14.1.2, in big integers:
// the satisfiable ranges of spec, or ok false when spec is malformed, no
// range is satisfiable, ranges overlap or there are too many.
func refRanges(spec string, size int64) (ranges [][2]*big.Int, ok bool) {
	n := 0
	end := big.NewInt(size) // one past the last byte
	for _, elem := range strings.Split(spec, ",") {
		elem = strings.Trim(elem, " \t")
		if elem == "" {
			continue
		}
		n++
		m := rangeRE.FindStringSubmatch(elem)
		if m == nil || m[1] == "" && m[2] == "" {
			return nil, false
		}
		first, last := new(big.Int), new(big.Int).Sub(end, big.NewInt(1))
		if m[1] == "" { // the last m[2] bytes
			k, _ := new(big.Int).SetString(m[2], 10)
			if k.Sign() == 0 || size == 0 {
				continue
			}
			first.Sub(end, k)
			if first.Sign() < 0 {
				first.SetInt64(0)
			}
		} else {
			first.SetString(m[1], 10)
			if m[2] != "" {
				l, _ := new(big.Int).SetString(m[2], 10)
				if l.Cmp(first) < 0 {
					return nil, false
				}
				if l.Cmp(last) < 0 {
					last = l
				}
			}
			if first.Cmp(end) >= 0 {
				continue
			}
		}
		ranges = append(ranges, [2]*big.Int{first, last})
	}
	if n > fileserve.MaxRanges || len(ranges) == 0 {
		return nil, false
	}
	for i := range ranges {
		for j := range i {
			if ranges[i][0].Cmp(ranges[j][1]) <= 0 && ranges[j][0].Cmp(ranges[i][1]) <= 0 {
				return nil, false
			}
		}
	}
	return ranges, true
}

// formatRanges writes ranges as a Range header.
func formatRanges(ranges [][2]*big.Int) string {
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = r[0].String() + "-" + r[1].String()
	}
	return "bytes=" + strings.Join(parts, ",")
}

// asciiLower lower-cases ASCII letters only, as HTTP tokens are compared.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
