package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestSharesPage: the profile links the share links page; the member makes a link there
// (its address shown once), a problem with the expiry is shown beside the field, the list
// counts the link's views, and the member revokes it; another member cannot.
func TestSharesPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.creditRenee(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		if _, body := b.get("/app/profile"); !strings.Contains(body, `href="/app/shares"`) {
			t.Fatalf("the profile does not link the share links:\n%s", body)
		}
		_, body := b.get("/app/shares")
		if !strings.Contains(body, "No links yet.") || !strings.Contains(body, `<option value="abcp-ccp-ceu"`) {
			t.Fatalf("the share links page:\n%s", body)
		}
		tooLate := time.Now().AddDate(2, 0, 0).Format(time.DateOnly)
		res, body := b.post("/app/shares", url.Values{"program_id": {"abcp-ccp-ceu"}, "label": {"for my employer"}, "expires_at": {tooLate}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="expires_at-problem"`) || !strings.Contains(body, "at most a year ahead") ||
			!strings.Contains(body, `value="for my employer"`) {
			t.Fatalf("an expiry two years ahead: %d\n%s", res.StatusCode, body)
		}
		res, body = b.post("/app/shares", url.Values{"program_id": {"abcp-ccp-ceu"}, "label": {"for my employer"}})
		address := regexpFind(t, body, `<input id="new_url" readonly value="([^"]+)">`)
		if res.StatusCode != http.StatusOK || !strings.Contains(address, "/share/rsh_") || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("make a link: %d\n%s", res.StatusCode, body)
		}
		path := address[strings.Index(address, "/share/"):]
		if res, page := b.get(path); res.StatusCode != http.StatusOK || !strings.Contains(page, "Renée Roy") || !strings.Contains(page, "Sponsor-verified") {
			t.Fatalf("the shared page: %d\n%s", res.StatusCode, page)
		}
		_, body = b.get("/app/shares")
		if !strings.Contains(body, "<td>for my employer</td>") || strings.Contains(body, address) || !strings.Contains(body, `<td class="num">1</td>`) || strings.Contains(body, ">never<") {
			t.Errorf("the list after one view (the address is never listed):\n%s", body)
		}
		links, err := st.ShareLinks(t.Context(), w.renee.ID)
		if err != nil || len(links) != 1 {
			t.Fatalf("links: %+v %v", links, err)
		}
		revoke := "/app/shares/" + links[0].ID + "/revoke"

		other, err := st.CreateMember(t.Context(), recert.Member{Name: "Olga Other", Email: "olive.other@example.org"}, w.org.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		w.env.CreateUser(t, recert.User{Email: "olive.other@example.org", Name: "Olga Other", Role: recert.RoleMember, MemberID: other.ID})
		stranger := w.browser(t)
		stranger.signIn("olive.other@example.org")
		if res, _ := stranger.post(revoke, url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another member revoking my link: %d", res.StatusCode)
		}
		if _, body := stranger.get("/app/shares"); strings.Contains(body, "<td>for my employer</td>") {
			t.Errorf("another member lists my link:\n%s", body)
		}

		if res, _ := b.post(revoke, url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		if _, body := b.get("/app/shares?done=share-revoked"); !strings.Contains(body, "The link is revoked") || !strings.Contains(body, "revoked</td>") {
			t.Errorf("after revoking:\n%s", body)
		}
	})
}

// TestShareJourney walks it in Chromium: from the profile to the share links page, a link
// made, the shared page as its reader sees it (at 375 px too), and the page once revoked.
func TestShareJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		w.creditRenee(t, st)
		b := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			b.shots = t.TempDir() // one set of screenshots
		}
		b.signIn(w.member, "Your progress")
		b.step("open the profile", chromedp.Navigate(b.base+"/app/profile"))
		b.step("open the share links", chromedp.Click(chromedp.CSS(`main a[href="/app/shares"]`)))
		b.until("the share links page", heading("Share your record"))
		b.check("shares")
		b.step("make a link", chromedp.SendKeys(chromedp.CSS(`#label`), "for my employer"), chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the new link", present(`#new_url`))
		address, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](present(`#new_url`)+`.value`))
		if err != nil || !strings.Contains(address, "/share/rsh_") {
			t.Fatalf("the new link: %q %v", address, err)
		}
		path := address[strings.Index(address, "/share/"):] // the service's public URL is not the test's
		b.check("shares-made")
		b.step("open the shared page", chromedp.Navigate(b.base+path))
		b.until("the shared page", heading("Renée Roy"))
		b.check("shared-record")
		b.step("narrow", chromedp.EmulateViewport(375, 800))
		b.shot("shared-record-375")
		b.step("wide", chromedp.EmulateViewport(1280, 900))
		b.step("back to the links", chromedp.Navigate(b.base+"/app/shares"))
		b.step("revoke", chromedp.Click(chromedp.CSS(`table button`)))
		b.until("revoked", flash("The link is revoked: it no longer opens your record."))
		b.step("open the revoked link", chromedp.Navigate(b.base+path))
		b.until("the gone page", heading("This link no longer works"))
		b.check("share-gone")
	})
}
