package web_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestMemberJourney walks the member's journey in Chromium on each engine: sign in, read
// the progress card and what did not count, open the credits.
func TestMemberJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		// The organizer posts the messy roster, which credits Renée at the Fall Meeting.
		file, err := os.ReadFile(messyRoster)
		if err != nil {
			t.Fatal(err)
		}
		org := w.browser(t)
		org.signIn(w.organizer)
		org.confirmRoster(w.event.ID, file)

		b := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			b.shots = t.TempDir() // one set of screenshots
		}
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
	})
}
