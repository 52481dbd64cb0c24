package web_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestRecordsReviewJourney walks the deciding side in Chromium on each engine: the organizer
// accepts a member's dispute from the inbox, and the administrator reads the review queue
// with its document and rejects an activity with a reason; the member then opens that
// activity, attaches a document to it, corrects it and withdraws it, confirming first.
func TestRecordsReviewJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		org := w.browser(t)
		org.signIn(w.organizer)
		org.confirmRoster(w.event.ID, []byte("abcp_id,S1\n104455,x\n"))
		m := w.browser(t)
		m.signIn(w.member)
		if res, body := m.post("/app/dispute", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "message": {"I stayed for Tuesday morning too."},
			"session": {w.event.Sessions[0].ID, w.event.Sessions[1].ID}}); res.StatusCode != 303 {
			t.Fatalf("file a dispute: %d\n%s", res.StatusCode, body)
		}
		if res, body := m.form("/app/activities", url.Values{"type": {"publication"}, "title": {"Priming volumes in neonates"},
			"date": {"2026-10-01"}, "ceus": {"2.5"}}, "evidence", "article.pdf", pdf); res.StatusCode != 303 {
			t.Fatalf("report an activity: %d\n%s", res.StatusCode, body)
		}

		b := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			b.shots = t.TempDir() // one set of screenshots
		}
		b.signIn(w.organizer, "Your events")
		b.step("open the disputes", chromedp.Click(chromedp.CSS(`nav a[href="/app/dispute-inbox"]`)))
		b.until("the inbox", heading("Disputes"))
		if got := b.text(`.dispute`); !strings.Contains(got, "Renée Roy · Fall Meeting") || !strings.Contains(got, "S1, Tue-AM") {
			t.Errorf("the inbox reads:\n%s", got)
		}
		b.check("dispute-inbox")
		b.step("reject without a reason", chromedp.Click(chromedp.CSS(`.dispute button[value="rejected"]`)))
		b.until("the reason asked for", present(`.error`))
		b.step("accept", chromedp.Click(chromedp.CSS(`.dispute button[value="accepted"]`)))
		b.until("decided", flash("The dispute is decided; the member is told."))
		if ds, _ := st.EventDisputes(t.Context(), w.event.ID); len(ds) != 1 || ds[0].Status != "accepted" {
			t.Errorf("after accepting: %+v", ds)
		}
		b.step("open the decided disputes", chromedp.Click(chromedp.CSS(`nav.tabs a[href$="tab=decided"]`)))
		b.until("the decided tab", `document.querySelector(".dispute") && document.querySelector(".dispute").textContent.includes("Accepted")`)
		b.check("dispute-decided")
		b.signOut()

		b.signIn(w.admin, "Members")
		b.step("open the review queue", chromedp.Click(chromedp.CSS(`nav a[href="/app/review"]`)))
		b.until("the queue", heading("Review queue"))
		if got := b.text(`.review`); !strings.Contains(got, "Priming volumes in neonates") || !strings.Contains(got, "document 1 (application/pdf") {
			t.Errorf("the queue reads:\n%s", got)
		}
		b.check("review-queue")
		b.step("reject with a reason",
			chromedp.SendKeys(chromedp.CSS(`.review input[name="reason"]`), "the article is not attached in full"),
			chromedp.Click(chromedp.CSS(`.review button[value="rejected"]`)))
		b.until("reviewed", flash("The activity is reviewed; the member is told."))
		list, _, _ := st.Activities(t.Context(), w.renee.ID, recert.Page{}, false)
		var rejected recert.Activity
		for _, a := range list {
			if a.Title == "Priming volumes in neonates" {
				rejected = a
			}
		}
		if rejected.ReviewStatus != recert.ReviewRejected || rejected.ReviewReason != "the article is not attached in full" {
			t.Errorf("after rejecting: %s %q", rejected.ReviewStatus, rejected.ReviewReason)
		}
		b.signOut()

		// The member attaches the full article to the rejected activity, corrects it (back to
		// review) and then withdraws it, confirming first.
		article := filepath.Join(t.TempDir(), "article.pdf")
		if err := os.WriteFile(article, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		b.signIn(w.member, "Your progress")
		b.step("open the activities", chromedp.Navigate(b.base+"/app/activities"))
		b.until("the activities page", heading("Your activities"))
		b.step("open the rejected activity", chromedp.Click(chromedp.CSS(`a[href="/app/activities/`+rejected.ID+`"]`)))
		b.until("the activity's page", heading("Priming volumes in neonates"))
		b.check("activity")
		b.step("attach the full article",
			chromedp.SetUploadFiles(chromedp.CSS(`#evidence`), []string{article}),
			chromedp.Click(chromedp.CSS(`form[action$="/evidence"] button`)))
		b.until("the document attached", flash("The document is attached; an administrator sees it when reviewing the activity."))
		if got := b.text(`ul[aria-labelledby="documents-title"]`); !strings.Contains(got, "Document 1") || !strings.Contains(got, "Document 2") {
			t.Errorf("the documents read:\n%s", got)
		}
		b.check("activity-document-attached")
		b.step("correct the CEUs and the citation",
			chromedp.Clear(chromedp.CSS(`#ceus`)), chromedp.SendKeys(chromedp.CSS(`#ceus`), "3"),
			chromedp.SendKeys(chromedp.CSS(`#citation`), "Roy R. Priming volumes in neonates. J Extra Corpor Technol. 2026;58:1-9."),
			chromedp.Click(chromedp.CSS(`form[action="/app/activities/`+rejected.ID+`"] button`)))
		b.until("the correction saved", flash("The activity is corrected; it counts while an administrator reviews it."))
		if a, _ := st.Activity(t.Context(), rejected.ID); a.CEUs != 300 || a.ReviewStatus != recert.ReviewPending || a.Citation == "" {
			t.Errorf("after correcting: %+v", a)
		}
		b.check("activity-corrected")
		b.step("ask to withdraw", chromedp.Click(chromedp.CSS(`details.confirm summary`)))
		b.until("the confirmation", `document.querySelector("details.confirm").open`)
		if got := b.text(`details.confirm`); !strings.Contains(got, "no longer counts toward your progress") {
			t.Errorf("the confirmation reads:\n%s", got)
		}
		b.check("activity-withdraw-confirm")
		b.step("withdraw", chromedp.Click(chromedp.CSS(`details.confirm button`)))
		b.until("withdrawn", flash("The activity is withdrawn: it no longer counts toward your progress, and stays on record."))
		if a, _ := st.Activity(t.Context(), rejected.ID); !a.Withdrawn {
			t.Error("the activity is not withdrawn")
		}
		b.check("activity-withdrawn")
	})
}
