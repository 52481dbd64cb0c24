package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is Debian's package; .ci/run installs it when missing.
const chromium = "/usr/bin/chromium"

// axeScript is axe-core, pinned in testdata/package.json and installed by .ci/run with
// `npm ci --prefix internal/web/testdata`.
const axeScript = "testdata/node_modules/axe-core/axe.min.js"

// screenshotsEnv, set to 1, makes the browser tests write the pages' screenshots to
// docs/screenshots (the README shows them); otherwise they go to a temporary directory.
const screenshotsEnv = "RECERT_UPDATE_SCREENSHOTS"

// need skips the browser tests without Chromium or axe-core, except in CI where both are
// required; under the race detector the browser adds minutes and no coverage, so they skip.
func need(t *testing.T) string {
	t.Helper()
	if raceDetector {
		t.Skip("the browser tests run once, without the race detector")
	}
	missing := func(what string, err error) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", what, err)
		}
		t.Skipf("no %s: %v", what, err)
	}
	if _, err := exec.LookPath(chromium); err != nil {
		missing(chromium, err)
	}
	axe, err := os.ReadFile(axeScript)
	if err != nil {
		missing("axe-core (npm ci --prefix internal/web/testdata)", err)
	}
	return string(axe)
}

// tab is a headless Chromium tab for one test, with what a journey does in it.
type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	axe   string
	shots string // where screenshots go
}

// chrome is the one Chromium the package's journeys share, started by the first journey
// and stopped by TestMain; each journey gets a browser context of its own (its own cookies).
var chrome struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

func sharedBrowser() (context.Context, error) {
	chrome.once.Do(func() {
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(chromium),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.WindowSize(1280, 900),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
		)
		ctx, cancelBrowser := chromedp.NewContext(alloc)
		chrome.ctx, chrome.stop = ctx, func() { cancelBrowser(); cancelAlloc() }
		// The first action on ctx starts the browser, which then lives as long as ctx.
		chrome.err = chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
	})
	return chrome.ctx, chrome.err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chrome.stop != nil {
		chrome.stop()
	}
	os.Exit(code)
}

func newTab(t *testing.T, base, axe string) *tab {
	t.Helper()
	parent, err := sharedBrowser()
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTab := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancel(); cancelTab() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	shots := t.TempDir()
	if os.Getenv(screenshotsEnv) == "1" {
		shots = filepath.Join("..", "..", "docs", "screenshots")
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &tab{t: t, ctx: ctx, base: base, axe: axe, shots: shots}
}

// step runs one named step of a journey; on failure it reports what the page reads.
func (b *tab) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		page, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		b.t.Fatalf("%s: %v\nthe page reads:\n%s", name, err, page)
	}
}

// until waits for a JavaScript predicate to hold on the page, evaluating it afresh each time
// so that a navigation in between does no harm (DOM queries and polls do not survive one).
func (b *tab) until(what, predicate string) {
	b.t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+predicate+`)`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			page, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			b.t.Fatalf("waiting for %s (%s): %v\nthe page reads:\n%s", what, predicate, err, page)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// heading is a predicate: the page's h1 reads text.
func heading(text string) string {
	return `document.querySelector("h1") && document.querySelector("h1").textContent === ` + strconv.Quote(text)
}

// flash is a predicate: the page confirms with text.
func flash(text string) string {
	return `document.querySelector(".flash") && document.querySelector(".flash").textContent === ` + strconv.Quote(text)
}

// present is a predicate: an element matches the CSS selector.
func present(sel string) string { return `document.querySelector(` + strconv.Quote(sel) + `)` }

// text is what the first element matching sel reads.
func (b *tab) text(sel string) string {
	b.t.Helper()
	b.until(sel, present(sel))
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](present(sel)+`.innerText`))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// check runs axe-core on the page and fails on any serious or critical violation (but the
// rules allowed, each for a reason the caller gives), then checks the page fits 375 px
// without scrolling sideways, and takes its screenshot.
func (b *tab) check(name string, allowed ...string) {
	b.t.Helper()
	type violation struct {
		ID, Impact, Help string
		Nodes            []struct{ Target []any }
	}
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](b.axe+`;
		axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		  .then(r => JSON.stringify({passes: r.passes.length, minor: r.violations.filter(v => v.impact !== "serious" && v.impact !== "critical").map(v => v.id),
		    serious: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", name, err)
	}
	var res struct {
		Passes  int
		Minor   []string
		Serious []violation
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Passes == 0 {
		b.t.Fatalf("axe on %s did not run: %v: %s", name, err, out)
	}
	b.t.Logf("axe on %s: %d checks passed; minor or moderate: %v", name, res.Passes, res.Minor)
	for _, v := range res.Serious {
		if slices.Contains(allowed, v.ID) {
			b.t.Logf("%s: axe %s allowed: %s", name, v.ID, v.Help)
			continue
		}
		b.t.Errorf("%s: axe %s (%s): %s, at %v", name, v.ID, v.Impact, v.Help, v.Nodes)
	}
	b.shot(name)
	b.step("narrow "+name, chromedp.EmulateViewport(375, 800))
	fits, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		b.shot(name + "-375")
		b.t.Errorf("%s does not fit 375 px without scrolling sideways (%v)", name, err)
	}
	if name == "dashboard" {
		b.shot(name + "-375")
	}
	b.step("wide "+name, chromedp.EmulateViewport(1280, 900))
}

func (b *tab) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *tab) signIn(email, landing string) {
	b.t.Helper()
	b.step("open the sign-in page", chromedp.Navigate(b.base+"/app/sign-in"))
	b.until("the sign-in form", present(`#email`))
	b.step("sign in as "+email,
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse battery staple"),
		chromedp.Click(chromedp.CSS(`form.narrow button`)))
	b.until("the first page", heading(landing))
}

func (b *tab) signOut() {
	b.t.Helper()
	b.step("sign out", chromedp.Click(chromedp.CSS(`form.signout button`)))
	b.until("signed out", flash("You are signed out."))
}
