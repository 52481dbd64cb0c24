package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// registrationExport is a roster as a registration system exports it: a byte-order mark,
// quoted header cells, CRLF, a "Sessions Attended" column of titles (some abbreviated, one
// empty, one with codes) and columns of its own. Its sessions are registrationSessions.
const registrationExport = "testdata/registration-export.csv"

// registrationSessions are the sessions of the meeting registrationExport names: 5.50 CEUs.
func registrationSessions() []recert.Session {
	d := recert.Date{Year: 2026, Month: 9, Day: 18}
	return []recert.Session{
		{Title: "ECMO Circuit Management Update", Date: d, CEUs: 200},
		{Title: "Blood Management, Conservation and Transfusion", Date: d, CEUs: 150},
		{Title: "Ethics in Perfusion Practice", Date: d, CEUs: 100},
		{Title: "Pediatric Cardiopulmonary Bypass", Date: d, CEUs: 100},
	}
}

// exportOutcome is what becomes of one line of registrationExport.
type exportOutcome struct {
	line           int
	name, status   string
	sessions, ceus string // credited: codes joined with ","
	reason         string // the rejection, whole
}

// registrationOutcomes is what posting registrationExport does, line by line: every row
// credits what it names and nothing else; abbreviated titles are rejected with a suggestion.
var registrationOutcomes = []exportOutcome{
	{line: 2, name: "Renée Roy", status: "created", sessions: "S1,S2,S3,S4", ceus: "5.50"},
	{line: 3, name: "Ada Byron", status: "created", sessions: "S1", ceus: "2.00"},
	{line: 4, name: "Bo Chen", status: "created", sessions: "S2", ceus: "1.50"},
	{line: 5, name: "Cy Diaz", status: "rejected",
		reason: `"ECMO Update" is not a session of this event; did you mean S1 "ECMO Circuit Management Update"?`},
	{line: 6, name: "Di Evans", status: "rejected",
		reason: `"Ethics" is not a session of this event; did you mean S3 "Ethics in Perfusion Practice"?`},
	{line: 7, name: "Ed Fox", status: "rejected",
		reason: `names no session: list the sessions attended in column "Sessions Attended" (codes or titles, such as S1, S2, S3, S4); or credit every session to rows that name none (all_sessions=true)`},
	{line: 8, name: "Flo Gray", status: "created", sessions: "S1,S3", ceus: "3.00"},
	{line: 9, name: "Gus Hale", status: "rejected",
		reason: `"Pediatric Bypass" is not a session of this event; did you mean S4 "Pediatric Cardiopulmonary Bypass"?`},
	{line: 10, name: "Hana Ito", status: "rejected",
		reason: `"Blood Management" is not a session of this event; did you mean S2 "Blood Management, Conservation and Transfusion"?`},
}

// TestRegistrationExport posts a registration system's export through the API: the request
// validator leaves the CSV to the roster reader, the preview says per row what it credits
// (or the name of the row it rejects), and what is posted is exactly what each row named.
func TestRegistrationExport(t *testing.T) {
	file, err := os.ReadFile(registrationExport)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		e := w.eventWith(t, registrationSessions())
		post := func(query string) api.RosterResult {
			t.Helper()
			res, body := postCSV(t, w, e.ID, query, string(file))
			var out api.RosterResult
			if res.StatusCode != 200 || json.Unmarshal(body, &out) != nil {
				t.Fatalf("post %s: %d %s", query, res.StatusCode, body)
			}
			return out
		}
		preview := post("?dry_run=true&mode=partial")
		checkOutcomes(t, preview)
		if want := []string{"Registration ID", "Organization", "Registration Type", "Amount Paid"}; !slices.Equal(preview.IgnoredColumns, want) {
			t.Errorf("ignored columns %q, want %q", preview.IgnoredColumns, want)
		}
		if n := len(attendanceAt(t, st, e.ID)); n != 0 {
			t.Fatalf("the dry run wrote %d attendance", n)
		}

		posted := post("?mode=partial")
		checkOutcomes(t, posted)
		held := attendanceAt(t, st, e.ID)
		for i, want := range registrationOutcomes {
			id := value(posted.Rows[i].AttendanceID)
			if want.status != "created" {
				continue
			}
			if got := creditOf(e, held[id]); got != want.sessions+" "+want.ceus {
				t.Errorf("line %d: holds %q, want exactly what it named, %q", want.line, got, want.sessions+" "+want.ceus)
			}
		}
		if len(held) != 4 {
			t.Errorf("%d attendance posted, want the 4 rows that named sessions", len(held))
		}
	})
}

// checkOutcomes compares a roster's rows with registrationOutcomes.
func checkOutcomes(t *testing.T, res api.RosterResult) {
	t.Helper()
	if len(res.Rows) != len(registrationOutcomes) {
		t.Fatalf("%d rows, want %d", len(res.Rows), len(registrationOutcomes))
	}
	for i, want := range registrationOutcomes {
		r := res.Rows[i]
		got := exportOutcome{line: value(r.Line), name: value(r.Name), status: string(r.Status),
			sessions: strings.Join(r.Sessions, ","), ceus: value(r.Ceus)}
		if r.Status == "rejected" {
			got.reason = value(r.Reason)
		}
		if got != want {
			t.Errorf("line %d:\n got %+v\nwant %+v", want.line, got, want)
		}
	}
}

// eventWith is a published event of organization A with the sessions given.
func (w *world) eventWith(t *testing.T, sessions []recert.Session) recert.Event {
	t.Helper()
	d := sessions[0].Date
	e, err := w.env.Store.CreateEvent(context.Background(), recert.Event{OrganizationID: w.orgA.ID, Title: "Fall Meeting",
		Format: "in_person", TimeZone: "America/Chicago", StartDate: d, EndDate: d, Category: "I", Sessions: sessions}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if e, err = w.env.Store.SetEventStatus(context.Background(), e.ID, recert.EventPublished, "test"); err != nil {
		t.Fatal(err)
	}
	return e
}

// attendanceAt reads the event's attendance from the database, by id.
func attendanceAt(t *testing.T, st *store.Store, eventID string) map[string]recert.Attendance {
	t.Helper()
	list, _, err := st.EventAttendance(context.Background(), eventID, recert.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]recert.Attendance{}
	for _, a := range list {
		out[a.ID] = a
	}
	return out
}

// creditOf says what an attendance holds: its session codes and CEUs, "S1,S3 3.00".
func creditOf(e recert.Event, a recert.Attendance) string {
	var codes []string
	for _, s := range e.Sessions {
		if slices.ContainsFunc(a.Sessions, func(c recert.SessionCredit) bool { return c.SessionID == s.ID }) {
			codes = append(codes, s.Code)
		}
	}
	return strings.Join(codes, ",") + " " + a.Total().String()
}

// TestNoCreditByDefault: through the API, a row credits only what it names, and crediting
// every session is the organizer's explicit choice, part of what an Idempotency-Key covers.
func TestNoCreditByDefault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		e := w.eventWith(t, registrationSessions())
		post := func(in api.RosterInput, params *api.PostRosterParams) *api.PostRosterResponse {
			t.Helper()
			res, err := w.env.Client.PostRosterWithResponse(ctx, e.ID, params, in, w.as("organizer A"))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		dry := &api.PostRosterParams{DryRun: ptr(true)}

		res := post(rows(api.RosterRowInput{ABCPID: ptr("310001"), Name: ptr("No Sessions")},
			api.RosterRowInput{ABCPID: ptr("310002"), Name: ptr("Empty List"), Sessions: []string{}}), dry)
		if res.JSON200 == nil || res.JSON200.Totals.Rejected != 2 || !strings.HasPrefix(value(res.JSON200.Rows[1].Reason), "names no session") ||
			value(res.JSON200.Rows[1].Name) != "Empty List" || res.JSON200.Rows[0].Ceus != nil {
			t.Errorf("JSON rows naming no session: %s", res.Body)
		}
		res = post(rows(api.RosterRowInput{ABCPID: ptr("310001"), Name: ptr("Every Session")}), &api.PostRosterParams{DryRun: ptr(true), AllSessions: ptr(true)})
		if res.JSON200 == nil || res.JSON200.Totals.Created != 1 || strings.Join(res.JSON200.Rows[0].Sessions, ",") != "S1,S2,S3,S4" ||
			value(res.JSON200.Rows[0].Ceus) != "5.50" {
			t.Errorf("all_sessions=true: %s", res.Body)
		}
		res = post(rows(api.RosterRowInput{ABCPID: ptr("310003"), Name: ptr("Awarded"), Ceus: ptr("1.25")}), dry)
		if res.JSON200 == nil || res.JSON200.Rows[0].Sessions != nil || value(res.JSON200.Rows[0].Ceus) != "1.25" {
			t.Errorf("CEUs instead of sessions: %s", res.Body)
		}

		// A CSV that cannot name sessions is refused whole, saying how to name them.
		r, b := postCSV(t, w, e.ID, "", "abcp_id,name\r\n310001,No Column\r\n")
		if p := problemOf(t, r, b); r.StatusCode != 422 || !strings.Contains(value(p.Detail), "add a sessions column") {
			t.Errorf("CSV without a sessions column: %d %s", r.StatusCode, b)
		}
		if r, b = postCSV(t, w, e.ID, "?dry_run=true&all_sessions=true", "abcp_id,name\r\n310001,No Column\r\n"); r.StatusCode != 200 || !strings.Contains(string(b), `"ceus":"5.50"`) {
			t.Errorf("CSV without a sessions column, all_sessions=true: %d %s", r.StatusCode, b)
		}
		// A column that lists sessions is not dropped, even when its header is not attendance.
		registered := "email,Sessions Attended,Sessions Registered\r\n" +
			"a@example.org,S1,S1; S2\r\nb@example.org,S2,\"Blood Management, Conservation and Transfusion\"\r\nc@example.org,S3,S3|S4\r\n"
		r, b = postCSV(t, w, e.ID, "?dry_run=true", registered)
		if p := problemOf(t, r, b); r.StatusCode != 422 || !strings.Contains(value(p.Detail), `column "Sessions Registered" lists sessions of this event (3 of its 3 filled cells)`) {
			t.Errorf("an ignored column listing sessions: %d %s", r.StatusCode, b)
		}

		// all_sessions is part of the request an Idempotency-Key identifies.
		key := "no-credit-by-default-1"
		in := rows(api.RosterRowInput{ABCPID: ptr("310004"), Name: ptr("Keyed"), Sessions: []string{"S1"}})
		if first := post(in, &api.PostRosterParams{IdempotencyKey: &key}); first.JSON200 == nil {
			t.Fatalf("keyed post: %s", first.Body)
		}
		if again := post(in, &api.PostRosterParams{IdempotencyKey: &key, AllSessions: ptr(true)}); again.StatusCode() != 422 {
			t.Errorf("the same key with all_sessions=true: %d %s", again.StatusCode(), again.Body)
		}
	})
}

// problemOf decodes a problem response's body.
func problemOf(t *testing.T, res *http.Response, body []byte) api.Problem {
	t.Helper()
	var p api.Problem
	if res.StatusCode >= 400 && json.Unmarshal(body, &p) != nil {
		t.Errorf("not a problem: %s", body)
	}
	return p
}
