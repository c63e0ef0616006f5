package exttype

import "testing"

func TestLookup(t *testing.T) {
	tests := []struct {
		ext, want string
		ok        bool
	}{
		{".js", "text/javascript; charset=utf-8", true},
		{".JPG", "image/jpeg", true},
		{".Tar", "application/x-tar", true},
		{".gz", "application/gzip", true},
		{"", "", false},
		{".nope", "", false},
		{"js", "", false},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.ext)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.ext, got, ok, tt.want, tt.ok)
		}
	}
}
