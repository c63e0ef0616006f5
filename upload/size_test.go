package upload

import "testing"

func TestSizeString(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{1_000_000, "1.0 MB"},
		{2_000_000_000, "2.0 GB"},
		{512 << 10, "512 KiB"},
		{1 << 30, "1.0 GiB"},
		{1500, "1.5 kB"},
	} {
		if got := SizeString(tc.n); got != tc.want {
			t.Errorf("SizeString(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
