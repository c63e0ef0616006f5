package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// initBudgets bounds what the initialisation of these packages may
// allocate, in bytes: each builds its templates, renderers and tables on
// first use, so that a server that never needs them never holds them
// (every byte a package allocates at start stays in the server's RSS
// until a collection, and what it keeps stays for good). The figures
// before they were made lazy are in the comments.
var initBudgets = map[string]int{
	"internal/assets":   1 << 10, // 394 KB, then 34 KB: the assets hashed at init
	"listing":           8 << 10, // 67 KB: listing.html parsed
	"internal/markdown": 1 << 10, // 16 KB and goldmark.New's 31 KB
	"internal/page":     1 << 10, // 5.7 KB: error.html parsed
	"dav":               4 << 10, // 22 KB: manage.html parsed
	"preview":           8 << 10, // 119 KB: the icons, their regexp, preview.html
}

// initLine is one line of GODEBUG=inittrace=1: a package of ours and the
// bytes its initialisation allocated.
var initLine = regexp.MustCompile(`(?m)^init github\.com/simplehttp/simplehttp/(\S+) @.* (\d+) bytes, \d+ allocs$`)

// TestInitAllocations runs the program (for --help, which returns before
// serving) with the runtime tracing every package's initialisation, and
// checks that the packages of initBudgets stay within their budgets.
func TestInitAllocations(t *testing.T) {
	cmd := exec.Command(binary(t), "--help")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("simplehttp --help: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, m := range initLine.FindAllStringSubmatch(string(out), -1) {
		pkg := m[1]
		budget, ok := initBudgets[pkg]
		if !ok {
			continue
		}
		seen[pkg] = true
		if n, _ := strconv.Atoi(m[2]); n > budget {
			t.Errorf("package %s allocates %d bytes at init, more than its budget of %d: build what it needs on first use (sync.OnceValue)", pkg, n, budget)
		}
	}
	for pkg := range initBudgets {
		if !seen[pkg] {
			t.Errorf("no init trace of package %s:\n%s", pkg, out)
		}
	}
}
