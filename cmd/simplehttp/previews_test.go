package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// galleryDir is a folder of two images and a text file, and a subfolder.
func galleryDir(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var j, p bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&p, img); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"photo.jpg": j.Bytes(), "album/pic.png": p.Bytes(), "notes.txt": []byte("notes\n")}
	dir := t.TempDir()
	for name, data := range files {
		writeFile(t, dir, name, data)
	}
	return dir, files
}

func TestBinaryThumbAndView(t *testing.T) {
	t.Parallel()
	dir, files := galleryDir(t)
	s := startBinary(t, nil, "-q", "-d", dir)
	resp, body := s.get(t, "/photo.jpg?thumb")
	cfg, err := jpeg.DecodeConfig(strings.NewReader(body))
	if err != nil || resp.Header.Get("Content-Type") != "image/jpeg" || cfg.Width != 320 || cfg.Height != 240 {
		t.Errorf("?thumb: %s, %dx%d, %v", resp.Header.Get("Content-Type"), cfg.Width, cfg.Height, err)
	}
	if resp, body := s.get(t, "/notes.txt?view"); resp.StatusCode != 200 || !strings.Contains(body, `<a class="download" href="./notes.txt"`) {
		t.Errorf("?view: %d\n%s", resp.StatusCode, body)
	}
	if _, body := s.get(t, "/photo.jpg"); body != string(files["photo.jpg"]) {
		t.Error("the file itself is not sent as it is")
	}

	off := startBinary(t, nil, "-q", "--gallery-off", "-d", dir)
	if _, body := off.get(t, "/photo.jpg?thumb"); body != string(files["photo.jpg"]) {
		t.Error("with --gallery-off, ?thumb is not the file itself")
	}
	if _, body := off.get(t, "/"); strings.Contains(body, "preview.js") || strings.Contains(body, "view-toggle") {
		t.Error("with --gallery-off, the listing has the previews' script or toggle")
	}
}

// TestBinaryMirrorGetsNoThumbnails mirrors a folder of images with wget
// -r, without --reject-regex: it gets the files and no thumbnail or
// preview, since the page it reads has no link to one.
func TestBinaryMirrorGetsNoThumbnails(t *testing.T) {
	t.Parallel()
	wget := requireTool(t, "wget")
	dir, files := galleryDir(t)
	s := startBinary(t, nil, "-q", "-d", dir)
	out := t.TempDir()
	mirror(t, wget, "-r", "-np", "-nH", "-q", "-e", "robots=off", "--tries=1", "--timeout=10", "-P", out, s.url+"/")
	got := readTree(t, out)
	for name, data := range files {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s not mirrored byte for byte", name)
		}
	}
	for name := range got {
		if strings.Contains(name, "?thumb") || strings.Contains(name, "?view") || strings.Contains(name, "&view") {
			t.Errorf("wget saved %q", name)
		}
	}
}

func TestBinaryThumbCache(t *testing.T) {
	dir, _ := galleryDir(t)
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	s := startBinary(t, nil, "-q", "--thumb-cache", "-d", dir)
	if resp, _ := s.get(t, "/photo.jpg?thumb"); resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("no thumbnail: %s", resp.Header.Get("Content-Type"))
	}
	var kept []string
	filepath.WalkDir(filepath.Join(cache, "simplehttp", "thumbnails"), func(p string, d fs.DirEntry, err error) error { //nolint:errcheck
		if err == nil && !d.IsDir() {
			kept = append(kept, p)
		}
		return nil
	})
	if len(kept) != 1 || !strings.HasSuffix(kept[0], ".thumb") {
		t.Errorf("the cache holds %q, want one thumbnail", kept)
	}

	// A cache directory inside the served tree is refused.
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, ".cache"))
	code, _, stderr := runArgs(t, "-q", "--thumb-cache", "-d", dir, "0")
	if code != 1 || !strings.Contains(stderr, "inside the served directory") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q: want 1 and one line", code, stderr)
	}
}
