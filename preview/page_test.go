package preview

import (
	"bytes"
	"image/color"
	"strings"
	"testing"
)

func TestView(t *testing.T) {
	s := newSite(t, nil)
	s.write(t, "main.go", []byte("package main\n\nfunc main() {\n\tprintln(\"<hi>\")\n}\n"))
	s.write(t, "README.md", []byte("# Title\n\nSome *text*.\n\n<script>alert(1)</script>\n"))
	s.write(t, "guide.md", []byte("# Guide\n\n```go\nfunc f() {}\n```\n"))
	s.write(t, "notes", []byte("plain text without an extension\n"))
	s.write(t, "nul.txt", []byte("looks like text\x00but is not"))
	s.write(t, "latin1.txt", []byte("caf\xe9 au lait"))
	s.write(t, "photo.jpg", photo(t, 8, 8, color.RGBA{1, 2, 3, 255}))
	s.write(t, "scan.tiff", []byte("II*\x00"))
	s.write(t, "clip.mp4", []byte("mp4"))
	s.write(t, "song.mp3", []byte("mp3"))
	s.write(t, "paper.pdf", []byte("%PDF-1.4"))
	s.write(t, "src.zip", []byte("PK\x03\x04"))
	s.write(t, "a b#c.txt", []byte("odd name"))
	s.write(t, ".env", []byte("SECRET=1"))
	cases := []struct {
		target string
		want   []string
	}{
		{"/main.go?view", []string{`<div class="code"><pre class="lines" aria-hidden="true">1
2
3
4
5
</pre><pre><code class="language-go">package main

func main() {
	println(&#34;&lt;hi&gt;&#34;)
}
</code></pre></div>`, `<a class="download" href="./main.go" download="main.go">`, `<a href="./">Folder</a>`}},
		{"/README.md?view", []string{`<div class="markdown"><h2>Title</h2>`, `<em>text</em>`, `&lt;script&gt;alert(1)&lt;/script&gt;`}},
		{"/guide.md?view", []string{`<pre><code class="language-go">func f() {}`}},
		{"/notes?view", []string{`<div class="code"><pre class="lines" aria-hidden="true">1
</pre><pre><code>plain text without an extension
</code></pre></div>`}},
		{"/nul.txt?view", []string{"This file is not text"}},
		{"/latin1.txt?view", []string{"This file is not text"}},
		{"/photo.jpg?view", []string{`<img src="./photo.jpg" alt="photo.jpg">`}},
		{"/scan.tiff?view", []string{`<img src="./scan.tiff?thumb" alt="scan.tiff">`}},
		{"/clip.mp4?view", []string{`<video src="./clip.mp4" controls preload="metadata"></video>`}},
		{"/song.mp3?view", []string{`<audio src="./song.mp3" controls preload="metadata"></audio>`}},
		{"/paper.pdf?view", []string{`<iframe src="./paper.pdf" title="paper.pdf"></iframe>`}},
		{"/src.zip?view", []string{"There is no preview of this kind of file"}},
		{"/a%20b%23c.txt?view", []string{`href="./a%20b%23c.txt" download="a b#c.txt"`, "odd name"}},
	}
	for _, tc := range cases {
		t.Run(tc.target, func(t *testing.T) {
			w := s.get(t, "GET", tc.target, nil)
			if w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
			body := w.Body.String()
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("lacks %s in\n%s", want, body)
				}
			}
			// Only code of a language loads highlight.js.
			highlights := tc.target == "/main.go?view" || tc.target == "/guide.md?view"
			for _, tag := range []string{`highlight.css">`, `highlight.js" defer></script>`, `code.js" defer></script>`} {
				if strings.Contains(body, tag) != highlights {
					t.Errorf("%s on the page: %v, want %v", tag, !highlights, highlights)
				}
			}
			if n := strings.Count(body, "<script"); highlights && n != 2 || !highlights && n != 0 {
				t.Errorf("%d scripts on the page", n)
			}
			hdr := w.Header()
			if hdr.Get("Content-Security-Policy") != viewCSP || hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("headers %v", hdr)
			}
		})
	}
	for target, code := range map[string]int{"/.env?view": 404, "/missing.txt?view": 404, "/?view": 200} {
		if w := s.get(t, "GET", target, nil); w.Code != code {
			t.Errorf("%s: status %d, want %d", target, w.Code, code)
		}
	}
	if w := s.get(t, "HEAD", "/main.go?view", nil); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "0" {
		t.Errorf("HEAD: status %d, body %d bytes, Content-Length %s", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
}

func TestViewLargeText(t *testing.T) {
	s := newSite(t, nil)
	// "é" (two bytes) straddles the bound: the shown part ends before it,
	// and is still text.
	text := append(bytes.Repeat([]byte("a"), MaxText-1), []byte("é and then more text\n")...)
	s.write(t, "big.txt", bytes.Repeat(text, 2))
	w := s.get(t, "GET", "/big.txt?view", nil)
	body := w.Body.String()
	if !strings.Contains(body, "Showing the first 256 KiB of 512 KiB") {
		t.Errorf("no note of the bound in %.300s…", body[len(body)-600:])
	}
	if strings.Contains(body, "and then more") || strings.Contains(body, "not text") {
		t.Error("shows past the bound, or took the cut for binary")
	}
}
