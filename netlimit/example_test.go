package netlimit_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"testing/fstest"
	"time"

	"github.com/simplehttp/simplehttp/netlimit"
)

// A file server that holds at most 100 connections open at once and cuts
// off clients that take less than 256 KiB in 30 s, over HTTP/1.1 and
// HTTP/2, while downloads of any size run as long as the client keeps
// reading.
func Example() {
	files := http.FileServerFS(fstest.MapFS{"hello.txt": {Data: []byte("hello\n")}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{
		Handler:           netlimit.StreamDeadlines(files, netlimit.DefaultWriteLimit),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	go srv.Serve(netlimit.NewListener(ln, 100, netlimit.DefaultWriteLimit))
	defer srv.Close()

	resp, err := http.Get("http://" + ln.Addr().String() + "/hello.txt")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.Status, " ", string(body))
	// Output: 200 OK hello
}
