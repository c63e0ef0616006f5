package main

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
)

// abbreviationsFile pins every abbreviation of a long option that works,
// one "--prefix --option" a line after abbreviationsHeader: users type
// them, and a script written today must keep working when a flag is added.
const abbreviationsFile = "testdata/abbreviations.txt"

const abbreviationsHeader = `# Every abbreviation of a long option that works today, pinned by
# TestAbbreviationsStillResolve (abbrev_test.go): a new flag must not make
# one of them ambiguous.
`

var updateAbbreviations = flag.Bool("update-abbreviations", false,
	"add the abbreviations of new flags to "+abbreviationsFile+" (never drops one)")

// abbreviations lists every shortened long option that resolves, as
// "--prefix --option", sorted.
func abbreviations() []string {
	var lines []string
	for _, spec := range flagSpecs {
		for n := 1; n < len(spec.long); n++ {
			if got, err := lookupLong(spec.long[:n]); err == nil && got.long == spec.long {
				lines = append(lines, "--"+spec.long[:n]+" --"+spec.long)
			}
		}
	}
	slices.Sort(lines)
	return lines
}

// TestAbbreviationsStillResolve fails when a new flag makes an
// abbreviation that worked ambiguous (--up stops meaning --upload once
// --update exists), or when the abbreviations of a new flag are not yet
// pinned.
func TestAbbreviationsStillResolve(t *testing.T) {
	data, err := os.ReadFile(abbreviationsFile)
	if err != nil {
		t.Fatal(err)
	}
	var pinned []string
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			pinned = append(pinned, line)
		}
	}
	broken := map[string][]string{} // option: its pinned prefixes that fail now
	var options []string
	for _, line := range pinned {
		prefix, option, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(prefix, "--") || !strings.HasPrefix(option, prefix) {
			t.Errorf("%s: %q is not \"--prefix --option\"", abbreviationsFile, line)
			continue
		}
		if spec, err := lookupLong(prefix[2:]); err != nil || "--"+spec.long != option {
			if broken[option] == nil {
				options = append(options, option)
			}
			broken[option] = append(broken[option], prefix)
		}
	}
	for _, option := range options {
		prefixes := broken[option]
		now := "it means another option"
		if _, err := lookupLong(prefixes[0][2:]); err != nil {
			now = err.Error()
		}
		t.Errorf("%s meant %s until now, and users may type them; now: %s.\n"+
			"\tName the new flag so that it does not begin with %q; if breaking them is meant, "+
			"delete their lines from %s and say why in the commit.",
			strings.Join(prefixes, ", "), option, now, prefixes[0][2:], abbreviationsFile)
	}
	current := abbreviations()
	var unpinned []string
	for _, line := range current {
		if !slices.Contains(pinned, line) {
			unpinned = append(unpinned, line)
		}
	}
	switch {
	case len(unpinned) == 0:
	case *updateAbbreviations && !t.Failed():
		if err := os.WriteFile(abbreviationsFile, []byte(abbreviationsHeader+strings.Join(current, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	default:
		t.Errorf("%d abbreviations are not pinned in %s (%s, ...): once the new flag's name is settled, run\n"+
			"\tgo test ./cmd/simplehttp -run TestAbbreviationsStillResolve -update-abbreviations",
			len(unpinned), abbreviationsFile, unpinned[0])
	}
}
