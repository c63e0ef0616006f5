package netlimit

import (
	"io"
	"net"
	"sync"
	"time"
)

// Listener is a net.Listener whose connections bound every write by a
// WriteLimit and, with a connection limit, of which at most that many are
// open at once: Accept waits for a slot, and the connections beyond the
// limit wait in the kernel's backlog, as they would for a busy server.
// Closing a connection frees its slot.
type Listener struct {
	ln        net.Listener
	sem       chan struct{} // nil: no limit
	closed    chan struct{}
	closeOnce sync.Once
	write     WriteLimit
}

// WriteLimit bounds the writes to a client: each Chunk bytes of an answer
// must be taken by the client within Timeout. A client that reads slower
// than Chunk per Timeout, or stops reading, is cut off; one that keeps up
// may take as long as it likes. A field that is zero or less takes
// DefaultWriteLimit's value.
type WriteLimit struct {
	Timeout time.Duration
	Chunk   int
}

// DefaultWriteLimit is simplehttp's: each 256 KiB of an answer must be
// taken within 30 s (a client slower than about 8 KiB/s is cut off).
var DefaultWriteLimit = WriteLimit{Timeout: 30 * time.Second, Chunk: 256 << 10}

// orDefault is w with DefaultWriteLimit's values for the fields it lacks.
func (w WriteLimit) orDefault() WriteLimit {
	if w.Timeout <= 0 {
		w.Timeout = DefaultWriteLimit.Timeout
	}
	if w.Chunk <= 0 {
		w.Chunk = DefaultWriteLimit.Chunk
	}
	return w
}

// NewListener wraps ln so that at most maxConns connections are open at
// once (0 or less: no limit) and every write to them is bounded by write.
// Closing the Listener closes ln.
func NewListener(ln net.Listener, maxConns int, write WriteLimit) *Listener {
	l := &Listener{ln: ln, closed: make(chan struct{}), write: write.orDefault()}
	if maxConns > 0 {
		l.sem = make(chan struct{}, maxConns)
	}
	return l
}

// Accept waits for a free slot, then for a connection.
func (l *Listener) Accept() (net.Conn, error) {
	if l.sem != nil {
		select {
		case l.sem <- struct{}{}:
		case <-l.closed:
			return nil, net.ErrClosed
		}
	}
	c, err := l.ln.Accept()
	if err != nil {
		l.release()
		return nil, err
	}
	return &conn{Conn: c, l: l}, nil
}

// Close stops Accept, including one waiting for a slot. Closing it again
// does nothing.
func (l *Listener) Close() error {
	var err error
	l.closeOnce.Do(func() {
		close(l.closed)
		err = l.ln.Close()
	})
	return err
}

// Addr is the listening address.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// release frees a slot.
func (l *Listener) release() {
	if l.sem != nil {
		<-l.sem
	}
}

// conn is an accepted connection whose writes are bounded by progress,
// not by their total time: the client must take each write.Chunk bytes
// within write.Timeout (256 KiB per 30 s, about 8.7 KB/s, by default).
// So a client that stops reading, or reads slower than that, is cut off
// after at most write.Timeout (plus what the kernel's buffers hold),
// while one that keeps reading faster can download for as long as it
// takes. A whole-response deadline (http.Server.WriteTimeout) would cut
// off large downloads instead.
//
// Write gives each chunk a fresh deadline. A file longer than a chunk
// goes out with sendfile in bigger pieces (sendFile, on Linux), and the
// deadline moves forward each time another chunk has been sent: setting
// it before every chunk-sized sendfile cost a third more CPU per GB than
// nginx spends. Closing the connection frees its slot in the listener.
type conn struct {
	net.Conn
	l         *Listener
	closeOnce sync.Once
}

// Write writes p in chunks, each under its own deadline.
func (c *conn) Write(p []byte) (int, error) {
	return c.l.write.inChunks(p, c.SetWriteDeadline, c.Conn.Write)
}

// inChunks writes p with write in chunks of at most w.Chunk bytes,
// setting the deadline w.Timeout from now before each with setDeadline:
// the policy of conn, and of HTTP/2 streams (streamWriter).
func (w WriteLimit) inChunks(p []byte, setDeadline func(time.Time) error, write func([]byte) (int, error)) (int, error) {
	var n int
	for len(p) > 0 {
		k := min(len(p), w.Chunk)
		if err := setDeadline(time.Now().Add(w.Timeout)); err != nil {
			return n, err
		}
		m, err := write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}

// ReadFrom copies r to the connection: a file longer than a chunk with
// sendFile, anything else in chunks, each under its own deadline, through
// the connection's own ReadFrom, which for a file (or a file in an
// io.LimitedReader, as http.ServeContent passes it) is the kernel's
// sendfile too.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if n, handled, err := c.sendFile(r); handled {
		return n, err
	}
	rf, ok := c.Conn.(io.ReaderFrom)
	if !ok {
		return io.Copy(writerOnly{c}, r)
	}
	remain := int64(-1) // -1: until EOF
	if lr, isLimited := r.(*io.LimitedReader); isLimited {
		r, remain = lr.R, max(lr.N, 0)
		defer func() { lr.N = remain }()
	}
	var total int64
	for remain != 0 {
		k := int64(c.l.write.Chunk)
		if remain > 0 {
			k = min(k, remain)
		}
		if err := c.SetWriteDeadline(time.Now().Add(c.l.write.Timeout)); err != nil {
			return total, err
		}
		n, err := rf.ReadFrom(&io.LimitedReader{R: r, N: k})
		total += n
		if remain > 0 {
			remain -= n
		}
		if err != nil || n < k {
			return total, err
		}
	}
	return total, nil
}

// CloseWrite shuts down the sending side, as net/http does to flush a last
// answer before it closes a connection.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Close closes the connection and frees its slot.
func (c *conn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(c.l.release)
	return err
}

// writerOnly hides every method but Write, so io.Copy cannot loop back
// into ReadFrom.
type writerOnly struct{ io.Writer }
