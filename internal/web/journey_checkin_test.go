package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestCheckInCreditJourney: the organizer reads the event's check-in counts, previews the
// credit from check-ins and posts it, in Chromium.
func TestCheckInCreditJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ev := w.checkInEvent(t, st)
		b := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			b.shots = t.TempDir() // one set of screenshots
		}
		b.signIn(w.organizer, "Your events")
		b.step("open the event", chromedp.Navigate(b.base+"/app/events/"+ev.ID))
		b.until("the check-ins", present(`#check-ins-title`))
		b.check("event-check-ins")
		b.step("preview the credit", chromedp.Click(chromedp.CSS(`form[action$="/check-ins/preview#preview"] button`)))
		b.until("the preview", present(`#preview-title`))
		b.check("check-in-preview")
		b.step("narrow", chromedp.EmulateViewport(375, 800))
		b.shot("check-in-preview-375")
		b.step("wide", chromedp.EmulateViewport(1280, 900))
		b.step("post the credit", chromedp.Click(chromedp.CSS(`form[action$="/check-ins/convert"] button`)))
		b.until("posted", flash("The check-ins are converted to credit."))
	})
}
