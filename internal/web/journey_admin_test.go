package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestAdminJourney walks the administrator's pages in Chromium on each engine.
func TestAdminJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			b.shots = t.TempDir() // one set of screenshots
		}
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
