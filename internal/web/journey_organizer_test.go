package web_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestOrganizerJourney walks the organizer's journey in Chromium on each engine: sign in,
// create an event with the sessions the messy roster names, publish it, upload the roster,
// read the preview, confirm, revoke one attendee, correct another, export the attendance.
func TestOrganizerJourney(t *testing.T) {
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

		// The organizer creates the event: three sessions, as the roster's columns name them.
		b.signIn(w.organizer, "Your events")
		b.check("events")
		b.step("create an event", chromedp.Click(chromedp.CSS(`main a[href="/app/events/new"]`)))
		b.until("the event editor", heading("New event"))
		// Three mistakes in one form: all three come back at once, beside their fields.
		b.step("fill in the event, with three mistakes",
			chromedp.SendKeys(chromedp.CSS(`#title`), "Perfusion Update 2026"),
			chromedp.SetValue(chromedp.CSS(`#time_zone`), "America/Chicago"),
			chromedp.SetValue(chromedp.CSS(`#start_date`), "2026-11-03"),
			chromedp.SetValue(chromedp.CSS(`#end_date`), "2026-11-01"),
			chromedp.SendKeys(chromedp.CSS(`#approval_ref`), "ABCP-2026-1103"),
			chromedp.SendKeys(chromedp.CSS(`#location`), "Madison, Wisconsin"),
			chromedp.SendKeys(chromedp.CSS(`#s0-title`), "Cannulation"),
			chromedp.SendKeys(chromedp.CSS(`#s0-ceus`), "1"),
			chromedp.SendKeys(chromedp.CSS(`#s1-code`), "Tue-AM"),
			chromedp.SendKeys(chromedp.CSS(`#s1-title`), "Tuesday morning"),
			chromedp.SendKeys(chromedp.CSS(`#s1-ceus`), "lots"),
			chromedp.SendKeys(chromedp.CSS(`#s2-ceus`), "0.5"),
			chromedp.SetValue(chromedp.CSS(`#s2-category`), "II"))
		b.check("event-new")
		b.step("save the event", chromedp.Click(chromedp.CSS(`form.editor > button`)))
		b.until("the three problems", present(`#s2-title-problem`))
		if got := b.eval(`document.querySelector("div.error").innerText`); !strings.Contains(got, "3 things to correct") || !strings.Contains(got, "Last day: ends before it starts") ||
			!strings.Contains(got, "Session 2 CEUs: give the CEUs") || !strings.Contains(got, "Session 3 title: give the session a title") {
			t.Errorf("the problems read:\n%s", got)
		}
		if n := b.eval(`String(document.querySelectorAll('[aria-invalid="true"]').length)`); n != "3" {
			t.Errorf("%s fields marked invalid, want 3", n)
		}
		b.check("event-problems")
		b.step("correct the three mistakes at once",
			chromedp.SetValue(chromedp.CSS(`#end_date`), ""),
			chromedp.SetValue(chromedp.CSS(`#s1-ceus`), "1.50"),
			chromedp.SendKeys(chromedp.CSS(`#s2-title`), "Ethics in ECMO"),
			chromedp.Click(chromedp.CSS(`form.editor > button`)))
		b.until("the draft", flash("The event is created as a draft. Publish it when it is ready."))
		if got := b.text(`table`); !strings.Contains(got, "S1\tCannulation\t2026-11-03\t1.00") || !strings.Contains(got, "Tue-AM\tTuesday morning") ||
			!strings.Contains(got, "S3\tEthics in ECMO") {
			t.Errorf("the sessions read:\n%s", got)
		}
		b.step("publish", chromedp.Click(chromedp.CSS(`form.publish button`)))
		b.until("published", flash("The event is published."))
		eventID := b.eval(`location.pathname.split("/")[3]`)

		// The messy roster: preview, then confirm.
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
		if n := attendanceCount(t, st, eventID); n != 4 {
			t.Errorf("after confirming, %d attendance, want 4", n)
		}
		if got := b.text(`#skipped`); !strings.Contains(got, "5 row(s) skipped") || !strings.Contains(got, "belongs to another member") {
			t.Errorf("the skipped rows after confirming read:\n%s", got)
		}
		res, skippedRows := b.downloadForm(`#skipped form`)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || strings.Count(skippedRows, "\n") != 6 ||
			!strings.Contains(skippedRows, "olga@example.org") {
			t.Errorf("the skipped rows' download: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), skippedRows)
		}
		if n := attendanceCount(t, st, eventID); n != 4 {
			t.Errorf("after the download, %d attendance, want 4", n)
		}
		b.check("event-attendance")
		// Pat, not Renée, whose credits the member's pages show next.
		b.step("find Pat", chromedp.SendKeys(chromedp.CSS(`#q`), "perfusionist"), chromedp.Click(chromedp.CSS(`form.search button`)))
		b.until("Pat found", `document.querySelector("caption") && [...document.querySelectorAll("caption")].some(c => c.textContent.includes("matching"))`)
		pat := `//tr[td[1][.="Pat Perfusionist"]]//details[contains(@class,"revoke")]`
		b.step("open Pat's revoke", chromedp.Click(chromedp.Search(pat+`/summary`)))
		b.until("the revoke confirmation", `document.querySelector("details.revoke[open]")`)
		b.check("revoke-confirmation")
		b.step("revoke Pat's attendance",
			chromedp.SendKeys(chromedp.Search(pat+`//input[@name="reason"]`), "left before the first session"),
			chromedp.Click(chromedp.Search(pat+`//button`)))
		b.until("the attendance revoked", flash("The attendance is revoked."))
		if got := b.text(`#main`); !strings.Contains(got, "Pat Perfusionist\t123456\tTue-AM\t1.50\tRevoked: left before the first session") {
			t.Errorf("the attendance does not show the revocation:\n%s", got)
		}

		// Nora left before the ethics session: her correction, next to her revoke.
		nora := `//tr[td[1][.="Nora NoID"]]//details[contains(@class,"correct")]`
		b.step("open Nora's correction", chromedp.Click(chromedp.Search(nora+`/summary`)))
		b.until("the correction form", `document.querySelector("details.correct[open]")`)
		b.step("correct Nora's sessions",
			chromedp.Click(chromedp.Search(nora+`//label[starts-with(., "S3")]`)),
			chromedp.SendKeys(chromedp.Search(nora+`//input[@name="reason"]`), "left before the ethics session"))
		b.check("attendance-correction")
		b.step("save the correction", chromedp.Click(chromedp.Search(nora+`//button`)))
		b.until("the attendance corrected", flash("The attendance is corrected."))
		if got := b.text(`#main`); !strings.Contains(got, "Nora NoID		Tue-AM	1.50	Counts") {
			t.Errorf("the attendance does not show the correction:\n%s", got)
		}

		// The export link downloads the attendance as the page lists it, with the browser's session.
		href := b.eval(`document.querySelector('a[href$="/attendance.csv"]').href`)
		res, export := b.download(href)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.HasPrefix(export, "name,abcp_id,email,sessions,ceus,status") ||
			!strings.Contains(export, "Pat Perfusionist,123456") || !strings.Contains(export, "revoked: left before the first session") ||
			strings.Count(export, "\n") != 5 {
			t.Errorf("the exported attendance: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), export)
		}

		// The roster went to the wrong event after all: the organizer withdraws the posting.
		b.step("open the posting's withdrawal", chromedp.Click(chromedp.CSS(`td details.confirm summary`)))
		b.until("the withdrawal confirmation", `document.querySelector("details.confirm[open]")`)
		b.check("posting-withdraw")
		b.step("withdraw the posting",
			chromedp.SendKeys(chromedp.CSS(`details.confirm[open] input[name="reason"]`), "posted to the wrong event"),
			chromedp.Click(chromedp.CSS(`details.confirm[open] button`)))
		b.until("the posting withdrawn", flash("The posting is withdrawn: what it credited is revoked, and each member is told."))
		if got := b.text(`#main`); !strings.Contains(got, "withdrawn") || !strings.Contains(got, "posted to the wrong event") {
			t.Errorf("the postings after withdrawing read:\n%s", got)
		}
	})
}

// eval is what a JavaScript expression on the page comes to, awaited when it is a promise.
func (b *tab) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// download gets url with the browser's cookies, as following a download link does.
func (b *tab) download(url string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	return b.send(req)
}

// downloadForm submits the form sel selects as the browser would, with its session, and
// returns what it downloads.
func (b *tab) downloadForm(sel string) (*http.Response, string) {
	b.t.Helper()
	q := `document.querySelector(` + strconv.Quote(sel) + `)`
	action, fields := b.eval(q+`.action`), b.eval(`new URLSearchParams(new FormData(`+q+`)).toString()`)
	req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(fields))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// send sends req with the browser's cookies.
func (b *tab) send(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	url := req.URL.String()
	cookies, err := chromedp.Run(b.ctx, func(ctx context.Context, t *chromedp.Target) ([]*network.Cookie, error) {
		r, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
		return r.Cookies, err
	})
	if err != nil {
		b.t.Fatalf("the browser's cookies: %v", err)
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}
