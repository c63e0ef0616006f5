package main

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

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
	maxUploadSize  int64 // bytes per upload request; 0: no limit
	partials             // --partial-dir, --partial-expiry (uploads.go)
	portGiven      bool  // the port came from the command line
	share                // HTTPS, --qr, --open (share.go, tls.go)
	access               // auth, CORS, caching, site mode, -v (access.go)
	help           bool
	version        bool
}

// usagef reports a mistake on the command line.
func usagef(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

// flagSpec describes one flag. set stores a value (or, for a switch,
// true) into the options.
type flagSpec struct {
	long     string
	short    byte // 0: no short form
	hasValue bool
	set      func(o *options, value string) error
}

// flagSpecs are the flags, in Python's dialect: -b/--bind and
// -d/--directory as in python -m http.server, plus simplehttp's own.
var flagSpecs = []flagSpec{
	{long: "bind", short: 'b', hasValue: true, set: func(o *options, v string) error { o.bind = v; return nil }},
	{long: "directory", short: 'd', hasValue: true, set: setDirectory},
	{long: "quiet", short: 'q', set: func(o *options, _ string) error { o.quiet = true; return nil }},
	{long: "dotfiles", set: func(o *options, _ string) error { o.dotfiles = true; return nil }},
	{long: "follow-symlinks", set: func(o *options, _ string) error { o.followSymlinks = true; return nil }},
	{long: "no-compress", set: func(o *options, _ string) error { o.noCompress = true; return nil }},
	{long: "max-conns", hasValue: true, set: setMaxConns},
	{long: "upload", set: func(o *options, _ string) error { o.upload = true; return nil }},
	{long: "overwrite", set: func(o *options, _ string) error { o.overwrite = true; return nil }},
	{long: "max-upload-size", hasValue: true, set: setMaxUploadSize},
	{long: "partial-dir", hasValue: true, set: setPartialDir},
	{long: "partial-expiry", hasValue: true, set: setPartialExpiry},
	{long: "tls-cert", hasValue: true, set: func(o *options, v string) error { o.tlsCert = v; return nil }},
	{long: "tls-key", hasValue: true, set: func(o *options, v string) error { o.tlsKey = v; return nil }},
	{long: "tls-self-signed", set: func(o *options, _ string) error { o.tlsSelfSigned = true; return nil }},
	{long: "qr", set: func(o *options, _ string) error { o.qr = true; return nil }},
	{long: "open", set: func(o *options, _ string) error { o.open = true; return nil }},
	{long: "auth", hasValue: true, set: addAuth},
	{long: "auth-file", hasValue: true, set: func(o *options, v string) error { o.authFile = v; return nil }},
	{long: "auth-upload-only", set: func(o *options, _ string) error { o.authUploadOnly = true; return nil }},
	{long: "cors", set: func(o *options, _ string) error { o.cors = true; return nil }},
	{long: "cache-control", hasValue: true, set: setCacheControl},
	{long: "spa", set: func(o *options, _ string) error { o.spa = true; return nil }},
	{long: "verbose", short: 'v', set: func(o *options, _ string) error { o.verbose = true; return nil }},
	{long: "version", set: func(o *options, _ string) error { o.version = true; return nil }},
	{long: "help", short: 'h', set: func(o *options, _ string) error { o.help = true; return nil }},
}

const usageText = `Usage: simplehttp [port] [options]

Serve a directory over HTTP, as python -m http.server does: browsers get
folder listings, curl and wget fetch files.

Arguments:
  port                   port to listen on (default 8000, or a free port
                         near it when 8000 is busy; 0 picks a free one)

Options:
  -b, --bind ADDRESS     listen on ADDRESS only (default: every interface,
                         IPv4 and IPv6)
  -d, --directory DIR    serve DIR (default: the current directory)
  -q, --quiet            do not log requests
      --dotfiles         also list and serve names that begin with "."
                         (default: .git, .env and the like are hidden and
                         answer 404; .well-known/ is always served)
      --follow-symlinks  follow symbolic links wherever they lead (default:
                         a link that leads outside DIR answers 404; links
                         that stay inside DIR always work)
      --no-compress      send files and listings uncompressed (default:
                         text, HTML, CSS, JS, JSON, SVG and listings go out
                         compressed with zstd, br or gzip to clients that
                         accept it, and a fresh app.js.br, .zst or .gz is
                         sent in place of app.js)
      --max-conns N      serve at most N connections at once; more wait
                         their turn (default 0: no limit)
      --upload           let clients upload files and make folders in DIR:
                         anyone who can reach the port can then write
                         (the listing's upload area, curl -T FILE URL/,
                         curl -F file=@FILE URL/)
      --overwrite        let uploads replace existing files (default:
                         an existing name answers 409 Conflict)
      --max-upload-size SIZE
                         refuse upload requests larger than SIZE with 413
                         (1M = 1,000,000 bytes, 512KiB, 2GB; default no
                         limit)
      --partial-dir DIR  keep unfinished resumable uploads in DIR, outside
                         the served directory (default: a folder of the
                         user's cache, ~/.cache/simplehttp/uploads/...);
                         on DIR's file system, a finished upload is
                         moved into place, not copied
      --partial-expiry DURATION
                         remove an unfinished upload that receives
                         nothing for DURATION (default 24h)
      --tls-cert FILE    serve HTTPS (HTTP/2 and HTTP/1.1) with the PEM
                         certificate (chain) in FILE; needs --tls-key
      --tls-key FILE     the PEM private key of --tls-cert
      --tls-self-signed  serve HTTPS with a new self-signed certificate made
                         in memory at start; browsers warn about it: check
                         that the SHA-256 fingerprint they show is the one
                         printed at start
      --qr               print a QR code of the network URL for a phone on
                         the same network to scan
      --open             open the URL in the web browser: $BROWSER if set
                         (a ":"-separated list, as Python's webbrowser
                         reads it), else the system's default
      --auth USER:PASSWORD
                         ask for this user name and password (HTTP Basic;
                         repeatable). Other local users can see a command
                         line: prefer --auth-file
      --auth-file FILE   ask for the users in FILE, one "user:hash" per
                         line with a bcrypt hash (htpasswd -nBC 10 USER)
      --auth-upload-only with --upload: ask for a password only to upload
                         (reads stay open)
      --cors             let pages of any site read the files (CORS)
      --cache-control VALUE
                         the Cache-Control of files and listings (default
                         "no-cache": browsers revalidate, so edits show on
                         reload); e.g. "public, max-age=600"
      --spa              answer paths that do not exist with /index.html
                         (single-page apps); a 404.html at the top of DIR
                         is always the 404 page
  -v, --verbose          print each request's headers and the answer's
                         (credentials and cookies redacted)
      --version          print the version and exit
  -h, --help             print this help and exit

Options may come before or after the port; -- ends the options.
Ctrl-C stops the server; downloads in progress get 10 seconds to finish.
The garbage collector runs with GOGC=200 unless the environment sets GOGC
or GOMEMLIMIT.
`

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
	case !spec.hasValue && hasValue:
		return i, usagef("option --%s takes no value", spec.long)
	case spec.hasValue && !hasValue:
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
		if !spec.hasValue {
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
	case o.partialDir != "":
		return usagef("option --partial-dir needs --upload")
	case o.partialExpiry != 0:
		return usagef("option --partial-expiry needs --upload")
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
