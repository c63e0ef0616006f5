// Package qvalue reads the weights of HTTP content negotiation: the "q"
// parameter of the elements of Accept and Accept-Encoding (RFC 9110,
// 12.4.2), with the RFC's grammar and nothing looser, so that every
// header simplehttp negotiates on weighs "q=1e-1" or "q=.5" alike (as no
// weight at all: the element is ignored).
package qvalue

import "strings"

// Max is the weight 1, in thousandths: the precision of a qvalue.
const Max = 1000

// Parse reads a qvalue in thousandths:
//
//	qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
//
// ok is false for anything else: "1.5", "0.0001", "1e-1", ".5", " 1".
func Parse(s string) (q int, ok bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	whole := int(s[0] - '0')
	frac := s[1:]
	if frac != "" {
		if frac[0] != '.' || len(frac) > 4 {
			return 0, false
		}
		frac = frac[1:]
	}
	q, scale := whole*Max, Max
	for i := 0; i < len(frac); i++ {
		d := frac[i]
		if d < '0' || d > '9' || (whole == 1 && d != '0') {
			return 0, false
		}
		scale /= 10
		q += int(d-'0') * scale
	}
	return q, true
}

// Element splits one element of a negotiation header, such as
// "text/html;level=1;q=0.8" or "gzip;q=0", into its value without the
// parameters and its weight: Max when it has no q parameter. ok is false
// when a q parameter is not a qvalue; the element then counts for
// nothing. Other parameters are ignored; white space around the value,
// the parameters and their "=" is allowed.
func Element(elem string) (value string, q int, ok bool) {
	value, params, _ := strings.Cut(elem, ";")
	q = Max
	for p := range strings.SplitSeq(params, ";") {
		key, v, _ := strings.Cut(p, "=")
		if key = strings.TrimSpace(key); key != "q" && key != "Q" {
			continue
		}
		if q, ok = Parse(strings.TrimSpace(v)); !ok {
			return "", 0, false
		}
	}
	return strings.TrimSpace(value), q, true
}
