// Command stdfs is the reference that make bench-peers measures simplehttp
// against: Go's http.FileServer over one directory, and nothing else: no
// logging, no time-outs, no compression.
//
// Usage: stdfs ADDRESS DIRECTORY (for example: stdfs 127.0.0.1:8000 .)
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: stdfs ADDRESS DIRECTORY")
		os.Exit(2)
	}
	err := http.ListenAndServe(os.Args[1], http.FileServer(http.Dir(os.Args[2])))
	fmt.Fprintln(os.Stderr, "stdfs:", err)
	os.Exit(1)
}
