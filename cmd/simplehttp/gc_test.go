package main

import (
	"runtime/debug"
	"testing"
)

// TestPaceGC checks that the collector's pace and soft memory limit are
// set to defaultGCPercent and defaultMemoryLimit unless the environment
// sets GOGC or GOMEMLIMIT.
func TestPaceGC(t *testing.T) {
	const before, limitBefore = 77, 1 << 40 // no defaults
	tests := []struct {
		env       map[string]string
		want      int
		wantLimit int64
	}{
		{map[string]string{}, defaultGCPercent, defaultMemoryLimit},
		{map[string]string{"GOGC": "50"}, before, limitBefore},
		{map[string]string{"GOGC": "off"}, before, limitBefore},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, before, limitBefore},
	}
	defer debug.SetGCPercent(debug.SetGCPercent(before))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limitBefore))
	for _, tt := range tests {
		debug.SetGCPercent(before)
		debug.SetMemoryLimit(limitBefore)
		paceGC(func(k string) string { return tt.env[k] })
		if got := debug.SetGCPercent(before); got != tt.want {
			t.Errorf("environment %v: GOGC %d, want %d", tt.env, got, tt.want)
		}
		if got := debug.SetMemoryLimit(-1); got != tt.wantLimit {
			t.Errorf("environment %v: memory limit %d, want %d", tt.env, got, tt.wantLimit)
		}
	}
}
