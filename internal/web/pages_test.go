package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// messyRoster is the API's messy spreadsheet fixture: a grid of session marks with a BOM,
// odd cases and spaces, a duplicate, a typo, a member of another organization and bad marks.
const messyRoster = "../httpapi/testdata/messy-roster.csv"

// upload posts a roster file to the event's preview as a multipart form.
func (b *browser) upload(eventID, name string, file []byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf_token", b.csrf())
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/app/events/"+eventID+"/roster", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var hiddenField = regexp.MustCompile(`name="(roster|key)" value="([^"]*)"`)

func TestRosterPreviewConfirmAndRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		file, err := os.ReadFile(messyRoster)
		if err != nil {
			t.Fatal(err)
		}
		res, body := b.upload(w.event.ID, "messy.csv", file)
		if res.StatusCode != 200 {
			t.Fatalf("preview: %d\n%s", res.StatusCode, body)
		}
		text := html.UnescapeString(body)
		for _, want := range []string{"nothing is posted yet", "9 rows: 4 to post, 5 skipped", "line 2", "Renée Roy (by ABCP ID)",
			"New attendance", "Skipped", "did the spreadsheet drop leading zeros", "olga@example.org belongs to another member",
			"400004 is proposed, not written", `"maybe" under session S1 is not a mark`, "new member record"} {
			if !strings.Contains(text, want) {
				t.Errorf("the preview does not say %q", want)
			}
		}
		if n := attendanceCount(t, st, w.event.ID); n != 0 {
			t.Fatalf("the preview wrote %d attendance", n)
		}
		form := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		if form.Get("roster") == "" || form.Get("key") == "" {
			t.Fatalf("the confirm form lacks the roster or its key:\n%s", body)
		}
		// The first click shows the skipped rows and their reasons; a second posts nothing twice.
		res, body = b.post("/app/events/"+w.event.ID+"/roster/confirm", form)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "5 row(s) skipped") || !strings.Contains(body, "The roster is posted.") {
			t.Fatalf("confirm: %d\n%s", res.StatusCode, body)
		}
		res, _ = b.post("/app/events/"+w.event.ID+"/roster/confirm", form)
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=posted") {
			t.Fatalf("confirm again: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if posted := attendanceCount(t, st, w.event.ID); posted != 4 {
			t.Fatalf("confirming posted %d attendance, want the 4 valid rows", posted)
		}
		postings, err := st.Postings(context.Background(), w.event.ID)
		if err != nil || len(postings) != 1 {
			t.Fatalf("postings after two confirmations: %d (%v), want 1", len(postings), err)
		}

		_, body = b.get("/app/events/" + w.event.ID)
		if !strings.Contains(html.UnescapeString(body), "<td>Renée Roy</td><td>104455</td>") {
			t.Errorf("the attendance does not name Renée:\n%s", body)
		}
		id := regexp.MustCompile(`action="/app/attendance/([^/]+)/revoke"`).FindStringSubmatch(body)
		if id == nil {
			t.Fatalf("no revoke form on the event page:\n%s", body)
		}
		if res, _ = b.post("/app/attendance/"+id[1]+"/revoke", url.Values{"reason": {""}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("revoke without a reason: %d, want 400", res.StatusCode)
		}
		if res, _ = b.post("/app/attendance/"+id[1]+"/revoke", url.Values{"reason": {"left before the first session"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		a, err := st.Attendance(context.Background(), id[1])
		if err != nil || !a.Revoked || a.RevokeReason != "left before the first session" {
			t.Errorf("after revoke: %+v %v", a, err)
		}
		_, body = b.get("/app/events/" + w.event.ID)
		if !strings.Contains(body, "Revoked: left before the first session") {
			t.Error("the event page does not show the revocation")
		}
		res, export := b.get("/app/events/" + w.event.ID + "/attendance.csv")
		if res.StatusCode != 200 || !strings.HasPrefix(export, "name,abcp_id,email,sessions,ceus,status") ||
			!strings.Contains(export, "revoked: left before the first session") || strings.Count(export, "\n") != 5 {
			t.Errorf("attendance export: %d\n%s", res.StatusCode, export)
		}
		// The template is the API's.
		res, tmpl := b.get("/app/events/" + w.event.ID + "/roster-template.csv")
		if res.StatusCode != 200 || !strings.HasPrefix(tmpl, "abcp_id,email,first_name,last_name,S1,Tue-AM,") {
			t.Errorf("template: %d %q", res.StatusCode, tmpl)
		}

		// Another organization's organizer sees none of it.
		w.env.CreateUser(t, recert.User{Email: "other@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.otherOrg.ID}})
		o := w.browser(t)
		o.signIn("other@example.org")
		if res, _ = o.get("/app/events/" + w.event.ID); res.StatusCode != http.StatusNotFound {
			t.Errorf("other organizer on the event: %d", res.StatusCode)
		}
		if res, _ = o.post("/app/attendance/"+id[1]+"/revoke", url.Values{"reason": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("other organizer revoking: %d", res.StatusCode)
		}
	})
}

func attendanceCount(t *testing.T, st *store.Store, eventID string) int {
	t.Helper()
	list, _, err := st.EventAttendance(context.Background(), eventID, recert.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestMemberPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		org := w.browser(t)
		org.signIn(w.organizer)
		file, err := os.ReadFile(messyRoster)
		if err != nil {
			t.Fatal(err)
		}
		_, body := org.upload(w.event.ID, "messy.csv", file)
		form := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		org.post("/app/events/"+w.event.ID+"/roster/confirm", form)

		b := w.browser(t)
		b.signIn(w.member)
		res, body := b.get("/app/dashboard")
		text := html.UnescapeString(body)
		if res.StatusCode != 200 || !strings.Contains(text, `class="card status-`) || !strings.Contains(text, "<progress") {
			t.Fatalf("dashboard: %d\n%s", res.StatusCode, body)
		}
		if !regexp.MustCompile(`class="badge">(Complete|On track|Behind|Deficient|Upcoming|Not tracked)<`).MatchString(text) {
			t.Error("the dashboard does not say the status in words")
		}
		if !strings.Contains(text, "credit(s) that did not count") || !strings.Contains(text, "Case report on circuit priming") {
			t.Errorf("the dashboard does not list the rejected activity as not counted:\n%s", text)
		}
		if !strings.Contains(text, "Deadline:") || !strings.Contains(text, " of ") {
			t.Error("the dashboard lacks the deadline or counted of required")
		}
		res, body = b.get("/app/credits")
		if res.StatusCode != 200 || !strings.Contains(body, "Fall Meeting") || !strings.Contains(body, "Cannulation") {
			t.Errorf("credits: %d\n%s", res.StatusCode, body)
		}
		res, csv := b.get("/app/credits.csv")
		if res.StatusCode != 200 || !strings.HasPrefix(csv, "date,category,ceus,event_title") || !strings.Contains(csv, "Fall Meeting") {
			t.Errorf("credits CSV: %d %q", res.StatusCode, csv)
		}
		// A member sees no organizer page.
		if res, _ = b.get("/app/events/" + w.event.ID); res.StatusCode != http.StatusNotFound {
			t.Errorf("member on the event page: %d", res.StatusCode)
		}

		a := w.browser(t)
		a.signIn(w.admin)
		if _, body = a.get("/app/members?q=renee"); !strings.Contains(html.UnescapeString(body), "Renée Roy") {
			t.Errorf("member search for renee:\n%s", body)
		}
	})
}

// TestBadInputIsAPageNotAFailure: what people may send wrongly gets a page that says so, and
// nothing is written.
func TestBadInputIsAPageNotAFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		ev := "/app/events/" + w.event.ID
		cases := []struct {
			name   string
			do     func() (*http.Response, string)
			status int
			says   string
		}{
			{"nothing to preview", func() (*http.Response, string) { return b.post(ev+"/roster", url.Values{"rows": {"  "}}) },
				400, "choose a CSV file or paste the roster"},
			{"binary junk", func() (*http.Response, string) {
				return b.upload(w.event.ID, "junk.csv", []byte{0, 1, 2, 0xff, 0xfe, '\n'})
			},
				400, ""},
			{"a roster of headings only", func() (*http.Response, string) {
				return b.post(ev+"/roster", url.Values{"rows": {"abcp_id,email,S1"}})
			}, 400, "no rows under its heading line"},
			{"a confirmation without its roster", func() (*http.Response, string) {
				return b.post(ev+"/roster/confirm", url.Values{"roster": {"%%%"}, "key": {"k"}})
			}, 400, "upload it again"},
			{"an unknown event", func() (*http.Response, string) { return b.get("/app/events/evt_nosuchevent") }, 404, "does not exist"},
			{"revoking unknown attendance", func() (*http.Response, string) {
				return b.post("/app/attendance/att_nosuchattendance/revoke", url.Values{"reason": {"x"}})
			}, 404, "does not exist"},
		}
		for _, c := range cases {
			res, body := c.do()
			if res.StatusCode != c.status || !strings.Contains(html.UnescapeString(body), c.says) || !strings.Contains(body, "<h1>") {
				t.Errorf("%s: %d, want %d saying %q\n%s", c.name, res.StatusCode, c.status, c.says, body)
			}
		}
		if n := attendanceCount(t, st, w.event.ID); n != 0 {
			t.Errorf("bad input wrote %d attendance", n)
		}

		// A roster that would change nothing offers nothing to confirm.
		res, body := b.post(ev+"/roster", url.Values{"rows": {"abcp_id,S1\n20002,x"}})
		if res.StatusCode != 200 || !strings.Contains(body, "Nothing to post") || strings.Contains(body, "/roster/confirm") {
			t.Errorf("a roster of rejected rows: %d\n%s", res.StatusCode, body)
		}
		// Pasted rows work like a file.
		res, body = b.post(ev+"/roster", url.Values{"rows": {"abcp_id,S1,Tue-AM\n104455,x,x"}})
		if res.StatusCode != 200 || !strings.Contains(html.UnescapeString(body), "1 rows: 1 to post, 0 skipped") {
			t.Errorf("pasted rows: %d\n%s", res.StatusCode, body)
		}
	})
}

// TestDashboardWithoutCycle: a member a roster created has no ABCP cycle; the CEU card says so in
// a sentence (needs setup) instead of printing a fault, and the other cards are as usual.
func TestDashboardWithoutCycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		if _, err := st.UpdateMember(t.Context(), w.renee.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle = 0
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		b := w.browser(t)
		b.signIn(w.member)
		res, body := b.get("/app/dashboard")
		text := html.UnescapeString(body)
		if res.StatusCode != 200 || !strings.Contains(text, `class="card status-needs_setup"`) ||
			!strings.Contains(text, `class="badge">Needs setup<`) || !strings.Contains(text, "ABCP gives each CCP a cycle") {
			t.Fatalf("dashboard without a cycle: %d\n%s", res.StatusCode, body)
		}
		if strings.Contains(text, "progress:") || strings.Contains(text, `class="error"`) {
			t.Errorf("the dashboard prints a fault:\n%s", text)
		}
		if !strings.Contains(text, "clinical activity") {
			t.Errorf("the other programs' cards are missing:\n%s", text)
		}
	})
}
