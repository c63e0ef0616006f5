package main

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dustin/go-humanize"
)

// options is what the command line asks for.
type options struct {
	port           int
	bind           string
	dir            string
	quiet          bool
	dotfiles       bool
	followSymlinks bool
	noCompress     bool
	maxConns       int
	upload         bool  // accept uploads (PUT, POST forms)
	overwrite      bool  // uploads may replace files
	delete         bool  // delete, rename and move (DELETE, MOVE, the listing's buttons)
	maxUploadSize  int64 // bytes per upload request; 0: no limit
	partials             // --resumable-dir, --resumable-expiry (uploads.go)
	portGiven      bool  // the port came from the command line
	share                // HTTPS, --qr, --open (share.go, tls.go)
	access               // auth, CORS, caching, site mode, -v (access.go)
	gallery              // thumbnails and previews (previews.go)
	develop              // --live, --proxy (live.go)
	help           bool
	version        bool
}

// usagef reports a mistake on the command line.
func usagef(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

// flagSpec describes one flag: its names, what --help says of it, and
// how it stores its value.
type flagSpec struct {
	long  string
	short byte // 0: no short form
	// value names the flag's value in --help ("DIR"); "" makes a switch.
	value string
	// help is what --help says, wrapped there to fit the columns.
	help string
	// set stores the value into the options (a switch gets "").
	set func(o *options, value string) error
}

// takesValue reports whether the flag needs a value ("--bind ::1").
func (spec *flagSpec) takesValue() bool { return spec.value != "" }

// flagSpecs are the flags, in Python's dialect: -b/--bind and
// -d/--directory as in python -m http.server, plus simplehttp's own.
// --help lists them in this order; the flag tables of README.md and
// docs/command-line.md need a row for each (TestFlagTables). A long name
// may be abbreviated, so a new name must not begin with an abbreviation
// users type today (TestAbbreviationsStillResolve says which).
var flagSpecs = []flagSpec{
	{long: "bind", short: 'b', value: "ADDRESS", set: func(o *options, v string) error { o.bind = v; return nil },
		help: "listen on ADDRESS only (default: every interface, IPv4 and IPv6)"},
	{long: "directory", short: 'd', value: "DIR", set: setDirectory,
		help: "serve DIR (default: the current directory)"},
	{long: "quiet", short: 'q', set: func(o *options, _ string) error { o.quiet = true; return nil },
		help: "do not log requests"},
	{long: "dotfiles", set: func(o *options, _ string) error { o.dotfiles = true; return nil },
		help: `also list and serve names that begin with "." (default: .git, .env and the like are hidden and answer 404; .well-known/ is always served)`},
	{long: "follow-symlinks", set: func(o *options, _ string) error { o.followSymlinks = true; return nil },
		help: "follow symbolic links wherever they lead (default: a link that leads outside DIR answers 404; links that stay inside DIR always work)"},
	{long: "no-compress", set: func(o *options, _ string) error { o.noCompress = true; return nil },
		help: "send files and listings uncompressed (default: text, HTML, CSS, JS, JSON, SVG and listings go out compressed with zstd, br or gzip to clients that accept it, and a fresh app.js.br, .zst or .gz is sent in place of app.js)"},
	{long: "max-conns", value: "N", set: setMaxConns,
		help: "serve at most N connections at once; more wait their turn (default 0: no limit)"},
	{long: "upload", set: func(o *options, _ string) error { o.upload = true; return nil },
		help: "let clients upload files and make folders in DIR, in the listing's upload area or with curl -T FILE URL/: anyone who can reach the port can then write"},
	{long: "overwrite", set: func(o *options, _ string) error { o.overwrite = true; return nil },
		help: "let uploads replace existing files (default: an existing name answers 409 Conflict)"},
	{long: "max-upload-size", value: "SIZE", set: setMaxUploadSize,
		help: "refuse upload requests larger than SIZE with 413 (1M is 1,000,000 bytes; 512KiB, 2GB; default no limit)"},
	{long: "resumable-dir", value: "DIR", set: setResumableDir,
		help: "keep unfinished resumable uploads in DIR, outside the served directory (default: a folder of the user's cache, ~/.cache/simplehttp/uploads/...); on DIR's file system a finished upload is moved into place, not copied"},
	{long: "resumable-expiry", value: "DURATION", set: setResumableExpiry,
		help: "remove an unfinished resumable upload that receives nothing for DURATION (default 24h)"},
	{long: "delete", set: func(o *options, _ string) error { o.delete = true; return nil },
		help: "let clients delete, rename and move files and folders (the listing's buttons, curl -X DELETE, WebDAV's DELETE and MOVE), and replace them by a WebDAV COPY or MOVE"},
	{long: "write", short: 'w', set: setWrite,
		help: "--upload, --overwrite and --delete together: what a read-write WebDAV mount needs"},
	{long: "tls-cert", value: "FILE", set: func(o *options, v string) error { o.tlsCert = v; return nil },
		help: "serve HTTPS (HTTP/2 and HTTP/1.1) with the PEM certificate (chain) in FILE; needs --tls-key"},
	{long: "tls-key", value: "FILE", set: func(o *options, v string) error { o.tlsKey = v; return nil },
		help: "the PEM private key of --tls-cert"},
	{long: "tls-self-signed", set: func(o *options, _ string) error { o.tlsSelfSigned = true; return nil },
		help: "serve HTTPS with a new self-signed certificate made in memory at start; browsers warn about it: check that the SHA-256 fingerprint they show is the one printed at start"},
	{long: "qr", set: func(o *options, _ string) error { o.qr = true; return nil },
		help: "print a QR code of the network URL for a phone on the same network to scan"},
	{long: "open", set: func(o *options, _ string) error { o.open = true; return nil },
		help: `open the URL in the web browser: $BROWSER if set (a ":"-separated list, as Python's webbrowser reads it), else the system's default`},
	{long: "auth", value: "USER:PASSWORD", set: addAuth,
		help: "ask for this user name and password (HTTP Basic; repeatable). Other local users can see a command line: prefer --auth-file"},
	{long: "auth-file", value: "FILE", set: func(o *options, v string) error { o.authFile = v; return nil },
		help: `ask for the users in FILE, one "user:hash" per line with a bcrypt hash (htpasswd -nBC 10 USER)`},
	{long: "auth-upload-only", set: func(o *options, _ string) error { o.authUploadOnly = true; return nil },
		help: "with --upload, --delete or -w: ask for a password only to change files (reads, WebDAV's PROPFIND included, stay open)"},
	{long: "cors", set: func(o *options, _ string) error { o.cors = true; return nil },
		help: "let pages of any site read the files (CORS)"},
	{long: "cache-control", value: "VALUE", set: setCacheControl,
		help: `the Cache-Control of files and listings (default "no-cache": browsers revalidate, so edits show on reload); e.g. "public, max-age=600"`},
	{long: "spa", set: func(o *options, _ string) error { o.spa = true; return nil },
		help: "answer paths that do not exist with /index.html (single-page apps); a 404.html at the top of DIR is always the 404 page"},
	{long: "gallery-off", set: func(o *options, _ string) error { o.galleryOff = true; return nil },
		help: "no thumbnails (?thumb), previews (?view) or grid view: listings and files exactly as without them"},
	{long: "thumb-cache", set: func(o *options, _ string) error { o.thumbCache = true; return nil },
		help: "also keep thumbnails on disk, in the user's cache directory (~/.cache/simplehttp), up to 512 MiB"},
	{long: "live", set: func(o *options, _ string) error { o.live = true; return nil },
		help: "reload pages in the browser when their files change (stylesheets and images swap in place; listings update their rows)"},
	{long: "proxy", value: "PATH=URL", set: addProxy,
		help: "send the requests under PATH to the server at URL (http:// or https://), e.g. /api=http://127.0.0.1:3000; repeatable"},
	{long: "verbose", short: 'v', set: func(o *options, _ string) error { o.verbose = true; return nil },
		help: "print each request's headers and the answer's (credentials and cookies redacted)"},
	{long: "version", set: func(o *options, _ string) error { o.version = true; return nil },
		help: "print the version and exit"},
	{long: "help", short: 'h', set: func(o *options, _ string) error { o.help = true; return nil },
		help: "print this help and exit"},
}

// usageHead, portHelp and usageTail are the parts of --help that are not
// flags.
const (
	usageHead = `Usage: simplehttp [port] [options]

Serve a directory over HTTP, as python -m http.server does: browsers get
folder listings, curl and wget fetch files.

Arguments:
`
	portHelp  = "port to listen on (default 8000, or a free port near it when 8000 is busy; 0 picks a free one)"
	usageTail = `
WebDAV: the URL of a folder is the URL to mount (Finder, Explorer, davfs2,
rclone). Reading needs no option; changes need these:
  --upload      PUT of a new file, MKCOL, COPY to a new name, PROPPATCH, LOCK
  --overwrite   PUT that replaces a file
  --delete      DELETE, MOVE (rename), COPY or MOVE that replaces
  -w, --write   all three

Options may come before or after the port; -- ends the options. A long
option may be shortened to any prefix that names only it (--dir).
Ctrl-C stops the server; downloads in progress get 10 seconds to finish.
The garbage collector runs with GOGC=200 and GOMEMLIMIT=24MiB unless the
environment sets GOGC or GOMEMLIMIT.
`
)

// The columns of --help: a flag's text starts at helpColumn, and no line
// is longer than helpWidth.
const (
	helpColumn = 25
	helpWidth  = 78
)

// usage is the text of --help, made from flagSpecs.
func usage() string {
	var b strings.Builder
	b.WriteString(usageHead)
	writeHelpEntry(&b, "  port", portHelp)
	b.WriteString("\nOptions:\n")
	for k := range flagSpecs {
		spec := &flagSpecs[k]
		names := "      --" + spec.long
		if spec.short != 0 {
			names = "  -" + string(spec.short) + ", --" + spec.long
		}
		if spec.takesValue() {
			names += " " + spec.value
		}
		writeHelpEntry(&b, names, spec.help)
	}
	b.WriteString(usageTail)
	return b.String()
}

// writeHelpEntry writes names and, from helpColumn on, text wrapped to
// helpWidth. Names too long to leave two spaces before helpColumn get a
// line of their own.
func writeHelpEntry(b *strings.Builder, names, text string) {
	indent := strings.Repeat(" ", helpColumn)
	line := names
	if len(names)+2 > helpColumn {
		b.WriteString(names + "\n")
		line = ""
	}
	line += indent[len(line):]
	width := helpColumn // of line, in runes
	for k, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case k == 0:
		case width+1+n > helpWidth:
			b.WriteString(line + "\n")
			line, width = indent, helpColumn
		default:
			line += " "
			width++
		}
		line += word
		width += n
	}
	b.WriteString(line + "\n")
}

// parseArgs reads the command line; every error it returns is a usage
// error (exit status 2). It reads the arguments the way GNU
// getopt_long and Python's argparse do: options and the port may come in
// any order, long options take "--name=value" or "--name value" and may be
// abbreviated to any unambiguous prefix, short ones "-b value" or
// "-bvalue" and may be bundled ("-qb ::"), and "--" ends the options.
func parseArgs(args []string) (*options, error) {
	o := &options{port: 8000, dir: "."}
	o.cacheControl = defaultCacheControl
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		var err error
		switch {
		case arg == "--":
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(arg, "--"):
			i, err = parseLong(o, args, i)
		case len(arg) > 1 && arg[0] == '-':
			i, err = parseShort(o, args, i)
		default:
			positional = append(positional, arg)
		}
		if err != nil {
			return nil, err
		}
	}
	if o.help || o.version {
		return o, nil
	}
	if err := checkUploadFlags(o); err != nil {
		return nil, err
	}
	if err := checkTLSFlags(o); err != nil {
		return nil, err
	}
	if err := checkAccessFlags(o); err != nil {
		return nil, err
	}
	return o, setPort(o, positional)
}

// parseLong handles the long option args[i] and returns the index of the
// last argument it consumed.
func parseLong(o *options, args []string, i int) (int, error) {
	name, value, hasValue := strings.Cut(args[i][2:], "=")
	spec, err := lookupLong(name)
	if err != nil {
		return i, err
	}
	switch {
	case !spec.takesValue() && hasValue:
		return i, usagef("option --%s takes no value", spec.long)
	case spec.takesValue() && !hasValue:
		if i+1 >= len(args) {
			return i, usagef("option --%s needs a value", spec.long)
		}
		i++
		value = args[i]
	}
	return i, spec.set(o, value)
}

// lookupLong finds the flag named name or, as argparse and getopt_long
// allow, the only one whose name begins with it.
func lookupLong(name string) (*flagSpec, error) {
	var found []*flagSpec
	for k := range flagSpecs {
		spec := &flagSpecs[k]
		if spec.long == name {
			return spec, nil
		}
		if name != "" && strings.HasPrefix(spec.long, name) {
			found = append(found, spec)
		}
	}
	switch len(found) {
	case 0:
		return nil, usagef("unknown option --%s (see --help)", name)
	case 1:
		return found[0], nil
	}
	names := make([]string, len(found))
	for k, spec := range found {
		names[k] = "--" + spec.long
	}
	return nil, usagef("ambiguous option --%s (%s)", name, strings.Join(names, ", "))
}

// parseShort handles the bundle of short options args[i] ("-q", "-qb ::",
// "-d/srv", "-d=/srv") and returns the index of the last argument it
// consumed.
func parseShort(o *options, args []string, i int) (int, error) {
	bundle := args[i][1:]
	for j := 0; j < len(bundle); j++ {
		spec := lookupShort(bundle[j])
		if spec == nil {
			return i, usagef("unknown option -%s (see --help)", quoteOption(bundle[j:]))
		}
		if !spec.takesValue() {
			if err := spec.set(o, ""); err != nil {
				return i, err
			}
			continue
		}
		value := strings.TrimPrefix(bundle[j+1:], "=")
		if j+1 == len(bundle) {
			if i+1 >= len(args) {
				return i, usagef("option -%c (--%s) needs a value", spec.short, spec.long)
			}
			i++
			value = args[i]
		}
		return i, spec.set(o, value)
	}
	return i, nil
}

// quoteOption shows the first character of an unknown short option, or
// all of it when it is not printable ASCII.
func quoteOption(rest string) string {
	if c := rest[0]; c > ' ' && c < 0x7f {
		return string(c)
	}
	return strconv.Quote(rest)
}

// lookupShort finds the flag whose short form is c, or nil.
func lookupShort(c byte) *flagSpec {
	for k := range flagSpecs {
		if flagSpecs[k].short == c {
			return &flagSpecs[k]
		}
	}
	return nil
}

// setDirectory takes the value of --directory.
func setDirectory(o *options, v string) error {
	if v == "" {
		return usagef("option --directory needs a directory name, not an empty string")
	}
	o.dir = v
	return nil
}

// setMaxConns takes the value of --max-conns.
func setMaxConns(o *options, v string) error {
	n, err := strconv.ParseUint(v, 10, 31)
	if err != nil {
		return usagef("option --max-conns wants a whole number, 0 or more, not %q", v)
	}
	o.maxConns = int(n)
	return nil
}

// setMaxUploadSize takes the value of --max-upload-size: a size in bytes,
// with go-humanize's units (1M is 1,000,000 bytes; 1MiB 1,048,576).
func setMaxUploadSize(o *options, v string) error {
	n, err := humanize.ParseBytes(v)
	if err != nil || n > math.MaxInt64 {
		return usagef("option --max-upload-size wants a size such as 100M, 512KiB or 2GB, not %q", v)
	}
	o.maxUploadSize = int64(n)
	return nil
}

// setWrite takes -w/--write: everything a read-write mount needs.
func setWrite(o *options, _ string) error {
	o.upload, o.overwrite, o.delete = true, true, true
	return nil
}

// checkUploadFlags refuses the options of uploads without --upload,
// which would otherwise be silently ignored.
func checkUploadFlags(o *options) error {
	switch {
	case o.upload:
		return nil
	case o.overwrite:
		return usagef("option --overwrite needs --upload")
	case o.maxUploadSize > 0:
		return usagef("option --max-upload-size needs --upload")
	case o.resumableDir != "":
		return usagef("option --resumable-dir needs --upload")
	case o.resumableExpiry != 0:
		return usagef("option --resumable-expiry needs --upload")
	}
	return nil
}

// setPort takes the port from the positional arguments: none (8000) or
// one, a decimal number from 0 to 65535.
func setPort(o *options, positional []string) error {
	switch {
	case len(positional) == 0:
		return nil
	case len(positional) > 1:
		return usagef("unexpected argument %q: only one port may be given", positional[1])
	}
	p := positional[0]
	n, err := strconv.ParseUint(p, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange), err == nil && n > 65535:
		return usagef("port %s out of range (0-65535)", p)
	case err != nil:
		return usagef("invalid port %q: want a number from 0 to 65535", p)
	}
	o.port = int(n)
	o.portGiven = true
	return nil
}

// version is the module version the binary was built from, as
// "go install ...@v1.2.3" records it; "(devel)" for a local build.
func version() string {
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	return fmt.Sprintf("simplehttp %s (%s %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
