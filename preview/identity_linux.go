package preview

import (
	"io/fs"
	"strconv"
	"syscall"
)

// identity names the version of a file as the file server's memory cache
// does: its device and inode, size, and modification and change times. A
// file rewritten, replaced or touched (even within the same second and
// size) gets another.
func identity(info fs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return portableIdentity(info)
	}
	b := make([]byte, 0, 96)
	for _, n := range []int64{int64(st.Dev), int64(st.Ino), st.Size, st.Mtim.Nano(), st.Ctim.Nano()} {
		b = strconv.AppendInt(b, n, 36)
		b = append(b, '.')
	}
	return string(b)
}
