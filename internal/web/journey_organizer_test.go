package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestOrganizerJourney walks the organizer's journey in Chromium on each engine: sign in,
// upload the messy roster, read the preview, confirm, revoke one attendee.
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
	})
}
