package fileserve_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/simplehttp/simplehttp/fileserve"
)

// A program mounts the handler under a prefix of its own ServeMux, serving
// a directory opened with os.OpenRoot: nothing outside it can be reached,
// not even through a symbolic link.
func ExampleHandler() {
	dir, err := os.MkdirTemp("", "site")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("Hello, world!\n"), 0o644); err != nil {
		log.Fatal(err)
	}

	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "the program's own home page\n")
	})
	// StripPrefix("/files", …) leaves "/hello.txt", which the handler maps
	// to hello.txt in root.
	mux.Handle("/files/", http.StripPrefix("/files", fileserve.NewRoot(root, nil)))

	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, p := range []string{"/files/hello.txt", "/files/", "/files/missing.txt"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(p, resp.Status, resp.Header.Get("Content-Type"))
		if p == "/files/hello.txt" {
			fmt.Print(string(body))
		}
	}
	// Output:
	// /files/hello.txt 200 OK text/plain; charset=utf-8
	// Hello, world!
	// /files/ 200 OK text/html; charset=utf-8
	// /files/missing.txt 404 Not Found text/html; charset=utf-8
}
