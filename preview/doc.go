// Package preview shows what is in a file before it is downloaded: it
// answers ?thumb and ?view on the files of a folder served by package
// fileserve, and passes every other request to the handler it wraps.
//
//   - GET name?thumb answers a thumbnail of an image (JPEG, PNG, GIF,
//     WebP, BMP, TIFF; see package thumb), at most 320 pixels on its
//     longest side, as JPEG or, to keep transparency, PNG, with an ETag
//     of its own made from the file's. Any other file, and an image too
//     large or malformed to be made smaller, answers its type's icon
//     (SVG), never an error page, so an <img> always shows something.
//     With ?thumb=VERSION, the version a listing names (see package
//     fileid), the answer may be kept for good; without, it is
//     revalidated.
//   - At most Options.Workers thumbnails are made at once (one per core),
//     and at most Options.Queue requests wait for a worker: past them, the
//     icon is answered at once and marked not to be kept. Many clients
//     asking for one thumbnail at once share one making.
//   - Thumbnails are kept in memory (Options.MemoryCache bytes) and,
//     optionally, on disk (Options.DiskCache), under a key made of the
//     file's name and identity (device, inode, size, modification and
//     change times, as fileserve's memory cache checks them): a changed
//     file is never answered an old thumbnail.
//   - Names are checked as fileserve checks them: hidden names (unless
//     Options.Dotfiles) and folders go to the next handler; errors get
//     fileserve's error pages.
package preview
