package web_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// TestDoorJourney is check-in in the room, in Chromium: the member's card, the organizer's
// scan page and a scan opened as a camera opens it, the session's screen, and the member's
// self check-in with the code it shows; axe-core on each page, at 375 px too.
func TestDoorJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ev := todaysMeeting(t, st, w)
		member := newTab(t, w.env.URL, axe)
		org := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			member.shots, org.shots = t.TempDir(), t.TempDir() // one set of screenshots
		}
		member.signIn(w.member, "Your progress")
		member.step("open the card", chromedp.Navigate(member.base+"/app/checkin-card"))
		member.check("checkin-card")
		dataURL, err := chromedp.Run(member.ctx, chromedp.Evaluate[string](`document.querySelector(".checkin-card img").src`))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(dataURL, "data:image/png;base64,"))
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		link, ok := rendertest.DecodeQR(img)
		if !ok {
			t.Fatal("the card's QR code does not decode in the browser's copy")
		}
		code := link[strings.Index(link, "/app/c/"):]

		org.signIn(w.organizer, "Your events")
		org.step("open the scan page", chromedp.Navigate(org.base+"/app/events/"+ev.ID+"/scan"))
		org.until("the scan page", heading("Check-in"))
		org.check("scan")
		org.step("scan for S1, coming in", chromedp.Click(chromedp.CSS(`form.narrow button`)))
		org.until("bound", present(`#q`))
		// A navigation the browser starts itself is what a camera's link is: Sec-Fetch-Site none.
		org.step("scan Renée's code", chromedp.Navigate(org.base+code))
		org.until("green", present(`.scan-green`))
		org.check("scan-green")
		org.step("open S1's screen", chromedp.Navigate(org.base+"/app/events/"+ev.ID+"/sessions/"+ev.Sessions[0].ID+"/code"))
		org.until("the code", present(`.projector-code`))
		// The screen's page reloads itself to follow its code: a display in a room, not a
		// page anyone works in, where the time limit is the real-time event's (WCAG 2.2.1).
		org.check("session-code", "meta-refresh")
		screen := org.text(".projector-code")

		member.step("open self check-in", chromedp.Navigate(member.base+"/app/checkin"))
		member.until("the form", present(`#code`))
		member.check("self-check-in")
		member.step("enter the screen's code", chromedp.SendKeys(chromedp.CSS(`#code`), screen), chromedp.Click(chromedp.CSS(`form.narrow button`)))
		member.until("a red answer: the scan came first", present(`.scan-red`))
	})
}
