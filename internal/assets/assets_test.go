package assets

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

// TestVersion checks that the hash of the assets follows every byte of
// every file, past the first buffer's worth too, and their names, and
// nothing else.
func TestVersion(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 100<<10) // several buffers' worth
	changedLate := bytes.Clone(big)
	changedLate[len(changedLate)-1] = 'y' // same size, last byte differs
	fsys := func(files map[string][]byte) fstest.MapFS {
		m := fstest.MapFS{}
		for name, data := range files {
			m[name] = &fstest.MapFile{Data: data}
		}
		return m
	}
	base := version(fsys(map[string][]byte{"a.js": []byte("one"), "b.css": big}))
	if len(base) != 12 || strings.Trim(base, "0123456789abcdef") != "" {
		t.Fatalf("version %q: want 12 hexadecimal digits", base)
	}
	tests := []struct {
		name  string
		files map[string][]byte
		same  bool
	}{
		{"the same files", map[string][]byte{"a.js": []byte("one"), "b.css": big}, true},
		{"a small file changed, same size", map[string][]byte{"a.js": []byte("two"), "b.css": big}, false},
		{"a big file's last byte changed", map[string][]byte{"a.js": []byte("one"), "b.css": changedLate}, false},
		{"a file renamed", map[string][]byte{"c.js": []byte("one"), "b.css": big}, false},
		{"a file added", map[string][]byte{"a.js": []byte("one"), "b.css": big, "d.svg": nil}, false},
	}
	for _, tt := range tests {
		if got := version(fsys(tt.files)); (got == base) != tt.same {
			t.Errorf("%s: version %s, base %s; want the same: %v", tt.name, got, base, tt.same)
		}
	}
}
