package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
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

func newTab(t *testing.T, base, axe string) *tab {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancel(); cancelTab(); cancelAlloc() })
	// The first action on ctx starts the browser, which then lives as long as ctx.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
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

// check runs axe-core on the page and fails on any serious or critical violation, then
// checks the page fits 375 px without scrolling sideways, and takes its screenshot.
func (b *tab) check(name string) {
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

// TestBrowserJourneys walks the organizer's journey (sign in, upload the messy roster, read
// the preview, confirm, revoke one attendee) then the member's (sign in, read the progress
// card), and the administrator's member search, in Chromium, on each engine.
func TestBrowserJourneys(t *testing.T) {
	axe := need(t)
	roster, err := filepath.Abs(messyRoster)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			b.shots = t.TempDir() // one set of screenshots
		}
		b.step("open the pages", chromedp.Navigate(b.base+"/app/"))
		b.until("the sign-in form", present(`#email`))
		b.check("sign-in")

		// The organizer.
		b.signIn(w.organizer, "Your events")
		b.check("events")
		b.step("open the event", chromedp.Click(chromedp.CSS(`.card h2 a`)))
		b.until("the event page", present(`#file`))
		b.step("upload the messy roster",
			chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{roster}),
			chromedp.Click(chromedp.CSS(`form.upload button`)))
		b.until("the preview", present(`#preview`))
		preview := b.text(`#preview`)
		for _, want := range []string{"9 rows: 4 to post, 5 skipped", "Renée Roy (by ABCP ID)", "did the spreadsheet drop leading zeros",
			"olga@example.org belongs to another member", "Confirm: post 4 row(s), skip 5"} {
			if !strings.Contains(preview, want) {
				t.Errorf("the preview does not read %q:\n%s", want, preview)
			}
		}
		b.check("roster-preview")
		b.step("confirm", chromedp.Click(chromedp.CSS(`#preview form button`)))
		b.until("the roster posted", flash("The roster is posted."))
		if n := attendanceCount(t, st, w.event.ID); n != 4 {
			t.Errorf("after confirming, %d attendance, want 4", n)
		}
		b.check("event-attendance")
		// Pat, not Renée, whose credits the member's pages show next.
		pat := `//tr[td[1][.="Pat Perfusionist"]]//form[contains(@class,"revoke")]`
		b.step("revoke Pat's attendance",
			chromedp.SendKeys(chromedp.Search(pat+`//input[@name="reason"]`), "left before the first session"),
			chromedp.Click(chromedp.Search(pat+`//button`)))
		b.until("the attendance revoked", flash("The attendance is revoked."))
		if got := b.text(`#main`); !strings.Contains(got, "Pat Perfusionist\t123456\tTue-AM\t1.50\tRevoked: left before the first session") {
			t.Errorf("the attendance does not show the revocation:\n%s", got)
		}
		b.signOut()

		// The member: Renée's credits from the roster show on her card.
		b.signIn(w.member, "Your progress")
		card := b.text(`.card`)
		if !strings.Contains(card, "ABCP") || !strings.Contains(card, "Deadline:") || !strings.Contains(card, " of ") {
			t.Errorf("the progress card reads:\n%s", card)
		}
		status := b.text(`.card .badge`)
		if !strings.Contains(" Complete On track Behind Deficient Upcoming Not tracked ", " "+status+" ") {
			t.Errorf("the card's status reads %q, not a status in words", status)
		}
		b.step("open what did not count", chromedp.Click(chromedp.CSS(`.card details summary`)))
		b.until("what did not count", `document.querySelector(".card details").open`)
		if got := b.text(`.notcounted`); !strings.Contains(got, "Case report on circuit priming") {
			t.Errorf("what did not count reads:\n%s", got)
		}
		b.check("dashboard")
		b.step("open the credits", chromedp.Click(chromedp.CSS(`nav a[href="/app/credits"]`)))
		b.until("the credits page", heading("Your credits"))
		if got := b.text(`table`); !strings.Contains(got, "Fall Meeting") {
			t.Errorf("the credits table reads:\n%s", got)
		}
		b.check("credits")
		b.signOut()

		// The administrator.
		b.signIn(w.admin, "Members")
		b.step("search members", chromedp.SendKeys(chromedp.CSS(`#q`), "roy"), chromedp.Click(chromedp.CSS(`form.search button`)))
		b.until("the members found", present(`table`))
		if got := b.text(`table`); !strings.Contains(got, "Renée Roy") {
			t.Errorf("the member search reads:\n%s", got)
		}
		b.check("members")
	})
}
