package web_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// TestMemberJourney walks the member's journey in Chromium on each engine: claim the record
// from the e-mailed link, land on the dashboard, report an activity with its PDF, log cases,
// dispute a credit, look at an event in the catalogue, the report and the reminders; then, as
// Renée, read the progress card and what did not count, and open the credits.
func TestMemberJourney(t *testing.T) {
	axe := need(t)
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		// Jo is invited; the organizer posts the messy roster, which credits Renée at the
		// Fall Meeting, and a roster crediting Jo.
		jo, token := w.invite(t, "Jo Doe", "jo@example.org")
		// As a roster leaves a member it creates: no ABCP cycle on record.
		if _, err := st.UpdateMember(t.Context(), jo.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle = 0
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(messyRoster)
		if err != nil {
			t.Fatal(err)
		}
		org := w.browser(t)
		org.signIn(w.organizer)
		org.confirmRoster(w.event.ID, file)
		org.confirmRoster(w.event.ID, []byte("abcp_id,S1\n208866,x\n"))
		future := w.futureEvent(t, "Winter Symposium", false)
		certificate := filepath.Join(t.TempDir(), "certificate.pdf")
		if err := os.WriteFile(certificate, pdf, 0o600); err != nil {
			t.Fatal(err)
		}

		b := newTab(t, w.env.URL, axe)
		if st.Engine() != store.SQLite {
			b.shots = t.TempDir() // one set of screenshots
		}
		// Jo claims the record from the link in the invitation.
		b.step("open the claim link", chromedp.Navigate(b.base+"/app/claim?token="+token))
		b.until("the claim form", present(`#password`))
		b.check("claim")
		b.step("claim the record",
			chromedp.SendKeys(chromedp.CSS(`#email`), "jo@example.org"),
			chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse battery staple"),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the dashboard", heading("Your progress"))
		if got := b.text(`.flash`); !strings.Contains(got, "your login is ready") {
			t.Errorf("the dashboard after claiming says %q", got)
		}
		// Jo's record came without an ABCP cycle: the CEU card asks for it; Jo enters it on the
		// profile, and the card is evaluated.
		if card := b.text(`.card`); !strings.Contains(card, "enter it on your profile") {
			t.Errorf("without a cycle, the ABCP card reads:\n%s", card)
		}
		b.step("open the profile", chromedp.Click(chromedp.CSS(`nav a[href="/app/profile"]`)))
		b.until("the profile", heading("Your profile"))
		b.check("profile")
		b.step("enter the ABCP cycle", chromedp.SetValue(chromedp.CSS(`#abcp_cycle`), "2"), chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the profile saved", flash("Your profile is saved."))
		b.step("open the progress", chromedp.Navigate(b.base+"/app/dashboard"))
		b.until("the progress", heading("Your progress"))
		if card := b.text(`.card`); !strings.Contains(card, "Deadline:") {
			t.Errorf("with the cycle entered, the ABCP card reads:\n%s", card)
		}

		// An activity with its certificate.
		b.step("open the activities", chromedp.Click(chromedp.CSS(`nav a[href="/app/activities"]`)))
		b.until("the activities page", heading("Your activities"))
		b.check("activities")
		b.step("report a presentation",
			chromedp.SetValue(chromedp.CSS(`#type`), "presentation"),
			chromedp.SendKeys(chromedp.CSS(`#title`), "Talk on neonatal priming"),
			chromedp.SetValue(chromedp.CSS(`#date`), "2026-10-05"),
			chromedp.SendKeys(chromedp.CSS(`#ceus`), "2"),
			chromedp.SetUploadFiles(chromedp.CSS(`#evidence`), []string{certificate}),
			chromedp.Click(chromedp.CSS(`form.upload button`)))
		b.until("the activity recorded", flash("The activity is recorded; an administrator reviews it."))
		if got := b.text(`table`); !strings.Contains(got, "Talk on neonatal priming") || !strings.Contains(got, "document 1") {
			t.Errorf("the activities read:\n%s", got)
		}

		// Two cases at once.
		b.step("open the clinical log", chromedp.Click(chromedp.CSS(`nav a[href="/app/clinical"]`)))
		b.until("the clinical page", heading("Your clinical log"))
		b.check("clinical")
		b.step("log two cases",
			chromedp.SetValue(chromedp.CSS(`input[name="date0"]`), "2026-09-01"),
			chromedp.SetValue(chromedp.CSS(`input[name="date1"]`), "2026-09-02"),
			chromedp.SetValue(chromedp.CSS(`select[name="type1"]`), "ecmo"),
			chromedp.SendKeys(chromedp.CSS(`input[name="count1"]`), "2"),
			chromedp.Click(chromedp.CSS(`#main form button`)))
		b.until("the cases logged", flash("The cases are logged."))

		// A dispute from the credit's row.
		b.step("open the credits", chromedp.Click(chromedp.CSS(`nav a[href="/app/credits"]`)))
		b.until("the credits page", heading("Your credits"))
		b.step("dispute the credit", chromedp.Click(chromedp.CSS(`td a[href^="/app/dispute"]`)))
		b.until("the dispute form", heading("Dispute a credit"))
		b.check("dispute")
		b.step("file the dispute",
			chromedp.Click(chromedp.CSS(`input[name="session"][value="`+w.event.Sessions[1].ID+`"]`)),
			chromedp.SendKeys(chromedp.CSS(`#message`), "I stayed for Tuesday morning too."),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the dispute filed", flash("Your dispute is filed; the event's organizer decides it."))

		// What attending an event would change.
		b.step("open the catalogue", chromedp.Click(chromedp.CSS(`nav a[href="/app/catalogue"]`)))
		b.until("the catalogue", heading("Event catalogue"))
		b.check("catalogue")
		b.step("ask what if", chromedp.Click(chromedp.CSS(`a[href="/app/catalogue/`+future.ID+`"]`)))
		b.until("what-if", heading("If I attend Winter Symposium"))
		b.check("what-if")

		b.step("open the report", chromedp.Click(chromedp.CSS(`nav a[href="/app/report"]`)))
		b.until("the report", heading("Filing report"))
		if got := b.text(`#main`); !strings.Contains(got, "Cannulation") {
			t.Errorf("the report reads:\n%s", got)
		}
		b.check("report")
		b.step("open the profile again", chromedp.Click(chromedp.CSS(`nav a[href="/app/profile"]`)))
		b.until("the profile again", heading("Your profile"))
		b.step("open the reminders", chromedp.Click(chromedp.CSS(`a[href="/app/preferences"]`)))
		b.until("the reminders", heading("Reminders"))
		b.step("save the reminders", chromedp.Click(chromedp.CSS(`#deadline_reminders`)), chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("saved", flash("Your preferences are saved."))
		b.check("reminders")
		b.signOut()

		// Renée: her credits from the roster show on her card.
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

		// The credit's certificate: a PDF whose QR code opens the public verification page.
		href := b.eval(`document.querySelector('a[href$="/certificate.pdf"]').href`)
		res, pdf := b.download(href)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("the certificate: %d %q %.20q", res.StatusCode, res.Header.Get("Content-Type"), pdf)
		}
		if text := strings.Join(strings.Fields(rendertest.Text(t, []byte(pdf))), " "); !strings.Contains(text, "Renée Roy") || !strings.Contains(text, "Fall Meeting") {
			t.Errorf("the certificate reads:\n%s", text)
		}
		// The code holds the public address (the test's public URL is not the test server's).
		codes := rendertest.QRCodes(t, []byte(pdf))
		if len(codes) != 1 || !strings.Contains(codes[0], "/verify/crd_") {
			t.Fatalf("the certificate's QR codes: %v", codes)
		}
		b.step("open the verification page", chromedp.Navigate(w.env.URL+codes[0][strings.Index(codes[0], "/verify/"):]))
		b.until("the verification page", `document.body && document.body.innerText.includes("Renée Roy")`)
		b.check("verify")
		b.step("back to the credits", chromedp.Navigate(b.base+"/app/credits"))
		b.until("the credits page", heading("Your credits"))

		// Renée forgot her password: from the sign-in page to a new one.
		b.signOut()
		b.step("ask for a reset link", chromedp.Click(chromedp.CSS(`a[href="/app/forgot"]`)))
		b.until("the reset request form", heading("Reset your password"))
		b.check("forgot")
		b.step("send the link", chromedp.SendKeys(chromedp.CSS(`#email`), w.member), chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the link sent", `document.querySelector("[role=status]")`)
		b.check("forgot-sent")
		reset := apitest.Link(t, w.env.Outbox(t, w.member, 1)[0], "/app/reset?token=")
		b.step("open the reset link", chromedp.Navigate(b.base+"/app/reset?token="+url.QueryEscape(reset)))
		b.until("the new password form", present(`#password`))
		b.check("reset")
		b.step("set a new password", chromedp.SendKeys(chromedp.CSS(`#password`), "a new passphrase for Renée 7"),
			chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the password set", flash("Your new password is set. Sign in with it."))
		b.step("sign in with it", chromedp.SendKeys(chromedp.CSS(`#email`), w.member),
			chromedp.SendKeys(chromedp.CSS(`#password`), "a new passphrase for Renée 7"), chromedp.Click(chromedp.CSS(`form.narrow button`)))
		b.until("the dashboard again", heading("Your progress"))
	})
}
