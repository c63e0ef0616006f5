package upload_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/upload"
)

// A program serves a directory with uploads: the upload handler stores
// writes through the os.Root and passes reads to the file server of the
// same root, whose listings show the upload form.
func ExampleHandler() {
	dir, err := os.MkdirTemp("", "site")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()

	files := fileserve.NewRoot(root, &fileserve.Options{UploadForm: true})
	srv := httptest.NewServer(upload.New(root, files, &upload.Options{MaxSize: 1 << 20}))
	defer srv.Close()

	for _, name := range []string{"notes.txt", "notes.txt", "../escape.txt"} {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/"+name, strings.NewReader("hello\n"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Print(resp.StatusCode, " ", string(answer))
	}
	resp, err := http.Get(srv.URL + "/notes.txt")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print("GET /notes.txt: ", string(body))
	// Output:
	// 201 created /notes.txt (6 bytes)
	// 409 409 Conflict: "notes.txt" exists, and this server does not replace files
	// 400 400 Bad Request: refused the name ".."
	// GET /notes.txt: hello
}
