// Command simplehttp serves a directory over HTTP, as python -m http.server does.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/simplehttp/simplehttp/fileserve"
)

func main() {
	root, err := os.OpenRoot(".")
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", fileserve.New(root.FS(), nil)))
}
