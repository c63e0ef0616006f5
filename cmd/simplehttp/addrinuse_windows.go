package main

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// isAddrInUse reports whether err says the address is taken. Windows
// reports WSAEADDRINUSE, which syscall.EADDRINUSE (an invented value on
// Windows) does not match.
func isAddrInUse(err error) bool {
	return errors.Is(err, windows.WSAEADDRINUSE) || errors.Is(err, syscall.EADDRINUSE)
}
