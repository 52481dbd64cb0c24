package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestAdminJourney walks the administrator's pages in Chromium on each engine: member
// search, an organization and its organizer, a leave approval, an API client.
func TestAdminJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		// Renée asked for parental leave.
		leave, err := st.CreateLeave(context.Background(), recert.Leave{MemberID: w.renee.ID, Type: "parental",
			Start: recert.Date{Year: 2026, Month: 2, Day: 1}, End: recert.Date{Year: 2026, Month: 5, Day: 31}}, "usr_renee")
		if err != nil {
			t.Fatal(err)
		}
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
		// Nora, whose record a roster made: her page, and her invitation sent again.
		b.step("search Nora", chromedp.SetValue(chromedp.CSS(`#q`), "nora"), chromedp.Click(chromedp.CSS(`form.search button`)))
		b.until("Nora found", `document.querySelector("table a") && document.querySelector("table a").textContent === "Nora NoID"`)
		b.step("open Nora's record", chromedp.Click(chromedp.CSS(`table a`)))
		b.until("Nora's record", heading("Nora NoID"))
		b.check("member")
		b.step("send the invitation", chromedp.Click(chromedp.CSS(`form[action$="/invite"] button`)))
		b.until("the invitation sent", `document.querySelector("[role=status]") && document.querySelector("[role=status]").textContent.includes("nora@example.org")`)
		w.env.Outbox(t, "nora@example.org", 1)
		b.step("back to the members", chromedp.Click(chromedp.CSS(`nav a[href="/app/members"]`)))
		b.until("the members page", heading("Members"))

		// An organization, and its organizer's account.
		b.step("open the organizations", chromedp.Click(chromedp.CSS(`nav a[href="/app/organizations"]`)))
		b.until("the organizations", heading("Organizations"))
		if got := b.text(`table`); !strings.Contains(got, "Wisconsin Perfusion Society\tWPS\t\tOlive Organizer") {
			t.Errorf("the organizations read:\n%s", got)
		}
		b.step("register an organization",
			chromedp.SendKeys(chromedp.CSS(`#name`), "Texas Perfusion Society"),
			chromedp.SendKeys(chromedp.CSS(`#code`), "TPS"),
			chromedp.SendKeys(chromedp.CSS(`#contact_email`), "ce@tps.example.org"),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the organization", flash("The organization is created."))
		b.step("create its organizer",
			chromedp.SendKeys(chromedp.CSS(`#name`), "Tex Organizer"),
			chromedp.SendKeys(chromedp.CSS(`#email`), "tex@tps.example.org"),
			chromedp.SendKeys(chromedp.CSS(`#password`), "cardiopulmonary bypass 2026"),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the organizer", flash("The organizer's account is created."))
		if got := b.text(`table`); !strings.Contains(got, "Tex Organizer\ttex@tps.example.org\tactive") {
			t.Errorf("the organizers read:\n%s", got)
		}
		b.check("organization")
		b.step("back to the organizations", chromedp.Click(chromedp.CSS(`nav a[href="/app/organizations"]`)))
		b.until("the organizations", heading("Organizations"))
		b.check("organizations")

		// Renée's leave.
		b.step("open the leave requests", chromedp.Click(chromedp.CSS(`nav a[href="/app/leave"]`)))
		b.until("the leave requests", heading("Leave approvals"))
		if got := b.text(`table`); !strings.Contains(got, "Renée Roy\t104455\tparental\t2026-02-01\t2026-05-31") {
			t.Errorf("the leave requests read:\n%s", got)
		}
		b.check("leave")
		b.step("approve the leave", chromedp.Click(chromedp.CSS(`form.decide button[value="approve"]`)))
		b.until("the leave approved", flash("The leave is approved."))
		if got, err := st.LeavePeriod(context.Background(), leave.ID); err != nil || !got.Approved {
			t.Errorf("the leave after approving: %+v %v", got, err)
		}

		// An API client: its secret once, then revoked.
		b.step("open the API clients", chromedp.Click(chromedp.CSS(`nav a[href="/app/clients"]`)))
		b.until("the API clients", heading("API clients"))
		b.step("register a client",
			chromedp.SendKeys(chromedp.CSS(`#name`), "Roster sync"),
			chromedp.SetValue(chromedp.CSS(`#organization_id`), w.org.ID),
			chromedp.Click(chromedp.CSS(`#scope-events\:read`)),
			chromedp.Click(chromedp.CSS(`#scope-attendance\:write`)),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the secret", present(`.secret`))
		secret := b.eval(`document.querySelector("#secret").value`)
		id := b.text(`.secret code`)
		if !strings.HasPrefix(secret, "rcs_") {
			t.Errorf("the secret reads %q", secret)
		}
		_ = w.env.ClientToken(t, id, secret)
		if got := b.text(`table`); !strings.Contains(got, "Roster sync\t"+id+"\tWisconsin Perfusion Society\tevents:read, attendance:write") {
			t.Errorf("the clients read:\n%s", got)
		}
		b.check("clients")
		b.step("revoke the client", chromedp.Click(chromedp.CSS(`table form button`)))
		b.until("the client revoked", flash("The API client is revoked."))
		if got := b.text(`table`); !strings.Contains(got, "Roster sync\t"+id+"\tWisconsin Perfusion Society\tevents:read, attendance:write\tRevoked") {
			t.Errorf("the clients read:\n%s", got)
		}
	})
}
