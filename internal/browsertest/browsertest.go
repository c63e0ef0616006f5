// Package browsertest drives headless Chromium for the tests of the pages
// simplehttp generates (the listing, its upload area, previews), through
// chromedp. Tests only: nothing else imports it.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is the browser the tests drive.
const ChromiumPath = "/usr/bin/chromium"

// StepTimeout bounds each browser step.
const StepTimeout = 15 * time.Second

// New opens a tab for one test in the package's headless Chromium, in a
// browser context of its own (its own cookies, storage and cache), or
// skips the test when Chromium is not installed (outside CI, where it must
// be). The browser starts with the first test that needs it and serves
// every later one: a package that uses New calls Close from its TestMain.
// Every page the tab opens records its Content-Security-Policy violations
// in window.__csp.
func New(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(ChromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s in CI: %v", ChromiumPath, err)
		}
		t.Skipf("skipping browser test: %s not found (install chromium; CI=true makes this a failure)", ChromiumPath)
	}
	browser, err := shared.start()
	if err != nil {
		t.Fatalf("starting %s: %v", ChromiumPath, err)
	}
	// The tab lives as long as this context: the whole test.
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Record every Content-Security-Policy violation of every page.
	const listen = `document.addEventListener("securitypolicyviolation",
		e => { window.__csp = (window.__csp || []).concat(e.violatedDirective + " " + e.blockedURI) });`
	// The first call opens the tab; it must have no deadline, which would
	// close the tab with it. The later steps have deadlines.
	err = chromedp.Do(ctx, Call(page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: listen}))
	if err != nil {
		t.Fatalf("opening a tab in %s: %v", ChromiumPath, err)
	}
	return ctx
}

// shared is the package's browser, started on first use.
var shared browserProcess

// browserProcess is one headless Chromium and its profile folder.
type browserProcess struct {
	mu     sync.Mutex
	ctx    context.Context // the browser's first context; nil until started
	cancel context.CancelFunc
	dir    string
}

// start starts the browser unless it runs, and returns its context.
func (b *browserProcess) start() (context.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ctx != nil {
		return b.ctx, nil
	}
	dir, err := os.MkdirTemp("", "browsertest-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	// The first run starts the browser, with no deadline: one would stop
	// the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
		return nil, err
	}
	b.ctx, b.dir = ctx, dir
	b.cancel = func() { cancelBrowser(); cancelAlloc() }
	return ctx, nil
}

// Main runs a package's tests, then stops the browser they shared: a
// package with browser tests calls it from its TestMain.
func Main(m *testing.M) {
	code := m.Run()
	stopShared()
	os.Exit(code)
}

// stopShared stops the package's browser, if it runs, and removes its profile.
// Main calls it after the tests.
func stopShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.ctx == nil {
		return
	}
	shared.cancel()
	os.RemoveAll(shared.dir)
	shared.ctx = nil
}

// Do runs actions as one named step, failing the test on error.
func Do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// Call is the DevTools protocol command c as an action.
func Call[P, R any](c cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, c, params)
		return chromedp.Void{}, err
	}
}

// WaitUntil waits, for at most StepTimeout, until the JavaScript
// condition holds in the page, which may be reloading meanwhile; a
// condition that throws counts as false. On time-out it fails the test,
// naming the value of the JavaScript expression state, when there is one,
// to show where the page stood.
func WaitUntil(t *testing.T, ctx context.Context, cond, state string) {
	t.Helper()
	expr := fmt.Sprintf("(() => { try { return !!(%s) } catch (_) { return false } })()", cond)
	deadline := time.Now().Add(StepTimeout)
	for {
		sctx, cancel := context.WithTimeout(ctx, StepTimeout)
		ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			at := ""
			if state != "" {
				at, _ = chromedp.Run(ctx, chromedp.Evaluate[string](state))
			}
			t.Fatalf("%s did not come true within %s (%v; page: %q)", cond, StepTimeout, err, at)
		}
		time.Sleep(50 * time.Millisecond) // polling the page: there is no event to wait for
	}
}

// CheckNoCSPViolations fails the test if a page opened since [New] broke
// its Content-Security-Policy.
func CheckNoCSPViolations(t *testing.T, ctx context.Context) {
	t.Helper()
	if v := Eval[[]string](t, ctx, "window.__csp || []"); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// Screenshot saves the whole page as name.png in artifacts/screenshots
// (gitignored) at the top of the module.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join(moduleRoot(t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// moduleRoot is the folder holding go.mod, above the test's package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}
