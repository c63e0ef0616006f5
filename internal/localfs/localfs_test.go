package localfs

import (
	"testing"
	"time"
)

// TestSettled: a change time vouches for what was read only when it lies
// more than SettleTime before the read; a clock that runs behind the
// file system's never makes it settled.
func TestSettled(t *testing.T) {
	changed := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		readAt time.Time
		want   bool
	}{
		{"long after", changed.Add(time.Hour), true},
		{"just past the window", changed.Add(SettleTime + time.Nanosecond), true},
		{"at the window's end", changed.Add(SettleTime), false},
		{"in the same FAT tick", changed.Add(2 * time.Second), false},
		{"at once", changed, false},
		{"clock behind the disk", changed.Add(-time.Hour), false},
	} {
		if got := Settled(changed, tc.readAt); got != tc.want {
			t.Errorf("%s: Settled = %v, want %v", tc.name, got, tc.want)
		}
	}
}
