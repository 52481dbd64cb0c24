package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// eventForm is the editor's form for the Fall Meeting's three sessions, which the messy
// roster names S1, Tue-AM and S3.
func eventForm(orgID string) url.Values {
	return url.Values{"organization_id": {orgID}, "title": {"Winter Meeting"}, "format": {"in_person"},
		"time_zone": {"America/Chicago"}, "start_date": {"2026-12-07"}, "end_date": {""}, "category": {""},
		"approval_ref": {"ABCP-2026-77"}, "approved_by": {"us-nj-pac"}, "location": {"Madison"},
		"s_id": {"", "", "", ""}, "s_code": {"", "Tue-AM", "", ""}, "s_title": {"Cannulation", "Tuesday morning", "Ethics in ECMO", ""},
		"s_date": {"", "", "2026-12-07", ""}, "s_ceus": {"1", "1.5", "0.50", ""}, "s_category": {"", "", "II", ""}}
}

// fresh is a copy of the form without the CSRF value a post added to it.
func fresh(f url.Values) url.Values {
	out := with(f, "csrf_token")
	delete(out, "csrf_token")
	return out
}

// with is a copy of the form with one field changed.
func with(f url.Values, key string, vals ...string) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string{}, v...)
	}
	out[key] = vals
	return out
}

func orgEvents(t *testing.T, st *store.Store, orgID string) []recert.Event {
	t.Helper()
	list, _, err := st.Events(context.Background(), recert.EventFilter{Page: recert.Page{Limit: 200}, Scope: recert.OrganizationsScope(orgID)})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestEventEditor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		res, body := b.get("/app/events/new")
		if res.StatusCode != 200 || !strings.Contains(body, "Wisconsin Perfusion Society (WPS)") || strings.Contains(body, "Ohio State") {
			t.Fatalf("new event page: %d\n%s", res.StatusCode, body)
		}
		good := eventForm(w.org.ID)
		bad := []struct {
			name string
			form url.Values
			says string
		}{
			{"no title", with(good, "title", " "), "give the event a title"},
			{"a made-up time zone", with(good, "time_zone", "Mars/Olympus"), "not an IANA time zone"},
			{"no first day", with(good, "start_date", "12/07/2026"), "give the first day"},
			{"ends before it starts", with(good, "end_date", "2026-12-01"), "ends before it starts"},
			{"CEUs that are not a number", with(good, "s_ceus", "1", "lots", "1", ""), "Session 2 CEUs</a>: give the CEUs"},
			{"a session after the event", with(good, "s_date", "", "2026-12-09", "", ""), "Session 2 day</a>: outside the event's dates"},
			{"a session code with spaces", with(good, "s_code", "A 1", "", "", ""), "Session 1 code</a>"},
			{"a session without a title", with(good, "s_title", "Cannulation", "", "Ethics in ECMO", ""), "Session 2 title</a>: give the session a title"},
			{"an unknown format", with(good, "format", "carrier_pigeon"), "Format</a>: one of in_person"},
			{"a bad approver", with(good, "approved_by", "NJ PAC"), "Also approved by</a>"},
			{"another organization", with(good, "organization_id", w.otherOrg.ID), "choose one of your organizations"},
		}
		for _, c := range bad {
			res, body := b.post("/app/events/new", c.form)
			text := html.UnescapeString(body)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(text, c.says) || !strings.Contains(body, `role="alert"`) {
				t.Errorf("%s: %d, want 400 saying %q\n%s", c.name, res.StatusCode, c.says, text)
			}
			if !strings.Contains(body, `value="Madison"`) {
				t.Errorf("%s: the form does not keep what was entered", c.name)
			}
		}
		if n := len(orgEvents(t, st, w.org.ID)) + len(orgEvents(t, st, w.otherOrg.ID)); n != 1 {
			t.Fatalf("bad forms stored events: %d, want the Fall Meeting only", n)
		}
		// Forged: another organization's id, and a form without its CSRF value.
		if res, _ = b.post("/app/events/new", with(good, "csrf_token", "forged")); res.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF: %d, want 403", res.StatusCode)
		}

		res, _ = b.post("/app/events/new", fresh(good))
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=created") {
			t.Fatalf("create: %d to %q", res.StatusCode, loc)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/app/events/"), "?done=created")
		ev, err := st.Event(context.Background(), id)
		if err != nil || ev.Status != recert.EventDraft || ev.Category != "I" || len(ev.Sessions) != 3 || ev.OrganizationID != w.org.ID {
			t.Fatalf("created: %+v %v", ev, err)
		}
		if codes := ev.Sessions[0].Code + "," + ev.Sessions[1].Code + "," + ev.Sessions[2].Code; codes != "S1,Tue-AM,S3" {
			t.Errorf("session codes %s, want S1,Tue-AM,S3", codes)
		}
		res, body = b.get(loc)
		if res.StatusCode != 200 || !strings.Contains(body, "<code>Tue-AM</code></td><td>Tuesday morning</td><td>2026-12-07</td><td class=\"num\">1.50</td>") ||
			!strings.Contains(body, "The event is created as a draft") || !strings.Contains(body, "/publish") {
			t.Errorf("the new event's page: %d\n%s", res.StatusCode, body)
		}

		// What the editor does not show, set through the API, survives a save.
		ev, err = st.UpdateEvent(context.Background(), id, 0, "test", func(e *recert.Event) error {
			e.URL, e.Sessions[2].Topics, e.Sessions[0].StartTime = "https://example.org/winter", []string{"ethics"}, "08:30"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// Edit: the form holds the event; a change made meanwhile is refused.
		res, body = b.get("/app/events/" + id + "/edit")
		if res.StatusCode != 200 || !strings.Contains(body, `value="Tue-AM"`) || !strings.Contains(body, `name="version" value="2"`) {
			t.Fatalf("edit page: %d\n%s", res.StatusCode, body)
		}
		edit := with(with(good, "s_id", ev.Sessions[0].ID, ev.Sessions[1].ID, ev.Sessions[2].ID, ""), "version", "2")
		edit = with(edit, "title", "Winter Meeting 2026")
		delete(edit, "organization_id")
		if res, _ = b.post("/app/events/"+id+"/edit", fresh(edit)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		res, body = b.post("/app/events/"+id+"/edit", with(edit, "title", "Stale"))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Someone changed this") {
			t.Errorf("a stale save: %d\n%s", res.StatusCode, body)
		}
		if ev, _ = st.Event(context.Background(), id); ev.Title != "Winter Meeting 2026" || ev.Sessions[1].ID != edit["s_id"][1] ||
			ev.URL != "https://example.org/winter" || len(ev.Sessions[2].Topics) != 1 || ev.Sessions[0].StartTime != "08:30" {
			t.Errorf("after the saves: %+v", ev)
		}

		// Another organization's organizer can neither see nor change it.
		w.env.CreateUser(t, recert.User{Email: "other@example.org", Name: "Otto Other", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.otherOrg.ID}})
		o := w.browser(t)
		o.signIn("other@example.org")
		for path, form := range map[string]url.Values{"/app/events/" + id + "/edit": with(edit, "version", "3"), "/app/events/" + id + "/publish": {}} {
			if res, _ = o.post(path, form); res.StatusCode != http.StatusNotFound {
				t.Errorf("other organizer posting %s: %d", path, res.StatusCode)
			}
		}
		if res, _ = o.get("/app/events/" + id + "/edit"); res.StatusCode != http.StatusNotFound {
			t.Errorf("other organizer on the editor: %d", res.StatusCode)
		}
		if res, _ = o.post("/app/events/new", fresh(good)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("other organizer creating for WPS: %d", res.StatusCode)
		}
		// A member sees none of it.
		m := w.browser(t)
		m.signIn(w.member)
		if res, _ = m.get("/app/events/new"); res.StatusCode != http.StatusNotFound {
			t.Errorf("member on the editor: %d", res.StatusCode)
		}
		if ev, _ = st.Event(context.Background(), id); ev.Status != recert.EventDraft || ev.Version != 3 || len(orgEvents(t, st, w.otherOrg.ID)) != 0 {
			t.Errorf("after others tried: %+v", ev)
		}

		// Publish, once.
		if res, _ = b.post("/app/events/"+id+"/publish", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.StatusCode)
		}
		res, body = b.post("/app/events/"+id+"/publish", url.Values{})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "already published") {
			t.Errorf("publishing twice: %d\n%s", res.StatusCode, body)
		}
		if ev, _ = st.Event(context.Background(), id); ev.Status != recert.EventPublished {
			t.Errorf("after publishing: %s", ev.Status)
		}
	})
}

func TestEventsListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		d := recert.Date{Year: 2027, Month: 1, Day: 5}
		for i := range 60 {
			_, err := st.CreateEvent(context.Background(), recert.Event{OrganizationID: w.org.ID, Title: fmt.Sprintf("Grand Rounds %02d", i),
				Format: "live_webinar", TimeZone: "UTC", StartDate: d, EndDate: d, Category: "II",
				Sessions: []recert.Session{{Title: "Talk", Date: d, CEUs: 100}}}, "test")
			if err != nil {
				t.Fatal(err)
			}
		}
		b := w.browser(t)
		b.signIn(w.organizer)
		seen := map[string]bool{}
		next := "/app/events"
		for pages := 0; next != ""; pages++ {
			if pages > 3 {
				t.Fatal("the events list does not end")
			}
			res, body := b.get(next)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", next, res.StatusCode)
			}
			for _, m := range regexp.MustCompile(`<h2><a href="/app/events/([^"]+)">`).FindAllStringSubmatch(body, -1) {
				if seen[m[1]] {
					t.Errorf("event %s on two pages", m[1])
				}
				seen[m[1]] = true
			}
			next = ""
			if m := regexp.MustCompile(`href="(/app/events\?after=[^"]+)"`).FindStringSubmatch(body); m != nil {
				next = html.UnescapeString(m[1])
			}
		}
		if len(seen) != 61 {
			t.Errorf("the pages list %d events, want 61", len(seen))
		}
	})
}

// mailed waits for an e-mail to the address with the subject.
func mailed(t *testing.T, w *world, to, subject string) bool {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range w.env.Outbox(t, to, 0) {
			if m.Subject == subject {
				return true
			}
		}
	}
	return false
}

func TestCorrectAndRevokeTellTheMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		file, err := os.ReadFile(messyRoster)
		if err != nil {
			t.Fatal(err)
		}
		b := w.browser(t)
		b.signIn(w.organizer)
		b.confirmRoster(w.event.ID, file)
		a, ok, err := st.AttendanceOf(context.Background(), w.event.ID, w.renee.ID)
		if err != nil || !ok {
			t.Fatalf("Renée's attendance: %v %v", ok, err)
		}
		_, body := b.get("/app/events/" + w.event.ID)
		if !strings.Contains(body, `action="/app/attendance/`+a.ID+`/correct"`) {
			t.Fatalf("no correction form for Renée:\n%s", body)
		}
		path := "/app/attendance/" + a.ID + "/correct"
		cannulation := w.event.Sessions[0].ID
		for _, c := range []struct {
			name string
			form url.Values
			says string
		}{
			{"no reason", url.Values{"session": {cannulation}, "reason": {" "}}, "reason: say why"},
			{"neither sessions nor CEUs", url.Values{"reason": {"typo"}}, "give either the sessions attended or the CEUs awarded"},
			{"CEUs that are not a number", url.Values{"ceus": {"two"}, "reason": {"typo"}}, "ceus: amount"},
			{"a session of another event", url.Values{"session": {"ses_nosuchsession"}, "reason": {"typo"}}, ""},
		} {
			res, body := b.post(path, c.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.says) {
				t.Errorf("%s: %d, want 400 saying %q\n%s", c.name, res.StatusCode, c.says, body)
			}
		}
		if now, _ := st.Attendance(context.Background(), a.ID); now.Version != a.Version {
			t.Fatalf("bad corrections changed the attendance: %+v", now)
		}
		// Another organization's organizer cannot correct it.
		w.env.CreateUser(t, recert.User{Email: "other@example.org", Role: recert.RoleOrganizer, OrganizationIDs: []string{w.otherOrg.ID}})
		o := w.browser(t)
		o.signIn("other@example.org")
		if res, _ := o.post(path, url.Values{"session": {cannulation}, "reason": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("other organizer correcting: %d", res.StatusCode)
		}

		res, _ := b.post(path, url.Values{"session": {cannulation}, "reason": {"left after the first session"}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=corrected") {
			t.Fatalf("correct: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if now, _ := st.Attendance(context.Background(), a.ID); len(now.Sessions) != 1 || now.Sessions[0].SessionID != cannulation {
			t.Errorf("after the correction: %+v", now.Sessions)
		}
		if !mailed(t, w, w.member, "Your attendance at Fall Meeting was corrected") {
			t.Error("Renée was not told of the correction")
		}
		res, _ = b.post(path, url.Values{"ceus": {"0.75"}, "reason": {"certificate without a breakdown"}})
		if now, _ := st.Attendance(context.Background(), a.ID); res.StatusCode != http.StatusSeeOther || now.Total() != 75 {
			t.Errorf("a correction to CEUs: %d, %s CEUs", res.StatusCode, now.Total())
		}
		// The page's revoke tells the member, as the API's does.
		if res, _ = b.post("/app/attendance/"+a.ID+"/revoke", url.Values{"reason": {"not registered"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		if !mailed(t, w, w.member, "Your attendance at Fall Meeting was revoked") {
			t.Error("Renée was not told of the revocation")
		}
	})
}

func TestOrganizationPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.admin)
		res, body := b.get("/app/organizations")
		if res.StatusCode != 200 || !strings.Contains(body, "Wisconsin Perfusion Society") || !strings.Contains(body, "Olive Organizer") {
			t.Fatalf("organizations: %d\n%s", res.StatusCode, body)
		}
		count := func() int {
			orgs, _, err := st.Organizations(context.Background(), recert.Page{Limit: 100}, recert.AllOrganizations())
			if err != nil {
				t.Fatal(err)
			}
			return len(orgs)
		}
		good := url.Values{"name": {"Texas Perfusion Society"}, "code": {"tps"}, "contact_email": {"ce@tps.example.org"}, "contact_phone": {"+1 512 555 0100"}}
		for _, c := range []struct {
			name string
			form url.Values
			says string
		}{
			{"no name", with(good, "name", ""), `<a href="#name">Name</a>: give a name`},
			{"a code with spaces", with(good, "code", "T P S"), `<a href="#code">Code</a>: 2 to 32 capital letters`},
			{"a bad email", with(good, "contact_email", "ce at tps"), `<a href="#contact_email">Contact email</a>: not an email address`},
			{"a code taken", with(good, "code", "WPS"), ""},
		} {
			res, body := b.post("/app/organizations", c.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.says) || !strings.Contains(body, `role="alert"`) {
				t.Errorf("%s: %d, want 400 saying %q\n%s", c.name, res.StatusCode, c.says, body)
			}
		}
		if res, _ = b.post("/app/organizations", with(good, "csrf_token", "forged")); res.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF: %d", res.StatusCode)
		}
		if n := count(); n != 2 {
			t.Fatalf("bad forms stored organizations: %d", n)
		}
		// Organizers and members may not.
		for _, who := range []string{w.organizer, w.member} {
			o := w.browser(t)
			o.signIn(who)
			if res, _ = o.get("/app/organizations"); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s on organizations: %d", who, res.StatusCode)
			}
			if res, _ = o.post("/app/organizations", fresh(good)); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s creating an organization: %d", who, res.StatusCode)
			}
			if res, _ = o.post("/app/organizations/"+w.org.ID+"/organizers", url.Values{"name": {"X"}, "email": {"x@example.org"}, "password": {"a long enough passphrase"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s creating an organizer: %d", who, res.StatusCode)
			}
		}
		if n := count(); n != 2 {
			t.Fatalf("others stored organizations: %d", n)
		}

		res, _ = b.post("/app/organizations", fresh(good))
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=org") {
			t.Fatalf("create: %d %q", res.StatusCode, loc)
		}
		orgPath := strings.TrimSuffix(loc, "?done=org")
		res, body = b.get(loc)
		if res.StatusCode != 200 || !strings.Contains(body, "Code TPS") || !strings.Contains(body, "No organizer acts for") {
			t.Errorf("the new organization: %d\n%s", res.StatusCode, body)
		}
		organizer := url.Values{"name": {"Tex Organizer"}, "email": {"tex@tps.example.org"}, "password": {"cardiopulmonary bypass 2026"}}
		for _, c := range []struct {
			name string
			form url.Values
			says string
		}{
			{"a weak password", with(organizer, "password", "password"), "the password does not meet the policy"},
			{"a password of the name", with(organizer, "password", "tex organizer tex organizer"), "the password does not meet the policy"},
			{"a bad email", with(organizer, "email", "tex"), `<a href="#email">Email</a>: not an email address`},
			{"no name", with(organizer, "name", ""), `<a href="#name">Name</a>: give a name`},
			{"an email taken", with(organizer, "email", w.organizer), ""},
		} {
			res, body := b.post(orgPath+"/organizers", c.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.says) || strings.Contains(body, `value="`+c.form.Get("password")+`"`) {
				t.Errorf("%s: %d, want 400 saying %q\n%s", c.name, res.StatusCode, c.says, body)
			}
		}
		if _, _, err := st.UserByEmail(context.Background(), "tex@tps.example.org"); recert.ErrorCode(err) != recert.ENOTFOUND {
			t.Fatalf("bad organizer forms stored an account: %v", err)
		}
		if res, _ = b.post("/app/organizations/org_nosuchorg/organizers", fresh(organizer)); res.StatusCode != http.StatusNotFound {
			t.Errorf("an organizer of no organization: %d", res.StatusCode)
		}
		if res, _ = b.post(orgPath+"/organizers", fresh(organizer)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create organizer: %d", res.StatusCode)
		}
		if _, body = b.get(orgPath); !strings.Contains(body, "<td>Tex Organizer</td><td>tex@tps.example.org</td><td>active</td>") {
			t.Errorf("the organizer is not listed:\n%s", body)
		}
		// An existing organizer acts for the new organization too; only organizers may.
		for email, says := range map[string]string{"nobody@example.org": "no account has this email", w.member: "not an organizer"} {
			res, body := b.post(orgPath+"/organizers/add", url.Values{"email": {email}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, says) {
				t.Errorf("adding %s: %d, want 400 saying %q\n%s", email, res.StatusCode, says, body)
			}
		}
		if res, _ = b.post(orgPath+"/organizers/add", url.Values{"email": {w.organizer}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add Olive: %d", res.StatusCode)
		}
		if _, body = b.get(orgPath); !strings.Contains(body, "<td>Olive Organizer</td>") {
			t.Errorf("Olive is not listed:\n%s", body)
		}
		olive := w.browser(t)
		olive.signIn(w.organizer)
		if _, body = olive.get("/app/events/new"); !strings.Contains(body, "Texas Perfusion Society (TPS)") || !strings.Contains(body, "Wisconsin") {
			t.Errorf("Olive's editor does not offer both organizations:\n%s", body)
		}

		// The new organizer signs in with the first password, to the new organization's events.
		tex := w.browser(t)
		res, _ = tex.post("/app/sign-in", url.Values{"email": {"tex@tps.example.org"}, "password": {"cardiopulmonary bypass 2026"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/events" {
			t.Fatalf("the new organizer signs in: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body = tex.get("/app/events/new"); !strings.Contains(body, "Texas Perfusion Society (TPS)") || strings.Contains(body, "Wisconsin") {
			t.Errorf("the new organizer's editor: %d\n%s", res.StatusCode, body)
		}
	})
}

func TestLeaveApprovals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		l1, err := st.CreateLeave(ctx, recert.Leave{MemberID: w.renee.ID, Type: "parental", Start: recert.Date{Year: 2026, Month: 2, Day: 1},
			End: recert.Date{Year: 2026, Month: 5, Day: 31}}, "usr_renee")
		if err != nil {
			t.Fatal(err)
		}
		l2, err := st.CreateLeave(ctx, recert.Leave{MemberID: w.renee.ID, Type: "jury_duty", Start: recert.Date{Year: 2026, Month: 8, Day: 3},
			End: recert.Date{Year: 2026, Month: 8, Day: 14}}, "usr_renee")
		if err != nil {
			t.Fatal(err)
		}
		b := w.browser(t)
		b.signIn(w.admin)
		res, body := b.get("/app/leave")
		text := html.UnescapeString(body)
		if res.StatusCode != 200 || !strings.Contains(text, "<td>Renée Roy</td><td>104455</td><td>parental</td><td>2026-02-01</td><td>2026-05-31</td>") ||
			!strings.Contains(text, "jury_duty") {
			t.Fatalf("leave: %d\n%s", res.StatusCode, text)
		}
		if res, body = b.post("/app/leave/"+l1.ID, url.Values{"decision": {"maybe"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "approve or reject") {
			t.Errorf("a decision that is neither: %d\n%s", res.StatusCode, body)
		}
		if res, _ = b.post("/app/leave/lv_nosuchleave", url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown leave: %d", res.StatusCode)
		}
		if res, _ = b.post("/app/leave/"+l1.ID, url.Values{"decision": {"approve"}, "csrf_token": {"forged"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF: %d", res.StatusCode)
		}
		o := w.browser(t)
		o.signIn(w.organizer)
		if res, _ = o.post("/app/leave/"+l1.ID, url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("an organizer deciding: %d", res.StatusCode)
		}
		if got, _ := st.LeavePeriod(ctx, l1.ID); got.Approved || got.UpdatedBy != "usr_renee" {
			t.Fatalf("refused decisions changed the leave: %+v", got)
		}
		if res, _ = b.post("/app/leave/"+l1.ID, url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/leave?done=approved" {
			t.Fatalf("approve: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ = b.post("/app/leave/"+l2.ID, url.Values{"decision": {"reject"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reject: %d", res.StatusCode)
		}
		if got, _ := st.LeavePeriod(ctx, l1.ID); !got.Approved {
			t.Error("the approved leave is not approved")
		}
		if got, _ := st.LeavePeriod(ctx, l2.ID); got.Approved {
			t.Error("the rejected leave is approved")
		}
		if _, body = b.get("/app/leave?done=rejected"); !strings.Contains(body, "No leave is waiting") || !strings.Contains(body, "The leave is rejected.") {
			t.Errorf("decided leave is still waiting:\n%s", body)
		}
	})
}

func TestClientPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.admin)
		if res, body := b.get("/app/clients"); res.StatusCode != 200 || !strings.Contains(body, "No API clients yet") {
			t.Fatalf("clients: %d\n%s", res.StatusCode, body)
		}
		good := url.Values{"name": {"Roster sync"}, "organization_id": {w.org.ID}, "scope": {"events:read", "attendance:write"}}
		for _, c := range []struct {
			name string
			form url.Values
			says string
		}{
			{"no scope", with(good, "scope"), `<a href="#scopes">Scopes</a>: choose at least one scope`},
			{"a scope apps may not hold", with(good, "scope", "programs:write"), "programs:write is not a scope"},
			{"no name", with(good, "name", ""), `<a href="#name">Name</a>: give a name`},
		} {
			res, body := b.post("/app/clients", c.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, c.says) || strings.Contains(body, "rcs_") {
				t.Errorf("%s: %d, want 400 saying %q\n%s", c.name, res.StatusCode, c.says, body)
			}
		}
		if res, _ := b.post("/app/clients", with(good, "csrf_token", "forged")); res.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF: %d", res.StatusCode)
		}
		o := w.browser(t)
		o.signIn(w.organizer)
		if res, _ := o.post("/app/clients", fresh(good)); res.StatusCode != http.StatusNotFound {
			t.Errorf("an organizer on the admin's clients page: %d", res.StatusCode)
		}
		if list, _, _ := st.Clients(context.Background(), recert.Page{Limit: 10}, recert.AllOrganizations()); len(list) != 0 {
			t.Fatalf("refused forms stored %d clients", len(list))
		}

		res, body := b.post("/app/clients", fresh(good))
		secret := regexp.MustCompile(`id="secret" readonly value="(rcs_[^"]+)"`).FindStringSubmatch(body)
		id := regexp.MustCompile(`client id is <code>([^<]+)</code>`).FindStringSubmatch(body)
		if res.StatusCode != http.StatusCreated || secret == nil || id == nil {
			t.Fatalf("create: %d\n%s", res.StatusCode, body)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Error("the page with the secret may be cached")
		}
		_ = w.env.ClientToken(t, id[1], secret[1]) // the secret works
		_, body = b.get("/app/clients")
		if strings.Contains(body, secret[1]) || !strings.Contains(body, "<td>Roster sync</td>") || !strings.Contains(body, "Wisconsin Perfusion Society") {
			t.Errorf("the list shows the secret again, or not the client:\n%s", body)
		}
		if res, _ = b.post("/app/clients/cli_nosuchclient/revoke", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("revoking an unknown client: %d", res.StatusCode)
		}
		if res, _ = b.post("/app/clients/"+id[1]+"/revoke", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		if c, _, err := st.Client(context.Background(), id[1]); err != nil || !c.Revoked {
			t.Errorf("after revoking: %+v %v", c, err)
		}
		if _, body = b.get("/app/clients?done=client-revoked"); !strings.Contains(body, "<td>Revoked</td>") {
			t.Errorf("the list does not show the revocation:\n%s", body)
		}
		_ = apitest.Password
	})
}

// TestEventEmailsCertificates: the event editor's checkbox sets whether attendees are
// e-mailed their certificates, and the editor shows it as set.
func TestEventEmailsCertificates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		if res, body := b.post("/app/events/new", with(eventForm(w.org.ID), "email_certificates", "on")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", res.StatusCode, body)
		}
		var created recert.Event
		for _, e := range orgEvents(t, st, w.org.ID) {
			if e.Title == "Winter Meeting" {
				created = e
			}
		}
		if !created.EmailCertificates {
			t.Fatalf("the event does not e-mail certificates: %+v", created)
		}
		if _, body := b.get("/app/events/" + created.ID + "/edit"); !strings.Contains(body, `name="email_certificates" type="checkbox" checked`) {
			t.Errorf("the editor does not show the choice:\n%s", body)
		}
	})
}

// TestNewEventTakesTheUsualZone: a new event's time zone is preselected as the one of the
// organization's latest event.
func TestNewEventTakesTheUsualZone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		if _, err := st.CreateEvent(t.Context(), recert.Event{OrganizationID: w.org.ID, Title: "Shore Meeting", Format: "in_person",
			TimeZone: "America/New_York", StartDate: recert.NewDate(2027, 5, 1), EndDate: recert.NewDate(2027, 5, 1), Category: "II",
			Sessions: []recert.Session{{Title: "Circuits", Date: recert.NewDate(2027, 5, 1), CEUs: 100}}}, "test"); err != nil {
			t.Fatal(err)
		}
		b := w.browser(t)
		b.signIn(w.organizer)
		if _, body := b.get("/app/events/new"); !strings.Contains(body, `value="America/New_York" selected`) {
			t.Errorf("the new event's zone is not the organization's usual one:\n%s", body)
		}
	})
}
