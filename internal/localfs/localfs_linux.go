//go:build linux

package localfs

import (
	"slices"

	"golang.org/x/sys/unix"
)

// zfsSuperMagic is the statfs type of OpenZFS, which golang.org/x/sys
// does not name.
const zfsSuperMagic = 0x2fc12fc1

// trustedTypes are the statfs types of the trusted file systems: disks
// (ext2, ext3 and ext4 share one type), memory, overlays of those as
// containers use, and the FAT family of memory cards and USB sticks.
// Network, cluster and FUSE file systems are left out, and so is every
// type not named here.
var trustedTypes = []uint32{
	unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.F2FS_SUPER_MAGIC,
	unix.BCACHEFS_SUPER_MAGIC, zfsSuperMagic,
	unix.TMPFS_MAGIC, unix.RAMFS_MAGIC, unix.OVERLAYFS_SUPER_MAGIC,
	unix.EXFAT_SUPER_MAGIC, unix.MSDOS_SUPER_MAGIC,
}

// Trusted reports whether the open file fd lies on a trusted file system.
// It costs one fstatfs, and says no when that fails.
func Trusted(fd int) bool {
	typ := fakeType.Load()
	if typ == 0 {
		var st unix.Statfs_t
		if unix.Fstatfs(fd, &st) != nil {
			return false
		}
		// Statfs_t.Type is an int32 on 32-bit systems, where magic
		// numbers with the top bit set (btrfs, f2fs) are negative: compare
		// its 32 bits.
		typ = uint32(st.Type)
	}
	return slices.Contains(trustedTypes, typ)
}
