package main

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	def := options{port: 8000, dir: "."}
	def.cacheControl = "no-cache"
	with := func(f func(o *options)) options {
		o := def
		f(&o)
		return o
	}
	tests := []struct {
		name string
		args []string
		want options
	}{
		{"no arguments", nil, def},
		{"port only", []string{"9000"}, with(func(o *options) { o.port, o.portGiven = 9000, true })},
		{"port 0 lets the OS pick", []string{"0"}, with(func(o *options) { o.port, o.portGiven = 0, true })},
		{"port 65535", []string{"65535"}, with(func(o *options) { o.port, o.portGiven = 65535, true })},
		{"flag after port", []string{"8001", "-d", "site"}, with(func(o *options) { o.port, o.portGiven, o.dir = 8001, true, "site" })},
		{"flag before port", []string{"-d", "site", "8001"}, with(func(o *options) { o.port, o.portGiven, o.dir = 8001, true, "site" })},
		{"long with =", []string{"--bind=127.0.0.1"}, with(func(o *options) { o.bind = "127.0.0.1" })},
		{"long with space", []string{"--bind", "::1"}, with(func(o *options) { o.bind = "::1" })},
		{"short with space", []string{"-b", "::1"}, with(func(o *options) { o.bind = "::1" })},
		{"short glued", []string{"-b::1"}, with(func(o *options) { o.bind = "::1" })},
		{"short with =", []string{"-b=::1"}, with(func(o *options) { o.bind = "::1" })},
		{"long directory", []string{"--directory", "/srv"}, with(func(o *options) { o.dir = "/srv" })},
		{"long directory =", []string{"--directory=/srv"}, with(func(o *options) { o.dir = "/srv" })},
		{"abbreviated long", []string{"--dir", "/srv", "--foll"}, with(func(o *options) { o.dir, o.followSymlinks = "/srv", true })},
		{"quiet short", []string{"-q"}, with(func(o *options) { o.quiet = true })},
		{"quiet long", []string{"--quiet"}, with(func(o *options) { o.quiet = true })},
		{"bundled shorts", []string{"-qb", "::1"}, with(func(o *options) { o.quiet, o.bind = true, "::1" })},
		{"bundled shorts with glued value", []string{"-qd/srv"}, with(func(o *options) { o.quiet, o.dir = true, "/srv" })},
		{"dotfiles", []string{"--dotfiles"}, with(func(o *options) { o.dotfiles = true })},
		{"follow symlinks", []string{"--follow-symlinks"}, with(func(o *options) { o.followSymlinks = true })},
		{"no compress", []string{"--no-compress"}, with(func(o *options) { o.noCompress = true })},
		{"no compress abbreviated", []string{"--no"}, with(func(o *options) { o.noCompress = true })},
		{"max conns", []string{"--max-conns", "64"}, with(func(o *options) { o.maxConns = 64 })},
		{"max conns =", []string{"--max-conns=0"}, def},
		{"value that looks like a flag", []string{"-d", "-q"}, with(func(o *options) { o.dir = "-q" })},
		{"double dash ends flags", []string{"-q", "--", "8080"}, with(func(o *options) { o.quiet, o.port, o.portGiven = true, 8080, true })},
		{"everything", []string{"-q", "9000", "--dotfiles", "-b", "127.0.0.1", "--directory=www", "--follow-symlinks", "--max-conns", "5"},
			with(func(o *options) {
				o.port, o.portGiven, o.bind, o.dir, o.quiet, o.dotfiles, o.followSymlinks, o.maxConns = 9000, true, "127.0.0.1", "www", true, true, true, 5
			})},
		{"upload", []string{"--upload"}, with(func(o *options) { o.upload = true })},
		{"upload options", []string{"--upload", "--overwrite", "--max-upload-size", "1M"},
			with(func(o *options) { o.upload, o.overwrite, o.maxUploadSize = true, true, 1000000 })},
		{"upload size in KiB", []string{"--max-upload-size=512KiB", "--up"}, with(func(o *options) { o.upload, o.maxUploadSize = true, 512<<10 })},
		{"upload size in GB", []string{"--upload", "--max-upload-size", "2GB"}, with(func(o *options) { o.upload, o.maxUploadSize = true, 2e9 })},
		{"upload size 0", []string{"--upload", "--max-upload-size", "0"}, with(func(o *options) { o.upload = true })},
		{"partials", []string{"--upload", "--resumable-dir", "/var/tmp/p", "--resumable-exp=90m"},
			with(func(o *options) { o.upload, o.resumableDir, o.resumableExpiry = true, "/var/tmp/p", 90*time.Minute })},
		{"help", []string{"--help"}, with(func(o *options) { o.help = true })},
		{"help short", []string{"-h"}, with(func(o *options) { o.help = true })},
		{"help wins over a bad port", []string{"99999", "-h"}, with(func(o *options) { o.help = true })},
		{"version", []string{"--version"}, with(func(o *options) { o.version = true })},
		{"self-signed", []string{"--tls-self-signed"}, with(func(o *options) { o.tlsSelfSigned = true })},
		{"auth twice", []string{"--auth", "ann:pw:with:colons", "--auth=bob:"}, with(func(o *options) { o.authPasswords = []string{"ann:pw:with:colons", "bob:"} })},
		{"auth file", []string{"--auth-file", "users"}, with(func(o *options) { o.authFile = "users" })},
		{"auth upload only", []string{"--upload", "--auth-file=users", "--auth-upload-only"},
			with(func(o *options) { o.upload, o.authFile, o.authUploadOnly = true, "users", true })},
		{"cors, spa, verbose", []string{"--cors", "--spa", "-v"}, with(func(o *options) { o.cors, o.spa, o.verbose = true, true, true })},
		{"verbose long", []string{"--verbose"}, with(func(o *options) { o.verbose = true })},
		{"cache control", []string{"--cache-control", "public, max-age=600"}, with(func(o *options) { o.cacheControl = "public, max-age=600" })},
		{"certificate and key", []string{"--tls-cert", "c.pem", "--tls-key=k.pem"}, with(func(o *options) { o.tlsCert, o.tlsKey = "c.pem", "k.pem" })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(tc.args)
			if err != nil {
				t.Fatalf("parseArgs(%q): %v", tc.args, err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("parseArgs(%q) = %+v, want %+v", tc.args, *got, tc.want)
			}
		})
	}
}

// TestRunUsageErrors checks that every mistake on the command line is one
// line on stderr and exit status 2.
func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"70000"}, "simplehttp: port 70000 out of range (0-65535)"},
		{[]string{"99999999999999999999999"}, "simplehttp: port 99999999999999999999999 out of range (0-65535)"},
		{[]string{"http"}, `simplehttp: invalid port "http": want a number from 0 to 65535`},
		{[]string{"+80"}, `simplehttp: invalid port "+80": want a number from 0 to 65535`},
		{[]string{""}, `simplehttp: invalid port "": want a number from 0 to 65535`},
		{[]string{"-1"}, "simplehttp: unknown option -1 (see --help)"},
		{[]string{"80", "81"}, `simplehttp: unexpected argument "81": only one port may be given`},
		{[]string{"--", "-q"}, `simplehttp: invalid port "-q": want a number from 0 to 65535`},
		{[]string{"--port", "80"}, "simplehttp: unknown option --port (see --help)"},
		{[]string{"-x"}, "simplehttp: unknown option -x (see --help)"},
		{[]string{"-qx"}, "simplehttp: unknown option -x (see --help)"},
		{[]string{"-\x1b[2J"}, `simplehttp: unknown option -"\x1b[2J" (see --help)`},
		{[]string{"--d", "x"}, "simplehttp: ambiguous option --d (--directory, --dotfiles, --delete)"},
		{[]string{"-b"}, "simplehttp: option -b (--bind) needs a value"},
		{[]string{"8000", "-d"}, "simplehttp: option -d (--directory) needs a value"},
		{[]string{"--bind"}, "simplehttp: option --bind needs a value"},
		{[]string{"--directory"}, "simplehttp: option --directory needs a value"},
		{[]string{"--max-conns"}, "simplehttp: option --max-conns needs a value"},
		{[]string{"--quiet=yes"}, "simplehttp: option --quiet takes no value"},
		{[]string{"--max-conns", "many"}, `simplehttp: option --max-conns wants a whole number, 0 or more, not "many"`},
		{[]string{"--max-conns=-3"}, `simplehttp: option --max-conns wants a whole number, 0 or more, not "-3"`},
		{[]string{"-d", ""}, "simplehttp: option --directory needs a directory name, not an empty string"},
		{[]string{"--overwrite"}, "simplehttp: option --overwrite needs --upload"},
		{[]string{"--max-upload-size", "1M"}, "simplehttp: option --max-upload-size needs --upload"},
		{[]string{"--resumable-dir", "/tmp"}, "simplehttp: option --resumable-dir needs --upload"},
		{[]string{"--resumable-expiry", "1h"}, "simplehttp: option --resumable-expiry needs --upload"},
		{[]string{"--upload", "--resumable-expiry", "10s"}, `simplehttp: option --resumable-expiry wants a duration of a minute or more, such as 24h or 90m, not "10s"`},
		{[]string{"--upload", "--resumable-dir="}, "simplehttp: option --resumable-dir needs a directory name, not an empty string"},
		{[]string{"--upload", "--max-upload-size", "lots"}, `simplehttp: option --max-upload-size wants a size such as 100M, 512KiB or 2GB, not "lots"`},
		{[]string{"--upload", "--max-upload-size=-1M"}, `simplehttp: option --max-upload-size wants a size such as 100M, 512KiB or 2GB, not "-1M"`},
		{[]string{"--upload", "--max-upload-size=20EB"}, `simplehttp: option --max-upload-size wants a size such as 100M, 512KiB or 2GB, not "20EB"`},
		{[]string{"--upload", "--max-upload-size"}, "simplehttp: option --max-upload-size needs a value"},
		{[]string{"--max", "1"}, "simplehttp: ambiguous option --max (--max-conns, --max-upload-size)"},
		{[]string{"--auth", "annpw"}, "simplehttp: option --auth wants user:password"},
		{[]string{"--auth", ":pw"}, "simplehttp: option --auth wants user:password"},
		{[]string{"--auth-upload-only", "--upload"}, "simplehttp: option --auth-upload-only needs --auth or --auth-file"},
		{[]string{"--auth-upload-only", "--auth", "a:b"}, "simplehttp: option --auth-upload-only needs --upload, --delete or -w"},
		{[]string{"--cache-control", ""}, `simplehttp: option --cache-control wants a Cache-Control value such as "public, max-age=600"`},
		{[]string{"--cache-control", "a\r\nX: y"}, `simplehttp: option --cache-control wants a Cache-Control value such as "public, max-age=600"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runArgs(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit status %d, want %d", code, exitUsage)
			}
			if stderr != tc.want+"\n" {
				t.Errorf("stderr = %q, want %q", stderr, tc.want+"\n")
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	code, stdout, stderr := runArgs(t, "--help")
	if code != exitOK || stderr != "" {
		t.Fatalf("--help: status %d, stderr %q", code, stderr)
	}
	for _, spec := range flagSpecs {
		names := "--" + spec.long
		if spec.short != 0 {
			names = "-" + string(spec.short) + ", " + names
		}
		if spec.takesValue() {
			names += " " + spec.value
		}
		if !strings.Contains(stdout, "  "+names+"\n") && !strings.Contains(stdout, "  "+names+"  ") {
			t.Errorf("--help does not show %q", names)
		}
	}
	// What the two safety switches change must be spelled out.
	for _, want := range []string{"outside DIR answers 404", ".git, .env", "hidden", "default 8000", "0 picks a free one", "(--dir)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	for i, line := range strings.Split(stdout, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("--help line %d is longer than 80 columns: %q", i+1, line)
		}
	}
}

// TestFlagSpecs checks what --help and the parser need of each row of
// the flag table.
func TestFlagSpecs(t *testing.T) {
	longs, shorts := map[string]bool{}, map[byte]bool{}
	for _, spec := range flagSpecs {
		switch {
		case !regexp.MustCompile(`^[a-z][a-z0-9-]*$`).MatchString(spec.long):
			t.Errorf("--%s: a long name is lower-case letters, digits and dashes", spec.long)
		case longs[spec.long]:
			t.Errorf("--%s is in the flag table twice", spec.long)
		case spec.short != 0 && shorts[spec.short]:
			t.Errorf("-%c names two flags; the second is --%s", spec.short, spec.long)
		case strings.TrimSpace(spec.help) == "":
			t.Errorf("--%s has no help text: --help would list it bare", spec.long)
		case spec.value != strings.ToUpper(spec.value) || strings.ContainsAny(spec.value, " \t"):
			t.Errorf("--%s: its value's name %q is one upper-case word, as DIR", spec.long, spec.value)
		case spec.set == nil:
			t.Errorf("--%s does nothing: set is nil", spec.long)
		}
		longs[spec.long], shorts[spec.short] = true, true
	}
}

func TestWriteHelpEntry(t *testing.T) {
	tests := []struct {
		names, text, want string
	}{
		{"  -q, --quiet", "do not log requests",
			"  -q, --quiet            do not log requests\n"},
		{"      --max-upload-size SIZE", "refuse",
			"      --max-upload-size SIZE\n                         refuse\n"},
		// 23 columns of names leave the two spaces before the text.
		{"      --abcdefghijklmno", "x",
			"      --abcdefghijklmno  x\n"},
		{"      --abcdefghijklmnop", "x",
			"      --abcdefghijklmnop\n                         x\n"},
		{"  port", strings.Repeat("word ", 20),
			"  port                   word word word word word word word word word word\n" +
				"                         word word word word word word word word word word\n"},
		{"  port", "a\n  b\tc", "  port                   a b c\n"},
		// A word longer than a line is not cut.
		{"  port", strings.Repeat("x", 60), "  port                   " + strings.Repeat("x", 60) + "\n"},
	}
	for _, tc := range tests {
		var b strings.Builder
		writeHelpEntry(&b, tc.names, tc.text)
		if b.String() != tc.want {
			t.Errorf("writeHelpEntry(%q, %q) =\n%s\nwant\n%s", tc.names, tc.text, b.String(), tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := runArgs(t, "--version")
	if code != exitOK || stderr != "" {
		t.Fatalf("--version: status %d, stderr %q", code, stderr)
	}
	// A test binary has no module version: the fallback is "(devel)".
	if !regexp.MustCompile(`^simplehttp \(devel\) \(go1\.[0-9.]+\S* \w+/\w+\)\n$`).MatchString(stdout) {
		t.Errorf("--version printed %q", stdout)
	}
}
