package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/simplehttp/simplehttp/internal/termsafe"
)

// browserCommands are the commands that may open url, to be tried in
// order: those of $BROWSER (browserEnv) if set, a list separated as PATH
// is, as Python's webbrowser reads it ("%s" in an entry stands for the
// URL, which otherwise comes last); else the opener of the system goos.
func browserCommands(url, browserEnv, goos string) [][]string {
	var cmds [][]string
	for _, entry := range filepath.SplitList(browserEnv) {
		fields := strings.Fields(entry)
		if len(fields) == 0 {
			continue
		}
		hasURL := false
		for i, f := range fields {
			if strings.Contains(f, "%s") {
				fields[i], hasURL = strings.ReplaceAll(f, "%s", url), true
			}
		}
		if !hasURL {
			fields = append(fields, url)
		}
		cmds = append(cmds, fields)
	}
	if len(cmds) > 0 {
		return cmds
	}
	switch goos {
	case "windows":
		return [][]string{{"rundll32", "url.dll,FileProtocolHandler", url}}
	case "darwin":
		return [][]string{{"open", url}}
	}
	return [][]string{{"xdg-open", url}}
}

// openBrowser opens url in the user's browser in the background: it runs
// the browser commands one after the other until one succeeds, and if
// none does, writes one warning line to errs. It never blocks the caller.
func openBrowser(url string, errs io.Writer) {
	cmds := browserCommands(url, os.Getenv("BROWSER"), runtime.GOOS)
	go func() {
		var last error
		for _, argv := range cmds {
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
			if last = cmd.Run(); last == nil {
				return
			}
			last = fmt.Errorf("%s: %v", argv[0], last)
		}
		fmt.Fprintf(errs, "simplehttp: warning: could not open a browser (%s); open %s yourself\n", termsafe.String(last.Error()), url)
	}()
}
