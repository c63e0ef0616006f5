package coding

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzNegotiate checks Negotiate, and Choose's coding for a kept body,
// against a plain reference reading of RFC 9110 (12.5.3), and that a
// refusal is always honoured.
func FuzzNegotiate(f *testing.F) {
	for _, seed := range []string{
		"", "gzip", "gzip, deflate, br, zstd", "zstd;q=0.5, br;q=0.8, gzip;q=0.9",
		"*;q=0, identity", "identity;q=0", "x-gzip;q=0.3, *;q=0.2", "br;q=1.000, gzip;q=0.999",
		"GZIP ; Q=0.5", "zſtd, \u212a, gzip;q=0.1", "br;q=2", "gzip;q=0.0001", ", ,;q=1", "zstd;level=3;q=0.7",
	} {
		f.Add(seed, uint8(All))
	}
	f.Fuzz(func(t *testing.T, header string, offerBits uint8) {
		offers := Set(offerBits) & All
		accept := strings.Split(header, "\n")
		got, refused := Negotiate(accept, offers)
		want, wantRefused := referenceNegotiate(accept, offers, Preference)
		if got != want || refused != wantRefused {
			t.Fatalf("Negotiate(%q, %b) = %v, %v; the reference says %v, %v", accept, offers, got, refused, want, wantRefused)
		}
		ch := Choose(accept, offers)
		if wantKept, _ := referenceNegotiate(accept, offers, KeptPreference); ch.Coding != got || ch.IdentityRefused != refused || ch.Kept != wantKept {
			t.Fatalf("Choose(%q, %b) = %+v; the reference says %v, kept %v, %v", accept, offers, ch, want, wantKept, wantRefused)
		}
		if got != Identity {
			// Refusing the chosen coding anywhere in the header refuses it.
			again, _ := Negotiate(append(accept, got.String()+";q=0"), offers)
			if again == got {
				t.Fatalf("%q with %s;q=0 added still chooses %v", accept, got, got)
			}
		}
	})
}

// referenceNegotiate is Negotiate written plainly, allocations and all,
// with ties going by order.
func referenceNegotiate(accept []string, offers Set, order [3]Coding) (Coding, bool) {
	weight := map[string]float64{}
	for _, v := range accept {
		for _, elem := range strings.Split(v, ",") {
			parts := strings.Split(elem, ";")
			name := strings.ToLower(strings.TrimSpace(parts[0]))
			if name == "x-gzip" {
				name = "gzip"
			}
			q, valid := 1.0, name != ""
			for _, p := range parts[1:] {
				k, val, _ := strings.Cut(p, "=")
				if strings.ToLower(strings.TrimSpace(k)) != "q" {
					continue
				}
				var ok bool
				if q, ok = referenceQ(strings.TrimSpace(val)); !ok {
					valid = false
				}
			}
			if !valid {
				continue
			}
			if old, seen := weight[name]; !seen || q < old {
				weight[name] = q
			}
		}
	}
	star, hasStar := weight["*"]
	best, bestQ := Identity, 0.0
	for _, c := range order {
		q, named := weight[c.String()]
		if !named && hasStar {
			q = star
		}
		if offers.Has(c) && q > bestQ {
			best, bestQ = c, q
		}
	}
	identity, named := weight["identity"]
	switch {
	case named:
	case hasStar && star == 0:
		identity = 0
	default:
		identity = 0.0001 // acceptable, below any coding
	}
	if identity > bestQ {
		return Identity, false
	}
	return best, identity == 0
}

// referenceQ parses a qvalue with the grammar of RFC 9110 (12.4.2).
func referenceQ(s string) (float64, bool) {
	ok := false
	for _, pattern := range []string{"0", "0.", "1", "1."} {
		ok = ok || s == pattern
	}
	if !ok && len(s) >= 3 && len(s) <= 5 && s[1] == '.' {
		digits := s[2:]
		switch s[0] {
		case '0':
			ok = strings.Trim(digits, "0123456789") == ""
		case '1':
			ok = strings.Trim(digits, "0") == ""
		}
	}
	if !ok {
		return 0, false
	}
	q, err := strconv.ParseFloat(strings.TrimSuffix(s, "."), 64)
	return q, err == nil
}
