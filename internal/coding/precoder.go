package coding

import (
	"io"
	"net/http"
)

// Precoder is offered by the ResponseWriter of package encode's Handler
// to the handler it wraps, so that a handler that keeps bodies in memory
// (fileserve's cache of small files) codes each of them once, not once
// per request: the handler asks which coding a kept body is best sent
// in, has the Precoder code the body, keeps the result, and sends it
// coded itself (with the coding's Content-Encoding, its own
// Content-Length and the entity tag CodedTag makes, and no
// Accept-Ranges); or, knowing that coding does not make the body
// smaller, sends it as it is without the writer trying again. Since the
// coding is paid once, not per answer, it is the one with the fewest
// bytes among those the client accepts equally (Choice.Kept), at a
// harder level than the writer's, and may differ from the coding the
// writer would compress the answer with.
type Precoder interface {
	// Offer reports the coding for a kept body, if the answer would be
	// compressed: a 200 with the headers hdr, set as the handler would
	// send it uncoded, but for its Content-Type, contentType, and a body
	// of size bytes. mustCode reports that the client refuses the body
	// as it is, so that it gets it coded even if that is larger. For a
	// body whose size is not known yet (size < 0), coded as it is made
	// (see Encoder), the coding is the one the writer compresses answers
	// in as they are sent, the cheapest to make: such a body may be
	// long, and made again often; the handler sends it as it is if
	// coding it does not make it smaller.
	Offer(hdr http.Header, contentType string, size int) (c Coding, mustCode, ok bool)

	// Code appends body, compressed whole with c at the level for a body
	// coded once and kept, to dst.
	Code(dst, body []byte, c Coding) []byte

	// Encoder returns an encoder that compresses a body with c as it
	// is written, into dst, at the level of an answer compressed as it
	// is sent: for a body made piece by piece, too long to hold whole
	// (a listing of a big folder). Close ends the body and frees the
	// encoder, which is not to be used after.
	Encoder(dst io.Writer, c Coding) io.WriteCloser

	// PassAsIs makes the writer pass the answer on as the handler sends
	// it: coded by the handler, or uncoded because coding its body does
	// not make it smaller.
	PassAsIs()
}

// CodedTag is the entity tag of the representation coded with c, made
// from the tag of the uncoded one: "x" becomes "x+br", W/"x" W/"x+br".
// A malformed tag is left as it is.
func CodedTag(tag string, c Coding) string {
	if len(tag) < 2 || tag[len(tag)-1] != '"' {
		return tag
	}
	return tag[:len(tag)-1] + "+" + c.String() + `"`
}

// PrecoderOf returns the Precoder that w is or wraps (by Unwrap, as
// http.ResponseController finds the connection), if there is one.
func PrecoderOf(w http.ResponseWriter) (Precoder, bool) {
	for {
		switch v := w.(type) {
		case Precoder:
			return v, true
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil, false
		}
	}
}
