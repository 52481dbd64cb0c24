package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// pdf is the smallest document the evidence rules take for a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// bearer signs an API call in as email.
func (w *world) bearer(t testing.TB, email string) api.RequestEditorFn {
	token := w.env.Login(t, email)
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// invite creates a member of the world's organization and invites them through the API, as
// its organizer; it returns the member and the token of the e-mailed claim link.
func (w *world) invite(t testing.TB, name, email string) (recert.Member, string) {
	t.Helper()
	m, err := w.env.Store.CreateMember(context.Background(), recert.Member{Name: name, Email: email, ABCPID: "208866",
		ABCPCycle: 2, CertificationDate: recert.Date{Year: 2020, Month: 9, Day: 1}, Status: "active"}, w.org.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.env.Client.CreateClaimTokenWithResponse(context.Background(), m.ID, api.ClaimInvitationInput{}, w.bearer(t, w.organizer))
	if err != nil || res.StatusCode() != http.StatusAccepted {
		t.Fatalf("invite %s: %v %s", email, err, res.Body)
	}
	return m, apitest.Link(t, w.env.Outbox(t, email, 1)[0], "/app/claim?token=")
}

// form posts a multipart form with an optional file.
func (b *browser) form(path string, fields url.Values, fileField, fileName string, file []byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, set := fields["csrf_token"]; !set {
		_ = mw.WriteField("csrf_token", b.csrf())
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func says(t *testing.T, what string, res *http.Response, body string, status int, text string) {
	t.Helper()
	if res.StatusCode != status || !strings.Contains(html.UnescapeString(body), text) {
		t.Errorf("%s: %d, want %d saying %q\n%.3000s", what, res.StatusCode, status, text, body)
	}
}

func TestClaimAndResetPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		_, token := w.invite(t, "Jo Doe", "jo@example.org")
		b := w.browser(t)

		res, body := b.get("/app/claim?token=rcc_nosuchtoken")
		says(t, "a bad claim link", res, body, 400, "the claim token is invalid, used or expired")
		if strings.Contains(body, `name="password"`) {
			t.Error("a bad claim link offers the form")
		}
		res, body = b.get("/app/claim?token=" + url.QueryEscape(token))
		says(t, "the claim page", res, body, 200, "Create my login")
		if res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("the claim page's Referrer-Policy is %q", res.Header.Get("Referrer-Policy"))
		}
		claim := func(b *browser, form url.Values) (*http.Response, string) {
			form.Set("token", token)
			form.Set("email", "jo@example.org")
			return b.post("/app/claim", form)
		}
		res, body = claim(b, url.Values{"password": {"correct horse battery staple"}, "csrf_token": {"forged"}})
		says(t, "a claim without the CSRF value", res, body, 403, "did not come from this site")
		res, body = claim(b, url.Values{"password": {"short"}})
		says(t, "a weak password", res, body, 400, "the password does not meet the policy")
		if _, _, err := st.UserByEmail(ctx, "jo@example.org"); recert.ErrorCode(err) != recert.ENOTFOUND {
			t.Fatalf("a refused claim made a login: %v", err)
		}
		res, _ = claim(b, url.Values{"password": {apitest.Password}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/dashboard?done=claimed" {
			t.Fatalf("claim: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = b.get("/app/dashboard")
		says(t, "the dashboard after claiming", res, body, 200, "Your progress")
		res, body = claim(w.browser(t), url.Values{"password": {apitest.Password}})
		says(t, "a second claim with the same link", res, body, 400, "the claim token is invalid, used or expired")

		// The reset link e-mailed through the API.
		if r, err := w.env.Client.RequestPasswordResetWithResponse(ctx, api.PasswordResetRequest{Email: "jo@example.org"}); err != nil || r.StatusCode() != 202 {
			t.Fatalf("ask for a reset: %v", err)
		}
		mails := w.env.Outbox(t, "jo@example.org", 2)
		reset := ""
		for _, m := range mails {
			if strings.Contains(m.Text, "/app/reset?token=") {
				reset = apitest.Link(t, m, "/app/reset?token=")
			}
		}
		r := w.browser(t)
		res, body = r.get("/app/reset?token=" + url.QueryEscape(reset))
		says(t, "the reset page", res, body, 200, "Set my password")
		res, body = r.post("/app/reset", url.Values{"token": {"rcp_nosuchtoken"}, "password": {"a fresh and long passphrase"}})
		says(t, "a bad reset token", res, body, 400, "the reset token is invalid, used or expired")
		res, body = r.post("/app/reset", url.Values{"token": {reset}, "password": {"short"}})
		says(t, "a weak new password", res, body, 400, "the password does not meet the policy")
		res, _ = r.post("/app/reset", url.Values{"token": {reset}, "password": {"a fresh and long passphrase"}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=password-set") {
			t.Fatalf("reset: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, _ = r.post("/app/sign-in", url.Values{"email": {"jo@example.org"}, "password": {"a fresh and long passphrase"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign in with the new password: %d", res.StatusCode)
		}
	})
}

func activityCount(t *testing.T, st *store.Store, memberID string) int {
	t.Helper()
	list, _, err := st.Activities(context.Background(), memberID, recert.Page{}, false)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// activityTitled is the member's activity with the title, as a list of one.
func activityTitled(t *testing.T, st *store.Store, memberID, title string) []recert.Activity {
	t.Helper()
	all, _, err := st.Activities(context.Background(), memberID, recert.Page{}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.Title == title {
			return []recert.Activity{a}
		}
	}
	return nil
}

func TestActivityAndClinicalPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		b := w.browser(t)
		b.signIn(w.member)
		res, body := b.get("/app/activities")
		says(t, "the activities page", res, body, 200, "Case report on circuit priming")
		before := activityCount(t, st, w.renee.ID)
		good := url.Values{"type": {"publication"}, "title": {"Priming volumes in neonates"}, "date": {"2026-10-01"}, "ceus": {"2.5"},
			"citation": {"Roy R. Priming volumes. J Extra Corpor Technol. 2026;58:1-9."}}
		cases := []struct {
			name   string
			fields url.Values
			file   []byte
			says   string
		}{
			{"no title", url.Values{"type": {"publication"}, "date": {"2026-10-01"}, "ceus": {"1"}}, pdf, "give a title"},
			{"no amount", url.Values{"type": {"publication"}, "title": {"x"}, "date": {"2026-10-01"}}, pdf, "give the CEUs claimed or the minutes spent"},
			{"a bad date", url.Values{"type": {"publication"}, "title": {"x"}, "date": {"yesterday"}, "ceus": {"1"}}, pdf, "a date such as"},
			{"an unknown kind", url.Values{"type": {"karaoke"}, "title": {"x"}, "date": {"2026-10-01"}, "ceus": {"1"}}, pdf, "choose the kind of activity"},
			{"an SDCE module without its score", url.Values{"type": {"sdce"}, "title": {"x"}, "date": {"2026-10-01"}, "ceus": {"1"}}, pdf, "post-test score of at least 80"},
			{"a document that is not a PDF", good, []byte("just some text"), "not a PDF, JPEG or PNG document"},
		}
		for _, c := range cases {
			res, body := b.form("/app/activities", c.fields, "evidence", "doc.pdf", c.file)
			says(t, c.name, res, body, 400, c.says)
			if !strings.Contains(body, `id="title"`) {
				t.Errorf("%s: the form is not shown again", c.name)
			}
		}
		big := append(append([]byte{}, pdf...), make([]byte, 10<<20)...)
		res, body = b.form("/app/activities", good, "evidence", "huge.pdf", big)
		says(t, "a document over 10 MB", res, body, 400, "larger than 10 MB")
		if n := activityCount(t, st, w.renee.ID); n != before {
			t.Fatalf("bad input stored %d activities", n-before)
		}
		res, body = b.form("/app/activities", url.Values{"type": {"publication"}, "title": {"x"}, "date": {"2026-10-01"}, "ceus": {"1"}, "csrf_token": {"forged"}}, "evidence", "a.pdf", pdf)
		says(t, "a forged form", res, body, 403, "did not come from this site")

		res, _ = b.form("/app/activities", good, "evidence", "article.pdf", pdf)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("report an activity: %d", res.StatusCode)
		}
		list := activityTitled(t, st, w.renee.ID, "Priming volumes in neonates")
		if len(list) != 1 || list[0].Title != "Priming volumes in neonates" || list[0].CEUs != 250 || list[0].DocumentationStatus != "attached" ||
			list[0].ReviewStatus != recert.ReviewPending {
			t.Fatalf("the reported activity: %+v", list)
		}
		_, body = b.get("/app/activities")
		link := regexp.MustCompile(`href="(/app/activities/evidence/[^"]+)"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no document link:\n%s", body)
		}
		if res, doc := b.get(link[1]); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || doc != string(pdf) {
			t.Errorf("download the document: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		// Another member sees neither the document nor the activity.
		other, otherToken := w.invite(t, "Jo Doe", "jo@example.org")
		o := w.browser(t)
		if res, _ := o.post("/app/claim", url.Values{"token": {otherToken}, "email": {"jo@example.org"}, "password": {apitest.Password}}); res.StatusCode != http.StatusSeeOther {
			t.Fatal("Jo cannot claim")
		}
		if res, _ := o.get(link[1]); res.StatusCode != http.StatusNotFound {
			t.Errorf("another member downloading the document: %d", res.StatusCode)
		}
		if _, body := o.get("/app/activities"); strings.Contains(body, "Priming volumes") {
			t.Error("another member sees the activity")
		}
		// An organizer has no member pages.
		org := w.browser(t)
		org.signIn(w.organizer)
		if res, _ := org.get("/app/activities"); res.StatusCode != http.StatusNotFound {
			t.Errorf("organizer on the activities page: %d", res.StatusCode)
		}

		// The clinical log: several lines at once, all or none.
		entries := func() int {
			es, err := st.ClinicalEntries(ctx, w.renee.ID, recert.Date{}, recert.Date{})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		res, body = b.get("/app/clinical")
		says(t, "the clinical page", res, body, 200, "Log the cases")
		res, body = b.post("/app/clinical", url.Values{"date0": {"2026-09-01"}, "type0": {"bypass_primary"}, "role0": {"primary"},
			"date3": {"2026-09-02"}, "type3": {"ecmo"}, "role3": {"wizard"}})
		says(t, "a line with a bad role", res, body, 400, `Line 4 role</a>: primary or secondary`)
		res, body = b.post("/app/clinical", url.Values{"date0": {"2026-09-01"}, "type0": {"bypass_primary"}, "role0": {"primary"}, "count0": {"500"}})
		says(t, "too many shifts", res, body, 400, "from 1 to 100")
		res, body = b.post("/app/clinical", url.Values{})
		says(t, "an empty form", res, body, 400, "fill in at least one line")
		if n := entries(); n != 0 {
			t.Fatalf("bad lines logged %d cases", n)
		}
		res, _ = b.post("/app/clinical", url.Values{"date0": {"2026-09-01"}, "type0": {"bypass_primary"}, "role0": {"primary"}, "ref0": {"CASE-1"},
			"date2": {"2026-09-03"}, "type2": {"ecmo"}, "role2": {"secondary"}, "count2": {"3"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("log two cases: %d", res.StatusCode)
		}
		if n := entries(); n != 2 {
			t.Errorf("logged %d cases, want 2", n)
		}
		if _, body := b.get("/app/clinical"); !strings.Contains(body, "ECMO (shifts)") {
			t.Error("the log does not list the ECMO run")
		}
		if es, _ := st.ClinicalEntries(ctx, other.ID, recert.Date{}, recert.Date{}); len(es) != 0 {
			t.Error("another member's log changed")
		}
	})
}

// futureEvent publishes an event of the world's organization after today, for the catalogue.
func (w *world) futureEvent(t testing.TB, title string, draft bool) recert.Event {
	t.Helper()
	ctx := context.Background()
	d := recert.Date{Year: 2027, Month: 2, Day: 10}
	e, err := w.env.Store.CreateEvent(ctx, recert.Event{OrganizationID: w.org.ID, Title: title, Format: "in_person", TimeZone: "America/Chicago",
		StartDate: d, EndDate: d, Category: "I", Sessions: []recert.Session{{Title: "Morning", Date: d, CEUs: 300}, {Title: "Afternoon", Date: d, CEUs: 200}}}, "test")
	if err == nil && !draft {
		e, err = w.env.Store.SetEventStatus(ctx, e.ID, recert.EventPublished, "test")
	}
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestDisputeCatalogueReportAndReminderPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		org := w.browser(t)
		org.signIn(w.organizer)
		org.confirmRoster(w.event.ID, []byte("abcp_id,S1\n104455,x\n"))
		b := w.browser(t)
		b.signIn(w.member)

		_, body := b.get("/app/credits")
		if !strings.Contains(body, `href="/app/dispute?event=`+w.event.ID+`"`) {
			t.Fatalf("no dispute link on the credits:\n%s", body)
		}
		res, body := b.get("/app/dispute?event=" + w.event.ID)
		says(t, "the dispute form", res, body, 200, "Your attendance is posted")
		if !regexp.MustCompile(`value="wrong" checked`).MatchString(body) {
			t.Error("a posted attendance is not disputed as wrong by default")
		}
		s1, s2 := w.event.Sessions[0].ID, w.event.Sessions[1].ID
		bad := []struct {
			name string
			form url.Values
			says string
		}{
			{"no message", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "session": {s1, s2}}, "say what happened"},
			{"missing while posted", url.Values{"event": {w.event.ID}, "kind": {"missing"}, "message": {"x"}}, "dispute it as wrong"},
			{"wrong without sessions", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "message": {"x"}}, "say which sessions you attended"},
			{"another event's session", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "message": {"x"}, "session": {"ses_other"}}, "not a session of this event"},
		}
		for _, c := range bad {
			res, body := b.post("/app/dispute", c.form)
			says(t, c.name, res, body, 400, c.says)
		}
		if ds, _ := st.EventDisputes(ctx, w.event.ID); len(ds) != 0 {
			t.Fatalf("bad disputes were filed: %d", len(ds))
		}
		draft := w.futureEvent(t, "Draft Symposium", true)
		if res, _ := b.get("/app/dispute?event=" + draft.ID); res.StatusCode != http.StatusNotFound {
			t.Errorf("dispute form of a draft event: %d", res.StatusCode)
		}
		res, _ = b.post("/app/dispute", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "message": {"I stayed for Tuesday morning too."}, "session": {s1, s2}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=disputed") {
			t.Fatalf("file a dispute: %d", res.StatusCode)
		}
		if ds, _ := st.EventDisputes(ctx, w.event.ID); len(ds) != 1 || ds[0].Kind != "wrong" || len(ds[0].SessionIDs) != 2 || ds[0].MemberID != w.renee.ID {
			t.Errorf("the filed dispute: %+v", ds)
		}
		if _, body := b.get("/app/credits"); !strings.Contains(body, "<td>Fall Meeting</td><td>wrong</td><td>awaiting the organizer</td>") {
			t.Errorf("the credits page does not list the dispute:\n%s", body)
		}

		// The catalogue and what-if.
		future := w.futureEvent(t, "Winter Symposium", false)
		res, body = b.get("/app/catalogue")
		says(t, "the catalogue", res, body, 200, "Winter Symposium")
		if strings.Contains(body, "Draft Symposium") {
			t.Error("the catalogue lists a draft")
		}
		res, body = b.get("/app/catalogue/" + future.ID)
		says(t, "what-if", res, body, 200, "If I attend Winter Symposium")
		if !strings.Contains(html.UnescapeString(body), "CEUs counted") {
			t.Errorf("what-if says no change in CEUs:\n%s", body)
		}
		res, body = b.get("/app/catalogue?past=1")
		says(t, "the past events", res, body, 200, "I attended Fall Meeting: dispute")
		if strings.Contains(body, "Winter Symposium") {
			t.Error("the past events list an event to come")
		}
		if res, _ := b.get("/app/catalogue/" + draft.ID); res.StatusCode != http.StatusNotFound {
			t.Errorf("what-if of a draft: %d", res.StatusCode)
		}

		// The filing report, as a page and as the API's CSV.
		res, body = b.get("/app/report")
		says(t, "the report", res, body, 200, "Filing report")
		if !strings.Contains(body, "Cannulation") {
			t.Errorf("the report does not list the credit:\n%s", body)
		}
		res, csv := b.get("/app/report.csv")
		if res.StatusCode != 200 || !strings.HasPrefix(csv, "program,date,kind") || !strings.Contains(csv, "Cannulation") {
			t.Errorf("report CSV: %d %.300q", res.StatusCode, csv)
		}

		// Reminder preferences.
		u, _, _ := st.UserByEmail(ctx, w.member)
		for _, on := range []bool{false, true} {
			form := url.Values{}
			if on {
				form.Set("deadline_reminders", "on")
			}
			if res, _ := b.post("/app/preferences", form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save preferences: %d", res.StatusCode)
			}
			if got, _ := st.DeadlineReminders(ctx, u.ID); got != on {
				t.Errorf("reminders %v after saving %v", got, on)
			}
		}
		_, body = b.get("/app/preferences")
		if !strings.Contains(body, "checked") {
			t.Error("the preferences page does not show reminders on")
		}
	})
}

func TestDisputeInboxAndReviewQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		org := w.browser(t)
		org.signIn(w.organizer)
		org.confirmRoster(w.event.ID, []byte("abcp_id,S1\n104455,x\n"))
		b := w.browser(t)
		b.signIn(w.member)
		s1, s2 := w.event.Sessions[0].ID, w.event.Sessions[1].ID
		if res, _ := b.post("/app/dispute", url.Values{"event": {w.event.ID}, "kind": {"wrong"}, "message": {"Tuesday morning too."}, "session": {s1, s2}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("file a dispute: %d", res.StatusCode)
		}
		ds, _ := st.EventDisputes(ctx, w.event.ID)

		res, body := org.get("/app/dispute-inbox")
		says(t, "the inbox", res, body, 200, "Renée Roy · Fall Meeting")
		if !strings.Contains(body, "Tuesday morning too.") || !strings.Contains(body, "S1, Tue-AM") {
			t.Errorf("the inbox does not say what was asked:\n%s", body)
		}
		// Another organization's organizer sees nothing and decides nothing.
		w.env.CreateUser(t, recert.User{Email: "other@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.otherOrg.ID}})
		o := w.browser(t)
		o.signIn("other@example.org")
		if _, body := o.get("/app/dispute-inbox"); strings.Contains(body, "Renée") || !strings.Contains(body, "No open disputes") {
			t.Errorf("another organizer's inbox:\n%s", body)
		}
		if res, _ := o.post("/app/dispute-inbox/"+ds[0].ID, url.Values{"decision": {"accepted"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another organizer deciding: %d", res.StatusCode)
		}
		if res, _ := b.get("/app/dispute-inbox"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a member on the inbox: %d", res.StatusCode)
		}
		res, body = org.post("/app/dispute-inbox/"+ds[0].ID, url.Values{"decision": {"rejected"}, "reason": {" "}})
		says(t, "a rejection without a reason", res, body, 400, "a rejection needs a reason")
		res, body = org.post("/app/dispute-inbox/"+ds[0].ID, url.Values{"decision": {"maybe"}})
		says(t, "no decision", res, body, 400, "accept or reject")
		if d, _ := st.Dispute(ctx, ds[0].ID); d.Status != "open" {
			t.Fatalf("bad decisions changed the dispute: %s", d.Status)
		}
		res, _ = org.post("/app/dispute-inbox/"+ds[0].ID, url.Values{"decision": {"accepted"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		d, _ := st.Dispute(ctx, ds[0].ID)
		a, _ := st.Attendance(ctx, d.AttendanceID)
		if d.Status != "accepted" || len(a.Sessions) != 2 {
			t.Errorf("after accepting: %s, %d sessions", d.Status, len(a.Sessions))
		}
		res, body = org.post("/app/dispute-inbox/"+ds[0].ID, url.Values{"decision": {"rejected"}, "reason": {"x"}})
		says(t, "deciding twice", res, body, 400, "already accepted")
		w.env.Outbox(t, w.member, 1) // the member is told of the decision
		// The decided dispute leaves the open ones for the "Decided" tab, with its decision.
		if _, body := org.get("/app/dispute-inbox"); strings.Contains(body, "Tuesday morning too.") {
			t.Errorf("a decided dispute is still open in the inbox:\n%s", body)
		}
		res, body = org.get("/app/dispute-inbox?tab=decided")
		says(t, "the decided tab", res, body, 200, "Accepted</strong> on")
		if !strings.Contains(body, "Tuesday morning too.") {
			t.Errorf("the decided tab does not show the dispute:\n%s", body)
		}
		if _, body := o.get("/app/dispute-inbox?tab=decided"); strings.Contains(body, "Renée") {
			t.Errorf("another organizer's decided tab:\n%s", body)
		}

		// The review queue: Renée reports an activity with its certificate.
		res, _ = b.form("/app/activities", url.Values{"type": {"presentation"}, "title": {"Talk on cannulation"}, "date": {"2026-10-05"}, "ceus": {"3"}},
			"evidence", "agenda.pdf", pdf)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("report: %d", res.StatusCode)
		}
		list := activityTitled(t, st, w.renee.ID, "Talk on cannulation")
		admin := w.browser(t)
		admin.signIn(w.admin)
		res, body = admin.get("/app/review")
		says(t, "the review queue", res, body, 200, "Talk on cannulation")
		if strings.Contains(body, "Case report on circuit priming") {
			t.Error("the queue lists a rejected activity")
		}
		link := regexp.MustCompile(`href="(/app/review/evidence/[^"]+)"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no document in the queue:\n%s", body)
		}
		if res, doc := admin.get(link[1]); res.StatusCode != 200 || doc != string(pdf) {
			t.Errorf("the administrator downloads the document: %d", res.StatusCode)
		}
		for who, c := range map[string]*browser{"organizer": org, "member": b} {
			if res, _ := c.get("/app/review"); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s on the review queue: %d", who, res.StatusCode)
			}
			if res, _ := c.post("/app/review/"+list[0].ID, url.Values{"decision": {"verified"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s reviewing: %d", who, res.StatusCode)
			}
		}
		res, body = admin.post("/app/review/"+list[0].ID, url.Values{"decision": {"rejected"}})
		says(t, "a rejection without a reason", res, body, 400, "a rejection needs a reason")
		if res, _ := admin.post("/app/review/act_nosuchactivity", url.Values{"decision": {"verified"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("reviewing an unknown activity: %d", res.StatusCode)
		}
		if got, _ := st.Activity(ctx, list[0].ID); got.ReviewStatus != recert.ReviewPending {
			t.Fatalf("a bad review changed the activity: %s", got.ReviewStatus)
		}
		res, _ = admin.post("/app/review/"+list[0].ID, url.Values{"decision": {"verified"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("verify: %d", res.StatusCode)
		}
		if got, _ := st.Activity(ctx, list[0].ID); got.ReviewStatus != recert.ReviewVerified {
			t.Errorf("after verifying: %s", got.ReviewStatus)
		}
		if _, body := admin.get("/app/review"); strings.Contains(body, "Talk on cannulation") {
			t.Error("a reviewed activity stays in the queue")
		}
		w.env.Outbox(t, w.member, 2) // and of the review
	})
}
