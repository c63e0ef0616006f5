package main

import (
	"runtime/debug"
	"testing"
)

// TestPaceGC checks that the collector's pace is set to
// defaultGCPercent unless the environment sets GOGC or GOMEMLIMIT.
func TestPaceGC(t *testing.T) {
	const before = 77 // no default
	tests := []struct {
		env  map[string]string
		want int
	}{
		{map[string]string{}, defaultGCPercent},
		{map[string]string{"GOGC": "50"}, before},
		{map[string]string{"GOGC": "off"}, before},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, before},
	}
	defer debug.SetGCPercent(debug.SetGCPercent(before))
	for _, tt := range tests {
		debug.SetGCPercent(before)
		paceGC(func(k string) string { return tt.env[k] })
		if got := debug.SetGCPercent(before); got != tt.want {
			t.Errorf("environment %v: GOGC %d, want %d", tt.env, got, tt.want)
		}
	}
}
