package coding

import (
	"strings"

	"github.com/simplehttp/simplehttp/internal/qvalue"
)

// Negotiate chooses the coding of an answer from the values of a request's
// Accept-Encoding header and the codings on offer, as RFC 9110 (12.5.3)
// says:
//
//   - A coding the header names with "q=0", or does not name at all, is
//     refused. "*" gives its weight to every coding the header does not
//     name, so "*;q=0" refuses them all. "x-gzip" is "gzip". A coding named
//     twice gets its lower weight: a refusal anywhere is a refusal.
//   - The accepted coding with the highest weight wins; among equal
//     weights, the first in Preference (zstd, then br, then gzip).
//   - No coding at all (Identity) is acceptable unless the header says
//     "identity;q=0", or "*;q=0" without naming identity. It wins only when
//     named with a higher weight than every accepted coding, or when no
//     coding is accepted.
//
// identityRefused reports a client that refuses uncompressed answers; it
// may still get one when nothing it accepts is on offer (RFC 9110, 12.1
// lets a server disregard the header rather than answer 406).
//
// An empty value accepts no coding. A request without the header is the
// caller's to decide (the RFC allows any coding, but clients that send
// none, such as curl and wget by default, cannot decode one). Elements
// whose weight is not a valid qvalue are ignored. Negotiate allocates
// nothing.
func Negotiate(accept []string, offers Set) (best Coding, identityRefused bool) {
	ch := Choose(accept, offers)
	return ch.Coding, ch.IdentityRefused
}

// Choice is what a request's Accept-Encoding chooses among the codings
// on offer.
type Choice struct {
	Coding          Coding // for an answer compressed as it is sent: Negotiate's
	Kept            Coding // for a body coded once and kept: the same but that ties go by KeptPreference
	IdentityRefused bool   // the client refuses uncompressed answers
}

// Choose is Negotiate, which it describes, with the coding for a body
// coded once and kept besides, from one reading of the header. Kept is
// Identity when Coding is. Choose allocates nothing.
func Choose(accept []string, offers Set) Choice {
	w := parse(accept)
	best, bestQ := w.best(offers, Preference)
	kept, _ := w.best(offers, KeptPreference)
	identity := w.identity()
	if identity > bestQ {
		return Choice{}
	}
	return Choice{Coding: best, Kept: kept, IdentityRefused: identity == 0}
}

// weights are the weights in thousandths (0 to 1000) that a header gives
// the codings; -1 means not named.
type weights struct {
	named    [len(tokens)]int // by Coding; Identity for "identity"
	wildcard int              // "*"
}

// best is the coding of offers with the highest weight above 0, the
// first in order among equals, and its weight; Identity and 0 when there
// is none.
func (w *weights) best(offers Set, order [3]Coding) (best Coding, q int) {
	for _, c := range order {
		if wc := w.of(c); offers.Has(c) && wc > q {
			best, q = c, wc
		}
	}
	return best, q
}

// of is the weight of coding c: named, else the wildcard's, else 0.
func (w *weights) of(c Coding) int {
	switch {
	case w.named[c] >= 0:
		return w.named[c]
	case w.wildcard >= 0:
		return w.wildcard
	}
	return 0
}

// identity is the weight of no coding: named, else 0 when "*;q=0"
// refuses it, else 1 (one thousandth), below any coding accepted.
func (w *weights) identity() int {
	switch {
	case w.named[Identity] >= 0:
		return w.named[Identity]
	case w.wildcard == 0:
		return 0
	}
	return 1
}

// parse reads the weights from the header's values: comma-separated
// elements "coding" or "coding;q=weight", with optional white space.
func parse(accept []string) weights {
	w := weights{wildcard: -1}
	for i := range w.named {
		w.named[i] = -1
	}
	for _, v := range accept {
		for elem := range strings.SplitSeq(v, ",") {
			name, q, ok := qvalue.Element(elem)
			if !ok || name == "" {
				continue
			}
			if name == "*" {
				w.wildcard = lower(w.wildcard, q)
				continue
			}
			if c, known := lookup(name); known {
				w.named[c] = lower(w.named[c], q)
			}
		}
	}
	return w
}

// lower is the lower of an old weight (-1: none yet) and a new one.
func lower(old, q int) int {
	if old < 0 {
		return q
	}
	return min(old, q)
}

// lookup finds the coding named name, in any case.
func lookup(name string) (Coding, bool) {
	if equalFold(name, "x-gzip") {
		return Gzip, true // RFC 9110, 8.4.1.3
	}
	for c, token := range tokens {
		if equalFold(name, token) {
			return Coding(c), true
		}
	}
	return Identity, false
}
