//go:build unix

package main

import (
	"syscall"
	"testing"
)

// maxOpenConns is how many connections (two descriptors each, in this
// process) a test may open within the file limit, at most want.
func maxOpenConns(t *testing.T, want int) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	if room := int(lim.Cur-200) / 2; room < want {
		t.Logf("RLIMIT_NOFILE is %d: testing %d connections instead of %d", lim.Cur, room, want)
		return room
	}
	return want
}
