package localfs

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestTrustedTypes: local disks, memory, overlays and FAT are trusted,
// types whose magic number has the top bit set (btrfs, f2fs: negative as
// the int32 of 32-bit systems) included; network, cluster, FUSE and
// kernel file systems are not. It pretends, so it runs alone.
func TestTrustedTypes(t *testing.T) {
	f := tempFile(t)
	for _, tc := range []struct {
		name string
		typ  uint32
		want bool
	}{
		{"ext4", unix.EXT4_SUPER_MAGIC, true},
		{"xfs", unix.XFS_SUPER_MAGIC, true},
		{"btrfs", unix.BTRFS_SUPER_MAGIC, true},
		{"f2fs", unix.F2FS_SUPER_MAGIC, true},
		{"bcachefs", unix.BCACHEFS_SUPER_MAGIC, true},
		{"zfs", 0x2fc12fc1, true},
		{"tmpfs", unix.TMPFS_MAGIC, true},
		{"ramfs", unix.RAMFS_MAGIC, true},
		{"overlayfs", unix.OVERLAYFS_SUPER_MAGIC, true},
		{"exfat", unix.EXFAT_SUPER_MAGIC, true},
		{"vfat", unix.MSDOS_SUPER_MAGIC, true},
		{"nfs", unix.NFS_SUPER_MAGIC, false},
		{"cifs", unix.CIFS_SUPER_MAGIC, false},
		{"smb2", unix.SMB2_SUPER_MAGIC, false},
		{"fuse", unix.FUSE_SUPER_MAGIC, false},
		{"9p", unix.V9FS_MAGIC, false},
		{"ceph", unix.CEPH_SUPER_MAGIC, false},
		{"afs", unix.AFS_FS_MAGIC, false},
		{"proc", unix.PROC_SUPER_MAGIC, false},
	} {
		restore := Pretend(tc.typ)
		got := Trusted(int(f.Fd()))
		restore()
		if got != tc.want {
			t.Errorf("a file on %s (%#x): Trusted = %v, want %v", tc.name, tc.typ, got, tc.want)
		}
	}
}

// TestTrustedReal: a file in the test's temporary folder is trusted when
// that folder is on a file system the test knows to be local, and one in
// /proc, which makes up what a read returns, never is.
func TestTrustedReal(t *testing.T) {
	p, err := os.Open("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if Trusted(int(p.Fd())) {
		t.Error("a file in /proc is trusted")
	}
	if Trusted(-1) {
		t.Error("a descriptor that is not open is trusted")
	}
	f := tempFile(t)
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	switch uint32(st.Type) {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.TMPFS_MAGIC, unix.OVERLAYFS_SUPER_MAGIC:
		if !Trusted(int(f.Fd())) {
			t.Errorf("a file in the temporary folder (file system type %#x) is not trusted", uint32(st.Type))
		}
	default:
		t.Skipf("the temporary folder is on a file system of type %#x, which this test does not know", uint32(st.Type))
	}
}

// tempFile is a new, open, empty file in the test's temporary folder.
func tempFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
