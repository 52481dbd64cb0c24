package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// rosterWorld is the world with an event whose sessions have a default code (S1), a chosen
// one (Tue-AM) and one a spreadsheet names by title, and the members the fixtures name.
type rosterWorld struct {
	*world
	event             recert.Event
	renee, nora, olga recert.Member
}

func newRosterWorld(t *testing.T, st *store.Store) *rosterWorld {
	t.Helper()
	w := &rosterWorld{world: newWorld(t, apitest.Start(t, st))}
	ctx := context.Background()
	d := recert.Date{Year: 2026, Month: 11, Day: 3}
	ev, err := st.CreateEvent(ctx, recert.Event{OrganizationID: w.orgA.ID, Title: "Fall Meeting", Format: "in_person",
		TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I", Sessions: []recert.Session{
			{Title: "Cannulation", Date: d, CEUs: 100},
			{Title: "Tuesday morning", Code: "Tue-AM", Date: d, CEUs: 150},
			{Title: "Ethics in ECMO", Category: "II", Date: d, CEUs: 50},
		}}, "test")
	if err == nil {
		ev, err = st.SetEventStatus(ctx, ev.ID, recert.EventPublished, "test")
	}
	if err != nil {
		t.Fatal(err)
	}
	w.event = ev
	mk := func(m recert.Member, org string) recert.Member {
		out, err := st.CreateMember(ctx, m, org, "test")
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	w.renee = mk(recert.Member{Name: "Renée Roy", ABCPID: "104455", Email: "renee.roy@example.org"}, w.orgA.ID)
	w.nora = mk(recert.Member{Name: "Nora NoID", Email: "nora@example.org"}, w.orgA.ID)
	w.olga = mk(recert.Member{Name: "Olga Other", ABCPID: "777001", Email: "olga@example.org"}, w.orgB.ID)
	return w
}

// postFile posts a testdata file as organizer A and decodes the result (or the problem).
func (w *rosterWorld) postFile(t *testing.T, name, query string) (int, api.RosterResult, []byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	res, body := postCSV(t, w.world, w.event.ID, query, string(b))
	var out api.RosterResult
	if res.StatusCode == 200 {
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode, out, body
}

// rowOutcome is what a test expects of one row.
type rowOutcome struct {
	line     int
	status   string
	member   string // expected member name; "" when none is shown
	contains string // in the reason, an error or a warning
}

func checkRows(t *testing.T, got []api.RosterRowResult, want []rowOutcome) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		text := value(g.Reason) + " " + strings.Join(g.Warnings, " ")
		for _, e := range g.Errors {
			text += " " + e.Detail
		}
		name := ""
		if g.Member != nil {
			name = value(g.Member.Name)
		}
		if value(g.Line) != w.line || string(g.Status) != w.status || name != w.member || !strings.Contains(text, w.contains) {
			t.Errorf("line %d: got line %d %s %q %q; want %s %q containing %q", w.line, value(g.Line), g.Status, name, text, w.status, w.member, w.contains)
		}
	}
}

// TestMessySpreadsheetRoster posts a realistic export (byte-order mark, CRLF, accents and
// apostrophes, upper-case emails, trailing spaces, an extra column, blank trailing lines, a
// grid of sessions by code and by title) and checks what became of every row.
func TestMessySpreadsheetRoster(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newRosterWorld(t, st)
		want := []rowOutcome{
			{2, "created", "Renée Roy", ""},
			{3, "created", "Jean-François O'Neil", ""},
			{4, "created", "Pat Perfusionist", ""},
			{5, "rejected", "", "did the spreadsheet drop leading zeros"},
			{6, "rejected", "", "same attendee as line 2"},
			{7, "rejected", "", "olga@example.org belongs to another member"},
			{8, "created", "Nora NoID", "400004 is proposed, not written"},
			{9, "rejected", "", "marks no session"},
			{10, "rejected", "", `"maybe" under session S1 is not a mark`},
		}

		status, dry, body := w.postFile(t, "messy-roster.csv", "?dry_run=true")
		if status != 200 || !dry.DryRun || dry.Totals.Rejected != 5 || dry.PostingID != nil {
			t.Fatalf("atomic dry run: %d %s", status, body)
		}
		checkRows(t, dry.Rows, want)
		if strings.Join(dry.IgnoredColumns, ",") != "Badge #" {
			t.Errorf("ignored columns: %v", dry.IgnoredColumns)
		}

		status, _, body = w.postFile(t, "messy-roster.csv", "")
		if status != 422 || !strings.Contains(string(body), "#/line/5/abcp_id") {
			t.Fatalf("atomic post with bad rows: %d %s", status, body)
		}

		status, res, body := w.postFile(t, "messy-roster.csv", "?mode=partial")
		if status != 200 || res.Totals.Created != 4 || res.Totals.MembersCreated != 1 || res.PostingID == nil {
			t.Fatalf("partial post: %d %s", status, body)
		}
		checkRows(t, res.Rows, want)

		credits, _ := w.env.Client.ListCreditsWithResponse(t.Context(), w.renee.ID, nil, w.as("admin"))
		if credits.JSON200 == nil || credits.JSON200.TotalCeus != "2.50" {
			t.Errorf("Renée's credits (S1 and Tue-AM): %s", credits.Body)
		}
		nora, _ := w.env.Client.GetMemberWithResponse(t.Context(), w.nora.ID, nil, w.as("admin"))
		if nora.JSON200 == nil || nora.JSON200.ABCPID != nil {
			t.Errorf("a roster wrote an ABCP ID: %s", nora.Body)
		}
		jf := res.Rows[1]
		jfCredits, _ := w.env.Client.ListCreditsWithResponse(t.Context(), value(jf.Member.ID), nil, w.as("admin"))
		categories := map[string]string{}
		if jfCredits.JSON200 != nil {
			for _, c := range jfCredits.JSON200.Items {
				categories[value(c.SessionTitle)] = string(c.Category)
			}
		}
		if categories["Ethics in ECMO"] != "II" || categories["Cannulation"] != "I" {
			t.Errorf("a session's own category: %s", jfCredits.Body)
		}
	})
}

// TestSessionsColumnInWindows1252 posts the sessions layout as Excel's plain CSV writes it.
func TestSessionsColumnInWindows1252(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newRosterWorld(t, st)
		status, res, body := w.postFile(t, "sessions-column-cp1252.csv", "?mode=partial")
		if status != 200 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "Windows-1252") {
			t.Fatalf("post: %d %s", status, body)
		}
		checkRows(t, res.Rows, []rowOutcome{
			{2, "created", "Renée Roy", ""},
			{3, "created", "François Léger", ""},
			{4, "rejected", "", `"S9" is not a session of this event; its sessions are S1, Tue-AM, S3`},
			{5, "created", "Lou List", ""},
		})
		if strings.Join(res.IgnoredColumns, ",") != "Notes" {
			t.Errorf("ignored: %v", res.IgnoredColumns)
		}
	})
}

// TestRePostKeepsDecisions: a revocation, a correction and an accepted dispute survive a
// re-posted roster (kept, with the reason), and override=true re-applies the roster over
// them, saying so in the history.
func TestRePostKeepsDecisions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newRosterWorld(t, st)
		ctx := t.Context()
		csv := "abcp_id,email,name,sessions\n104455,,Renée Roy,S1;Tue-AM;S3\n200001,,Ada Byron,S1|Tue-AM|S3\n200002,,Bo Chen,\"S1, Tue-AM, S3\"\n"
		res, body := postCSV(t, w.world, w.event.ID, "", csv)
		var first api.RosterResult
		if res.StatusCode != 200 || json.Unmarshal(body, &first) != nil || first.Totals.Created != 3 {
			t.Fatalf("first post: %d %s", res.StatusCode, body)
		}
		revoked, corrected := *first.Rows[0].AttendanceID, *first.Rows[1].AttendanceID
		if r, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, revoked, &api.RevokeAttendanceParams{Reason: "left before the session"}, w.as("organizer A")); r.StatusCode() != 200 {
			t.Fatalf("revoke: %s", r.Body)
		}
		if r, _ := w.env.Client.CorrectAttendanceWithResponse(ctx, corrected, api.AttendanceCorrection{Sessions: []string{"S1"}, Reason: "only the first session"}, w.as("organizer A")); r.StatusCode() != 200 {
			t.Fatalf("correct: %s", r.Body)
		}

		res, body = postCSV(t, w.world, w.event.ID, "", csv)
		var again api.RosterResult
		if res.StatusCode != 200 || json.Unmarshal(body, &again) != nil || again.Totals.Kept != 2 || again.Totals.Unchanged != 1 {
			t.Fatalf("re-post: %d %s", res.StatusCode, body)
		}
		if r := value(again.Rows[0].Reason); !strings.Contains(r, "revoked on ") || !strings.Contains(r, "left before the session") {
			t.Errorf("kept revocation reason: %q", r)
		}
		if r := value(again.Rows[1].Reason); !strings.Contains(r, "corrected on ") || !strings.Contains(r, "only the first session") {
			t.Errorf("kept correction reason: %q", r)
		}
		if a, _ := w.env.Client.GetAttendanceWithResponse(ctx, revoked, nil, w.as("organizer A")); a.JSON200 == nil || !a.JSON200.Revoked {
			t.Errorf("the re-post un-revoked: %s", a.Body)
		}

		res, body = postCSV(t, w.world, w.event.ID, "?override=true", csv)
		var over api.RosterResult
		if res.StatusCode != 200 || json.Unmarshal(body, &over) != nil || over.Totals.Updated != 2 {
			t.Fatalf("override: %d %s", res.StatusCode, body)
		}
		if c := over.Rows[0].Changes; c == nil || c.Revoked == nil || !c.Revoked.Before || c.Revoked.After {
			t.Errorf("override changes: %s", body)
		}
		h, _ := w.env.Client.GetAttendanceHistoryWithResponse(ctx, revoked, nil, w.as("organizer A"))
		if h.JSON200 == nil || value(h.JSON200.Items[len(h.JSON200.Items)-1].Source) != "override" {
			t.Errorf("history of the override: %s", h.Body)
		}

		// The same key with another override is another request.
		_, b1 := postCSV(t, w.world, w.event.ID, "", csv, "Idempotency-Key", "k-override")
		r2, _ := postCSV(t, w.world, w.event.ID, "?override=true", csv, "Idempotency-Key", "k-override")
		if r2.StatusCode != 422 {
			t.Errorf("key reused with override: %d (first %s)", r2.StatusCode, b1)
		}

		// Withdrawing the first posting revokes what it created.
		wd, _ := w.env.Client.WithdrawRosterPostingWithResponse(ctx, w.event.ID, *first.PostingID,
			api.WithdrawRosterPostingJSONRequestBody{Reason: "posted to the wrong event"}, w.as("organizer A"))
		if wd.JSON200 == nil || wd.JSON200.WithdrawnAt == nil {
			t.Fatalf("withdraw: %s", wd.Body)
		}
		if a, _ := w.env.Client.GetAttendanceWithResponse(ctx, *first.Rows[2].AttendanceID, nil, w.as("organizer A")); a.JSON200 == nil || !a.JSON200.Revoked {
			t.Errorf("withdrawn posting's attendance: %s", a.Body)
		}
	})
}

// TestRosterIdentityRules: identifiers naming two people are rejected, naming the member
// only to a caller who may see them.
func TestRosterIdentityRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newRosterWorld(t, st)
		post := func(as, csv string) api.RosterResult {
			t.Helper()
			// These rows are about who; every session is credited, as the organizer may choose.
			res, body := postCSVAs(t, w.world, as, w.event.ID, "?dry_run=true&all_sessions=true", csv)
			var out api.RosterResult
			if res.StatusCode != 200 || json.Unmarshal(body, &out) != nil {
				t.Fatalf("post: %d %s", res.StatusCode, body)
			}
			return out
		}
		// ABCP ID of Renée, email of Olga (another organization's member).
		out := post("organizer A", "abcp_id,email,name\n104455,olga@example.org,R Roy\n")
		if r := value(out.Rows[0].Reason); out.Rows[0].Status != "rejected" || r != "ABCP ID 104455 is Renée Roy's; olga@example.org belongs to another member" {
			t.Errorf("A: %q", r)
		}
		// An administrator may see everyone.
		out = post("admin", "abcp_id,email,name\n777001,renee.roy@example.org,\n")
		if r := value(out.Rows[0].Reason); r != "ABCP ID 777001 is Olga Other's; renee.roy@example.org belongs to another member" {
			t.Errorf("admin: %q", r)
		}
		// A name that differs beyond accents and case is a warning.
		out = post("admin", "abcp_id,name\n104455,RENEE  roy\n104455,Irene Roy\n")
		if len(out.Rows[0].Warnings) != 0 || out.Rows[0].Status != "created" {
			t.Errorf("accents and case: %+v", out.Rows[0])
		}
		if out.Rows[1].Status != "rejected" || !strings.Contains(value(out.Rows[1].Reason), "same attendee as line 2") {
			t.Errorf("duplicate: %+v", out.Rows[1])
		}
		out = post("admin", "abcp_id,name\n104455,Irene Roy\n")
		if len(out.Rows[0].Warnings) != 1 || !strings.Contains(out.Rows[0].Warnings[0], "differs") {
			t.Errorf("different name: %+v", out.Rows[0])
		}
	})
}

// TestRosterTemplateAndAttendanceCSV: the grid template names every session code, and the
// attendance export reads back in people's terms.
func TestRosterTemplateAndAttendanceCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newRosterWorld(t, st)
		tpl, err := w.env.Client.GetRosterTemplateWithResponse(t.Context(), w.event.ID, nil, w.as("organizer A"))
		if err != nil || tpl.StatusCode() != 200 || !strings.HasPrefix(string(tpl.Body), "abcp_id,email,first_name,last_name,S1,Tue-AM,S3\r\n") {
			t.Fatalf("template: %v %s", err, tpl.Body)
		}
		res, body := postCSV(t, w.world, w.event.ID, "", string(tpl.Body))
		if res.StatusCode != 200 {
			t.Fatalf("the template posted back: %d %s", res.StatusCode, body)
		}
		csvRes, b := getCSV(t, w.world, "/v1/events/"+w.event.ID+"/attendance")
		if csvRes.StatusCode != 200 || !strings.Contains(string(b), "Jane Doe,012345,jane.doe@example.org,S1;S3,1.50,counts") {
			t.Errorf("attendance CSV: %d %s", csvRes.StatusCode, b)
		}
		q, _ := w.env.Client.ListMembersWithResponse(t.Context(), &api.ListMembersParams{Q: ptr("renee ROY")}, w.as("organizer A"))
		if q.JSON200 == nil || len(q.JSON200.Items) != 1 || q.JSON200.Items[0].ID != w.renee.ID {
			t.Errorf("search: %s", q.Body)
		}
	})
}

// postCSVAs posts a CSV roster as the caller.
func postCSVAs(t *testing.T, w *world, as, eventID, query, body string) (*http.Response, []byte) {
	t.Helper()
	saved := w.tokens["organizer A"]
	w.tokens["organizer A"] = w.tokens[as]
	defer func() { w.tokens["organizer A"] = saved }()
	return postCSV(t, w, eventID, query, body)
}

// getCSV gets path as organizer A, asking for CSV.
func getCSV(t *testing.T, w *world, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, w.env.URL+path, nil)
	req.Header.Set("Accept", "text/csv")
	req.Header.Set("Authorization", "Bearer "+w.tokens["organizer A"])
	res, err := w.env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestUnknownQueryParameter: a misspelt filter is a 400 naming it and what is accepted.
func TestUnknownQueryParameter(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	res, err := env.HTTP.Get(env.URL + "/v1/events?catgory=I")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(string(b), `"pointer":"#/catgory"`) || !strings.Contains(string(b), "category") {
		t.Errorf("%d %s", res.StatusCode, b)
	}
}

// TestReadmeRosterExample posts examples/roster.csv as the README does.
func TestReadmeRosterExample(t *testing.T) {
	w := newWorld(t, apitest.Start(t, dbtest.New(t, store.SQLite)))
	b, err := os.ReadFile("../../examples/roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	ev := w.publishedEvent(t)
	res, body := postCSV(t, w, ev.ID, "?mode=partial", string(b), "Idempotency-Key", "roster-"+ev.ID+"-1")
	var out api.RosterResult
	if res.StatusCode != 200 || json.Unmarshal(body, &out) != nil || out.Totals.Created != 2 || out.Totals.Rejected != 1 ||
		!strings.Contains(value(out.Rows[2].Reason), "leading zeros") || strings.Join(out.IgnoredColumns, ",") != "Badge #" {
		t.Errorf("%d %s", res.StatusCode, body)
	}
}
