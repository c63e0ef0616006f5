// Package netlimit keeps slow and greedy clients from holding an HTTP
// server: it bounds how many connections are open at once, and how long
// each write may wait for a client that reads slowly or not at all. It
// does so without a whole-response deadline (http.Server.WriteTimeout),
// which would cut off a large download however fast it goes, and without
// losing the kernel's sendfile for file bodies.
//
// Two pieces work together on one http.Server:
//
//   - NewListener wraps the server's net.Listener. At most maxConns of
//     its connections are open at once (the others wait in the kernel's
//     backlog), and on each of them every WriteLimit.Chunk bytes of an
//     answer must be taken by the client within WriteLimit.Timeout. A file
//     body (as http.ServeContent and http.FileServer send it) still goes
//     out with sendfile: on Linux in large pieces, the deadline moving on
//     with the bytes sent.
//   - StreamDeadlines wraps the server's handler. Under HTTP/2 a client
//     that stops reading holds a stream, not the socket, so each stream
//     gets the same write deadlines.
//
// Under TLS the TLS connections wrap the Listener's, so their writes keep
// the deadlines (there is no sendfile: the bytes must be encrypted).
// Keep http.Server's ReadHeaderTimeout and IdleTimeout: they bound the
// other direction, a client slow to send its request or idle between
// requests.
package netlimit
