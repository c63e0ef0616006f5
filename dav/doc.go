// Package dav serves a directory over WebDAV (RFC 4918, classes 1 and 2),
// so that file managers mount it: Finder, Windows Explorer, GNOME and KDE,
// davfs2, rclone, Cyberduck.
package dav
