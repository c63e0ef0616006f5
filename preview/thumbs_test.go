package preview

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/fileserve"
	"github.com/simplehttp/simplehttp/internal/etag"
	"github.com/simplehttp/simplehttp/internal/testfifo"
)

// photo is a w×h JPEG of one colour.
func photo(t testing.TB, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// site is a served folder with a preview handler in front of fileserve.
type site struct {
	dir  string
	root *os.Root
	h    *Handler
}

func newSite(t *testing.T, opt *Options) *site {
	t.Helper()
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	files := fileserve.NewRoot(root, &fileserve.Options{Dotfiles: opt != nil && opt.Dotfiles})
	return &site{dir: dir, root: root, h: New(root.FS(), files, opt)}
}

func (s *site) write(t testing.TB, name string, data []byte) {
	t.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (s *site) get(t testing.TB, method, target string, hdr http.Header) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

// version is the version a listing names for the file name of s.
func (s *site) version(t testing.TB, name string) string {
	t.Helper()
	info, err := os.Stat(filepath.Join(s.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return etag.Version(info.ModTime(), info.Size())
}

func TestThumb(t *testing.T) {
	s := newSite(t, nil)
	s.write(t, "photo.jpg", photo(t, 400, 300, color.RGBA{200, 30, 30, 255}))
	s.write(t, "notes.txt", []byte("hello\n"))
	s.write(t, "broken.jpg", []byte("\xff\xd8\xff\xe0 not really"))
	s.write(t, "bomb.png", pngBomb())
	s.write(t, ".secret.jpg", photo(t, 10, 10, color.RGBA{}))
	s.write(t, "sub/inner.png", []byte("x"))
	huge, err := os.Create(filepath.Join(s.dir, "huge.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	huge.Write(photo(t, 16, 16, color.RGBA{}))     //nolint:errcheck
	if err := huge.Truncate(1 << 30); err != nil { // sparse: 1 GiB on no disk
		t.Fatal(err)
	}
	huge.Close()
	testfifo.Make(t, filepath.Join(s.dir, "fifo.jpg"))
	v := s.version(t, "photo.jpg")
	cases := []struct {
		name, method, target string
		code                 int
		ctype, caching       string
	}{
		{"image", "GET", "/photo.jpg?thumb", 200, "image/jpeg", revalidate},
		{"image at its version", "GET", "/photo.jpg?thumb=" + v, 200, "image/jpeg", keepForGood},
		{"image at an old version", "GET", "/photo.jpg?thumb=1-2", 200, "image/jpeg", revalidate},
		{"image, HEAD", "HEAD", "/photo.jpg?thumb", 200, "image/jpeg", revalidate},
		{"text: its icon", "GET", "/notes.txt?thumb", 200, "image/svg+xml", revalidate},
		{"malformed: the icon", "GET", "/broken.jpg?thumb", 200, "image/svg+xml", revalidate},
		{"declares 100000x100000: the icon", "GET", "/bomb.png?thumb", 200, "image/svg+xml", revalidate},
		{"1 GiB: the icon", "GET", "/huge.jpg?thumb", 200, "image/svg+xml", revalidate},
		{"hidden", "GET", "/.secret.jpg?thumb", 404, "text/html; charset=utf-8", ""},
		{"missing", "GET", "/missing.jpg?thumb", 404, "text/html; charset=utf-8", ""},
		{"fifo", "GET", "/fifo.jpg?thumb", 404, "text/html; charset=utf-8", ""},
		{"folder: redirected as without the query", "GET", "/sub?thumb", 301, "", ""},
		{"no query: the file", "GET", "/photo.jpg", 200, "image/jpeg", ""},
		{"other methods pass", "DELETE", "/photo.jpg?thumb", 405, "text/html; charset=utf-8", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			w := s.get(t, tc.method, tc.target, nil)
			if w.Code != tc.code {
				t.Fatalf("status %d, want %d", w.Code, tc.code)
			}
			if got := w.Header().Get("Content-Type"); tc.ctype != "" && got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if got := w.Header().Get("Cache-Control"); tc.caching != "" && got != tc.caching {
				t.Errorf("Cache-Control %q, want %q", got, tc.caching)
			}
			if tc.method == "HEAD" && w.Body.Len() != 0 {
				t.Errorf("HEAD has a body of %d bytes", w.Body.Len())
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// pngBomb is a PNG header that declares 100,000 × 100,000 pixels.
func pngBomb() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))) //nolint:errcheck
	b := buf.Bytes()
	// IHDR's width and height follow the signature (8), length and type (8).
	copy(b[16:], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	return b
}

func TestThumbIsSmallAndHasItsOwnETag(t *testing.T) {
	s := newSite(t, nil)
	s.write(t, "photo.jpg", photo(t, 480, 270, color.RGBA{10, 200, 10, 255}))
	w := s.get(t, "GET", "/photo.jpg?thumb", nil)
	cfg, err := jpeg.DecodeConfig(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 320 || cfg.Height != 180 {
		t.Errorf("thumbnail is %dx%d, want 320x180", cfg.Width, cfg.Height)
	}
	tag := w.Header().Get("ETag")
	if want := `"` + s.version(t, "photo.jpg") + `-t1"`; tag != want {
		t.Errorf("ETag %s, want %s", tag, want)
	}
	raw := s.get(t, "GET", "/photo.jpg", nil)
	if raw.Header().Get("ETag") == tag {
		t.Error("the thumbnail has the file's ETag")
	}
	w = s.get(t, "GET", "/photo.jpg?thumb", http.Header{"If-None-Match": {tag}})
	if w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match of its ETag: status %d, want 304", w.Code)
	}
}

// decodedColour is the colour at the middle of a thumbnail.
func decodedColour(t *testing.T, body []byte) color.RGBA {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	r, g, bl, _ := img.At(b.Dx()/2, b.Dy()/2).RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
}

func TestThumbNeverStale(t *testing.T) {
	s := newSite(t, nil)
	s.write(t, "photo.jpg", photo(t, 64, 48, color.RGBA{250, 0, 0, 255}))
	first := s.get(t, "GET", "/photo.jpg?thumb", nil)
	if c := decodedColour(t, first.Body.Bytes()); c.R < 200 {
		t.Fatalf("first thumbnail %v, want red", c)
	}
	// The same size and, on a coarse clock, the same time: the inode's
	// change time (or the new inode) still tells.
	info, _ := os.Stat(filepath.Join(s.dir, "photo.jpg"))
	blue := photo(t, 64, 48, color.RGBA{0, 0, 250, 255})
	s.write(t, "photo.jpg", blue)
	os.Chtimes(filepath.Join(s.dir, "photo.jpg"), info.ModTime(), info.ModTime()) //nolint:errcheck
	second := s.get(t, "GET", "/photo.jpg?thumb", nil)
	if c := decodedColour(t, second.Body.Bytes()); c.B < 200 {
		t.Errorf("thumbnail after the change %v, want blue", c)
	}
}

func TestThumbDotfiles(t *testing.T) {
	s := newSite(t, &Options{Dotfiles: true})
	s.write(t, ".secret.jpg", photo(t, 10, 10, color.RGBA{}))
	if w := s.get(t, "GET", "/.secret.jpg?thumb", nil); w.Code != 200 || w.Header().Get("Content-Type") != "image/jpeg" {
		t.Errorf("with Dotfiles: status %d, type %q", w.Code, w.Header().Get("Content-Type"))
	}
}

func TestThumbLinkToHidden(t *testing.T) {
	s := newSite(t, nil)
	s.write(t, ".secret.jpg", photo(t, 10, 10, color.RGBA{}))
	if err := os.Symlink(".secret.jpg", filepath.Join(s.dir, "open.jpg")); err != nil {
		t.Fatal(err)
	}
	if w := s.get(t, "GET", "/open.jpg?thumb", nil); w.Code != 404 {
		t.Errorf("a link to a hidden file: status %d, want 404", w.Code)
	}
}

func TestIcons(t *testing.T) {
	for _, name := range []string{"file", "folder", "image", "video", "audio", "archive", "code", "pdf", "text"} {
		svg := string(icon(name))
		if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="`) || !strings.HasSuffix(strings.TrimSpace(svg), "</svg>") {
			t.Errorf("icon %s is not a whole SVG: %.80s", name, svg)
		}
	}
	if !bytes.Equal(icon("no such"), icon("file")) {
		t.Error("an unknown icon is not the file's")
	}
	if bytes.Equal(icon("image"), icon("text")) {
		t.Error("the image and text icons are the same")
	}
}

func TestThumbOfMeaninglessTimeHasNoTag(t *testing.T) {
	// A reproducible build gives its files a 1970 time, which tells no
	// version apart from another: no tag, never kept for good.
	s := newSite(t, nil)
	s.write(t, "photo.jpg", photo(t, 40, 30, color.RGBA{1, 2, 3, 255}))
	if err := os.Chtimes(filepath.Join(s.dir, "photo.jpg"), time.Unix(1, 0), time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	w := s.get(t, "GET", "/photo.jpg?thumb="+s.version(t, "photo.jpg"), nil)
	if w.Header().Get("Content-Type") != "image/jpeg" || w.Header().Get("ETag") != "" || w.Header().Get("Cache-Control") != revalidate {
		t.Errorf("type %q, ETag %q, Cache-Control %q", w.Header().Get("Content-Type"), w.Header().Get("ETag"), w.Header().Get("Cache-Control"))
	}
}
