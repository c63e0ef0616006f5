package netlimit

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// connSpy is a net.Conn that records its writes, ReadFrom sources and
// write deadlines.
type connSpy struct {
	net.Conn // nil: only the methods below are used
	ops      []string
	sources  []io.Reader
	buf      bytes.Buffer
}

func (c *connSpy) SetWriteDeadline(time.Time) error { c.ops = append(c.ops, "deadline"); return nil }

func (c *connSpy) Write(p []byte) (int, error) {
	c.ops = append(c.ops, fmt.Sprintf("write %d", len(p)))
	return c.buf.Write(p)
}

func (c *connSpy) ReadFrom(r io.Reader) (int64, error) {
	c.sources = append(c.sources, r)
	n, err := io.Copy(&c.buf, r)
	c.ops = append(c.ops, fmt.Sprintf("readfrom %d", n))
	return n, err
}

func spyConn(chunk int) (*conn, *connSpy) {
	spy := &connSpy{}
	l := &Listener{write: WriteLimit{Timeout: time.Second, Chunk: chunk}}
	return &conn{Conn: spy, l: l}, spy
}

// TestConnReadFromKeepsSendfile: on the general path (here a connection
// with no file descriptor, for sendFile; any connection where sendFile
// is not built) the file reaches the connection's own ReadFrom in
// chunks, each a plain *io.LimitedReader around the *os.File itself
// (what net's sendfile unwraps), each after a fresh deadline.
func TestConnReadFromKeepsSendfile(t *testing.T) {
	data := randomBytes(250_000)
	f := tempFile(t, data)
	if _, err := f.Seek(1000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	c, spy := spyConn(100_000)
	src := &io.LimitedReader{R: f, N: 240_000} // as io.CopyN in http.ServeContent
	n, err := io.Copy(c, src)
	if err != nil || n != 240_000 {
		t.Fatalf("io.Copy = %d, %v", n, err)
	}
	want := []string{"deadline", "readfrom 100000", "deadline", "readfrom 100000", "deadline", "readfrom 40000"}
	if fmt.Sprint(spy.ops) != fmt.Sprint(want) {
		t.Errorf("operations %q, want %q", spy.ops, want)
	}
	for i, s := range spy.sources {
		if lr, ok := s.(*io.LimitedReader); !ok || lr.R != f {
			t.Errorf("ReadFrom #%d got %T, want an *io.LimitedReader of the *os.File", i, s)
		}
	}
	if src.N != 0 {
		t.Errorf("source has N = %d left, want 0", src.N)
	}
	if !bytes.Equal(spy.buf.Bytes(), data[1000:241000]) {
		t.Error("copied bytes differ from the file's")
	}
}

// TestConnReadFromUntilEOF: an unlimited source is copied to its end.
func TestConnReadFromUntilEOF(t *testing.T) {
	c, spy := spyConn(4)
	n, err := c.ReadFrom(bytes.NewReader([]byte("0123456789")))
	if err != nil || n != 10 || spy.buf.String() != "0123456789" {
		t.Fatalf("ReadFrom = %d, %v, copied %q", n, err, spy.buf.String())
	}
	if len(spy.sources) != 3 {
		t.Errorf("%d chunks, want 3", len(spy.sources))
	}
}

func TestConnWriteChunks(t *testing.T) {
	c, spy := spyConn(4)
	n, err := c.Write([]byte("0123456789"))
	if err != nil || n != 10 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	want := []string{"deadline", "write 4", "deadline", "write 4", "deadline", "write 2"}
	if fmt.Sprint(spy.ops) != fmt.Sprint(want) {
		t.Errorf("operations %q, want %q", spy.ops, want)
	}
}

// TestListenerCloseTwice checks that the listener can be closed before
// the server's Shutdown closes it again: the first Close refuses new
// connections at once, and the second is no error.
func TestListenerCloseTwice(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := NewListener(ln, 0, WriteLimit{Timeout: time.Second, Chunk: 1 << 10})
	if err := l.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("a connection was accepted after Close")
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

// TestListenerLimit: with a limit of 2, a third connection is accepted
// only once one of the first two closes (closing it twice frees one slot,
// not two), and Close ends an Accept that waits for a slot.
func TestListenerLimit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := NewListener(ln, 2, WriteLimit{})
	if l.Addr() != ln.Addr() {
		t.Errorf("Addr %v, want %v", l.Addr(), ln.Addr())
	}
	for range 4 { // the kernel's backlog takes them all
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	accepted := make(chan net.Conn)
	accept := func() {
		c, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}
	first, second := mustAccept(t, l), mustAccept(t, l)
	go accept()
	select {
	case <-accepted:
		t.Fatal("a third connection was accepted while two were open")
	case <-time.After(100 * time.Millisecond): // a slow machine can only make this pass falsely
	}
	first.Close()
	third, ok := <-accepted
	if !ok {
		t.Fatal("Accept failed once a slot was free")
	}
	first.Close()
	if len(l.sem) != 2 {
		t.Errorf("%d slots taken with two connections open, want 2", len(l.sem))
	}
	go accept()
	l.Close()
	if c, ok := <-accepted; ok {
		t.Errorf("Accept waiting for a slot returned %v after Close, want an error", c.RemoteAddr())
	}
	second.Close()
	third.Close()
}

// mustAccept is l's next connection.
func mustAccept(t *testing.T, l *Listener) net.Conn {
	t.Helper()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWriteLimitDefaults: a WriteLimit field that is zero or less takes
// DefaultWriteLimit's value, so a zero WriteLimit bounds writes as the
// command does (and a zero Chunk cannot stall Write).
func TestWriteLimitDefaults(t *testing.T) {
	for _, tc := range []struct{ in, want WriteLimit }{
		{WriteLimit{}, DefaultWriteLimit},
		{WriteLimit{Timeout: -1, Chunk: -1}, DefaultWriteLimit},
		{WriteLimit{Timeout: time.Second}, WriteLimit{Timeout: time.Second, Chunk: DefaultWriteLimit.Chunk}},
		{WriteLimit{Chunk: 10}, WriteLimit{Timeout: DefaultWriteLimit.Timeout, Chunk: 10}},
	} {
		if got := tc.in.orDefault(); got != tc.want {
			t.Errorf("%+v: %+v, want %+v", tc.in, got, tc.want)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if got := NewListener(ln, 0, WriteLimit{}).write; got != DefaultWriteLimit {
		t.Errorf("NewListener with a zero WriteLimit writes under %+v", got)
	}
}

// TestConnCloseWrite: conn passes CloseWrite on. net/http half-closes a
// connection whose request body it gave up on, so that the client reads
// the whole answer and then its end at once, not after the half second
// net/http waits before it closes: the client sees the end while the
// server's side still reads.
func TestConnCloseWrite(t *testing.T) {
	c, client := tcpPair(t, DefaultWriteLimit, 0, 0)
	io.WriteString(c, "answer")
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(20 * time.Second)) // only a failing test waits
	if b, err := io.ReadAll(client); err != nil || string(b) != "answer" {
		t.Fatalf("the client read %q, %v; want the answer, then the end", b, err)
	}
	io.WriteString(client, "more")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "more" {
		t.Errorf("the server's side read %q, %v after CloseWrite", buf, err)
	}
}

// tcpPair is a loopback connection whose server side is wrapped as the
// listener wraps it, with write limits w, and with small fixed socket
// buffers (sndbuf and the client's rcvbuf, bytes; 0 leaves the kernel's),
// so that the kernel holds little of what is sent and the pace of the
// client's reading governs the server's writes.
func tcpPair(t testing.TB, w WriteLimit, sndbuf, rcvbuf int) (server *conn, client *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	client = cc.(*net.TCPConn)
	if rcvbuf > 0 {
		client.SetReadBuffer(rcvbuf)
	}
	if sndbuf > 0 {
		sc.(*net.TCPConn).SetWriteBuffer(sndbuf)
	}
	t.Cleanup(func() { sc.Close(); cc.Close() })
	return &conn{Conn: sc, l: &Listener{write: w}}, client
}

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// tempFile is a file holding data, open for reading.
func tempFile(t testing.TB, data []byte) *os.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestConnReadFromFile: a file body over a real connection arrives whole
// and exact, from the file's offset, in the amount asked (or to EOF, or
// short when the file has less), and the file's offset and the
// io.LimitedReader's N move past what was sent, as io.Copy expects.
func TestConnReadFromFile(t *testing.T) {
	data := randomBytes(3<<20 + 12345)
	for _, tc := range []struct {
		name        string
		start, n    int64 // n < 0: the bare file, to EOF
		wantN, left int64
	}{
		{"whole file", 0, int64(len(data)), int64(len(data)), 0},
		{"a range", 1000, 2<<20 + 7, 2<<20 + 7, 0},
		{"to EOF", 4096, -1, int64(len(data)) - 4096, 0},
		{"a file shorter than said", 0, int64(len(data)) + 500, int64(len(data)), 500},
		{"one chunk", 10, 64 << 10, 64 << 10, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tempFile(t, data)
			if _, err := f.Seek(tc.start, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			c, client := tcpPair(t, WriteLimit{Timeout: 5 * time.Second, Chunk: 64 << 10}, 0, 0)
			got := make(chan []byte)
			go func() { b, _ := io.ReadAll(client); got <- b }()
			var src io.Reader = f
			lr := &io.LimitedReader{R: f, N: tc.n}
			if tc.n >= 0 {
				src = lr
			}
			n, err := c.ReadFrom(src)
			c.Close()
			if err != nil || n != tc.wantN {
				t.Fatalf("ReadFrom = %d, %v; want %d, nil", n, err, tc.wantN)
			}
			if b := <-got; !bytes.Equal(b, data[tc.start:tc.start+tc.wantN]) {
				t.Errorf("the client got %d bytes that differ from the file's", len(b))
			}
			if tc.n >= 0 && lr.N != tc.left {
				t.Errorf("LimitedReader.N = %d, want %d", lr.N, tc.left)
			}
			if off, _ := f.Seek(0, io.SeekCurrent); off != tc.start+tc.wantN {
				t.Errorf("file offset %d after sending, want %d", off, tc.start+tc.wantN)
			}
		})
	}
}

// paceLimits are the write limits of the pace tests: 128 KiB per 2 s at
// least, a floor of 64 KiB/s. The chunk is some times what the kernel
// lets a writer add at once to the pace tests' small socket buffers, and
// the time-out some times how long a client below the floor takes to
// wake the writer. The steady reader reads twelve times faster than the
// floor, so that a loaded machine cannot make it too slow; the trickling
// one less than half as fast.
var paceLimits = WriteLimit{Timeout: 2 * time.Second, Chunk: 128 << 10}

// readPaced reads from c, piece bytes every 20 ms, until an error or
// until d has passed, and returns how many bytes it read.
func readPaced(c net.Conn, piece int, d time.Duration) int64 {
	buf := make([]byte, piece)
	var total int64
	end := time.Now().Add(d)
	c.SetReadDeadline(end)
	for time.Now().Before(end) {
		n, err := io.ReadFull(c, buf)
		total += int64(n)
		if err != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return total
}

// TestSteadyReaderOutlastsTimeout: a client that reads steadily above
// the floor (16 KiB per 20 ms, at most 800 KB/s) gets a 4 MiB file that
// takes at least 5 s, some write time-outs, to send. A deadline set once
// per response cuts it off.
func TestSteadyReaderOutlastsTimeout(t *testing.T) {
	const size = 4 << 20
	f := tempFile(t, randomBytes(size))
	c, client := tcpPair(t, paceLimits, 16<<10, 16<<10)
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		n, err := c.ReadFrom(&io.LimitedReader{R: f, N: size})
		if err == nil && n != size {
			err = fmt.Errorf("sent %d bytes of %d", n, size)
		}
		c.Close()
		done <- err
	}()
	if got := readPaced(client, 16<<10, time.Minute); got != size {
		t.Errorf("the client read %d bytes, want %d", got, size)
	}
	if err := <-done; err != nil {
		t.Errorf("ReadFrom: %v", err)
	}
	if d := time.Since(start); d < 2*paceLimits.Timeout {
		t.Errorf("the download took %s only; the test proves nothing", d)
	}
}

// TestTrickleReaderIsCutOff: a client that keeps reading, but below the
// floor (512 bytes per 20 ms, at most 25 KiB/s), is cut off with a
// time-out, as one that stops reading is. A deadline that moved with any
// progress at all would let it hold the connection and the file for as
// long as it likes.
func TestTrickleReaderIsCutOff(t *testing.T) {
	const size = 8 << 20
	f := tempFile(t, randomBytes(size))
	for _, tc := range []struct {
		name  string
		piece int // bytes read per 20 ms; 0: none
	}{{"trickle", 512}, {"stalled", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			c, client := tcpPair(t, paceLimits, 16<<10, 16<<10)
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				n, err := c.ReadFrom(&io.LimitedReader{R: f, N: size})
				if err == nil {
					err = fmt.Errorf("sent all it could (%d bytes) with no error", n)
				}
				done <- err
			}()
			if tc.piece > 0 {
				go readPaced(client, tc.piece, time.Minute)
			}
			select {
			case err := <-done:
				if !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Errorf("ReadFrom ended with %v, want a time-out", err)
				}
				t.Logf("cut off after %s", time.Since(start))
			case <-time.After(20 * time.Second): // only a failing test waits
				t.Fatal("the slow client was not cut off within 20 s")
			}
		})
	}
}
