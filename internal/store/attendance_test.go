package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/roster"
	"github.com/recert-dev/recert/internal/store"
)

// fixture is an organization with a published meeting that straddles 30 June (sessions S1,
// S2 and S3 worth 2.00, 3.00 and 1.00 CEUs on 29 June, 30 June and 1 July, the last one in
// category II) and one known member.
type fixture struct {
	st    *store.Store
	org   recert.Organization
	event recert.Event
	s1    recert.Session
	s2    recert.Session
	s3    recert.Session
	jane  recert.Member // ABCP 100001, email stored as Jane.Doe@Example.org, not related to org
}

func newFixture(t *testing.T, st *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	org := newOrg(t, st, "AMSECT")
	day3 := session(t, "Day 3", "2026-07-01", 100)
	day3.Category = "II"
	e := createEvent(t, st, meeting(org.ID, "Summer Meeting", "2026-06-29", "2026-07-01", t,
		session(t, "Day 1", "2026-06-29", 200, "ethics"),
		session(t, "Day 2", "2026-06-30", 300),
		day3))
	e = publish(t, st, e)
	jane, err := st.CreateMember(ctx, recert.Member{Name: "Jane Doe", ABCPID: "100001", Email: "Jane.Doe@Example.org"}, "", "usr_admin")
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, org: org, event: e, s1: e.Sessions[0], s2: e.Sessions[1], s3: e.Sessions[2], jane: jane}
}

// rosterInput is a roster for the event as the API hands it to the ledger: rows numbered in
// order and checked for syntax, posted by usr_org with sight of every member unless opts
// says otherwise.
func rosterInput(eventID string, rows []recert.RosterRow, opts ledger.RosterInput) ledger.RosterInput {
	in := opts
	in.EventID = eventID
	// These tests are about what is stored: a row naming no session stands for every session,
	// as the organizer's explicit all_sessions choice (the default is tested in the ledger).
	in.AllSessions = true
	in.Rows = slices.Clone(rows)
	in.Invalid = map[int][]recert.FieldError{}
	for i := range in.Rows {
		in.Rows[i].Index = i
		if bad := roster.CheckRow(in.Rows[i]); len(bad) > 0 {
			in.Invalid[i] = bad
		}
	}
	if in.Actor == "" {
		in.Actor = "usr_org"
	}
	if in.Viewer.None() { // unless a test says who reads: an administrator
		in.Viewer = recert.AllOrganizations()
	}
	return in
}

// post posts a roster to the event through the ledger.
func post(t testing.TB, st *store.Store, eventID string, rows []recert.RosterRow, opts ledger.RosterInput) (ledger.RosterResult, error) {
	t.Helper()
	return ledger.NewRosters(st, nil).Post(context.Background(), rosterInput(eventID, rows, opts))
}

func (f fixture) post(t *testing.T, rows []recert.RosterRow, opts ledger.RosterInput) (ledger.RosterResult, error) {
	t.Helper()
	return post(t, f.st, f.event.ID, rows, opts)
}

func (f fixture) mustPost(t *testing.T, rows ...recert.RosterRow) ledger.RosterResult {
	t.Helper()
	res, err := f.post(t, rows, ledger.RosterInput{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (f fixture) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := f.st.DB().Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// counts is the number of rows of every table a roster writes.
func (f fixture) counts(t *testing.T) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"members", "organization_members", "attendance", "attendance_sessions", "history", "roster_postings", "idempotency_keys"} {
		out[table] = f.count(t, table)
	}
	return out
}

// credited is counts without the postings: what changes a member's credit or record.
func (f fixture) credited(t *testing.T) map[string]int64 {
	t.Helper()
	c := f.counts(t)
	delete(c, "roster_postings")
	return c
}

func statuses(res ledger.RosterResult) []string {
	var s []string
	for _, r := range res.Rows {
		s = append(s, r.Status)
	}
	return s
}

func units(u recert.Units) *recert.Units { return &u }

// day is the date a history entry was made, as a roster's reasons give it.
func day(c recert.AttendanceChange) string { return c.At.UTC().Format(time.DateOnly) }

func TestRosterRepeatedIsUnchanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		rows := []recert.RosterRow{
			{Email: "JANE.doe@example.ORG", Sessions: []string{f.s2.ID, f.s1.ID}},   // known, by email in another case
			{ABCPID: "200002", Name: "Sam Park"},                                    // new, all sessions
			{Email: "Lee@Example.org", Name: "Lee Chen", CEUs: units(450)},          // new, CEUs awarded
			{ABCPID: "300003", Name: "Kim Lo", Sessions: []string{"s3", " day 1 "}}, // new, sessions by code and title
		}
		first := f.mustPost(t, rows...)
		if diff := cmp.Diff([]string{ledger.RowCreated, ledger.RowCreated, ledger.RowCreated, ledger.RowCreated}, statuses(first)); diff != "" {
			t.Fatalf("first post (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(&ledger.RowMember{ID: f.jane.ID, Name: "Jane Doe", MatchedBy: "email"}, first.Rows[0].Member); diff != "" {
			t.Errorf("known member (-want +got):\n%s", diff)
		}
		if m := first.Rows[1].Member; m == nil || !m.Created || m.ID == "" || m.Name != "Sam Park" || first.Rows[2].AttendanceID == "" {
			t.Errorf("first rows = %+v", first.Rows)
		}
		if diff := cmp.Diff(map[string]int{ledger.RowCreated: 4, "members_created": 3}, first.Totals); diff != "" || first.PostingID == "" {
			t.Errorf("totals (-want +got):\n%s posting %q", diff, first.PostingID)
		}
		before := f.counts(t)
		// Attendance relates members to the organization by itself: no relation rows.
		want := map[string]int64{"members": 4, "organization_members": 0, "attendance": 4, "attendance_sessions": 7, "history": 4,
			"roster_postings": 1, "idempotency_keys": 0}
		if diff := cmp.Diff(want, before); diff != "" {
			t.Errorf("rows after the first post (-want +got):\n%s", diff)
		}

		second := f.mustPost(t, rows...)
		if diff := cmp.Diff(map[string]int{ledger.RowUnchanged: 4}, second.Totals); diff != "" {
			t.Errorf("second post (-want +got):\n%s", diff)
		}
		for i := range second.Rows {
			a, b := first.Rows[i], second.Rows[i]
			if b.AttendanceID != a.AttendanceID || b.Member == nil || b.Member.ID != a.Member.ID || b.Member.Created || b.Changes != nil {
				t.Errorf("row %d: second %+v, first %+v", i, b, a)
			}
		}
		delete(before, "roster_postings")
		if diff := cmp.Diff(before, f.credited(t)); diff != "" {
			t.Errorf("the second post wrote (-before +after):\n%s", diff)
		}
		credits, err := st.Credits(ctx, recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: first.Rows[1].Member.ID})
		if err != nil || len(credits) != 3 {
			t.Errorf("credits of an all-sessions attendee = %v, %v; want 3, no double credit", len(credits), err)
		}

		a, err := st.Attendance(ctx, first.Rows[0].AttendanceID)
		if err != nil {
			t.Fatal(err)
		}
		wantA := recert.Attendance{
			ID: first.Rows[0].AttendanceID, EventID: f.event.ID, MemberID: f.jane.ID, Version: 1,
			Sessions: []recert.SessionCredit{{SessionID: f.s1.ID, CEUs: 200}, {SessionID: f.s2.ID, CEUs: 300}},
			Audit:    recert.Audit{CreatedAt: a.CreatedAt, CreatedBy: "usr_org", UpdatedAt: a.CreatedAt, UpdatedBy: "usr_org"},
		}
		if diff := cmp.Diff(wantA, a, equateEmpty); diff != "" {
			t.Errorf("attendance (-want +got):\n%s", diff)
		}
		kim, err := st.Attendance(ctx, first.Rows[3].AttendanceID)
		if err != nil || len(kim.Sessions) != 2 || kim.Sessions[0].SessionID != f.s1.ID || kim.Sessions[1].SessionID != f.s3.ID {
			t.Errorf("sessions named by code and title = %+v, %v", kim.Sessions, err)
		}
		h, err := st.AttendanceHistory(ctx, a.ID)
		if err != nil || len(h) != 1 || h[0].Source != recert.SourceRoster || h[0].PostingID != first.PostingID {
			t.Errorf("history = %+v, %v", h, err)
		}
	})
}

func TestRosterUnknownAttendeeBecomesMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		res := f.mustPost(t,
			recert.RosterRow{ABCPID: "300003", Email: "New.Person@Example.ORG", Name: "New Person"},
			recert.RosterRow{ABCPID: "100001"})
		created := res.Rows[0].Member
		if created == nil || !created.Created || created.Name != "New Person" {
			t.Fatalf("created member = %+v", created)
		}
		m, err := st.Member(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Name != "New Person" || m.ABCPID != "300003" || m.Email != "new.person@example.org" || m.Status != "active" || m.Claimed || m.CreatedBy != "usr_org" {
			t.Errorf("created member = %+v", m)
		}
		for _, id := range []string{m.ID, f.jane.ID} {
			related, err := st.MemberRelated(ctx, id, recert.OrganizationsScope(f.org.ID))
			if err != nil || !related {
				t.Errorf("member %s related to the organization: %v, %v", id, related, err)
			}
		}
	})
}

func TestRosterMatching(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		noABCP, err := st.CreateMember(ctx, recert.Member{Name: "Pat Noid", Email: "pat@example.org"}, "", "usr_admin")
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name     string
			row      recert.RosterRow
			viewer   recert.Scope
			member   *ledger.RowMember
			proposed string
			warnings []string
		}{
			{"by ABCP ID with another email", recert.RosterRow{ABCPID: "100001", Email: "jane@home.example"}, recert.Scope{},
				&ledger.RowMember{ID: f.jane.ID, Name: "Jane Doe", MatchedBy: "abcp_id"},
				"", []string{"jane@home.example is not the email on the member's record; the row was matched by ABCP ID"}},
			{"by email, the ABCP ID proposed", recert.RosterRow{ABCPID: "700007", Email: "PAT@example.org"}, recert.Scope{},
				&ledger.RowMember{ID: noABCP.ID, Name: "Pat Noid", MatchedBy: "email"},
				"700007", []string{"the member's record has no ABCP ID; 700007 is proposed, not written: the member or an administrator sets it"}},
			{"another name", recert.RosterRow{ABCPID: "100001", Name: "J. Doe"}, recert.Scope{},
				&ledger.RowMember{ID: f.jane.ID, Name: "Jane Doe", MatchedBy: "abcp_id"},
				"", []string{`the roster's name "J. Doe" differs from the member's record (Jane Doe)`}},
			{"the same name in another case and accents", recert.RosterRow{ABCPID: "100001", Name: "JANE  DOÉ"}, recert.Scope{},
				&ledger.RowMember{ID: f.jane.ID, Name: "Jane Doe", MatchedBy: "abcp_id"}, "", []string{}},
			{"a member the organizer may not see", recert.RosterRow{ABCPID: "100001", Name: "J. Doe"}, recert.OrganizationsScope(f.org.ID),
				&ledger.RowMember{MatchedBy: "abcp_id"},
				"", []string{`the roster's name "J. Doe" differs from the name on the member's record`}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res, err := f.post(t, []recert.RosterRow{c.row}, ledger.RosterInput{DryRun: true, Viewer: c.viewer})
				if err != nil {
					t.Fatal(err)
				}
				r := res.Rows[0]
				if diff := cmp.Diff(c.member, r.Member); diff != "" || r.Status != ledger.RowCreated || r.ProposedABCPID != c.proposed {
					t.Errorf("%s, proposed %q, member (-want +got):\n%s", r.Status, r.ProposedABCPID, diff)
				}
				if diff := cmp.Diff(c.warnings, r.Warnings); diff != "" {
					t.Errorf("warnings (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("a proposed ABCP ID is not written", func(t *testing.T) {
			f.mustPost(t, recert.RosterRow{ABCPID: "700007", Email: "pat@example.org"})
			m, err := st.Member(ctx, noABCP.ID)
			if err != nil || m.ABCPID != "" || m.Version != 1 {
				t.Errorf("member = %+v, %v", m, err)
			}
		})
	})
}

func TestRosterRejections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		other := createEvent(t, st, meeting(f.org.ID, "Other", "2026-08-01", "2026-08-01", t, session(t, "X", "2026-08-01", 100)))
		if _, err := st.CreateMember(context.Background(), recert.Member{Name: "Kim", ABCPID: "400004", Email: "kim@example.org"}, "", "usr_admin"); err != nil {
			t.Fatal(err)
		}
		good := recert.RosterRow{ABCPID: "200002", Name: "Sam"}
		cases := []struct {
			name    string
			rows    []recert.RosterRow // the last row is the rejected one
			pointer string
			detail  string
		}{
			{"no ABCP ID nor email", []recert.RosterRow{good, {Name: "X"}}, "#/rows/1/abcp_id", "row 2: needs an ABCP ID or an email to identify the attendee"},
			{"malformed ABCP ID", []recert.RosterRow{good, {ABCPID: "12ab56", Name: "X"}}, "#/rows/1/abcp_id", `row 2: "12ab56" is not an ABCP ID: it must be exactly 6 digits`},
			{"sessions and CEUs", []recert.RosterRow{good, {ABCPID: "100001", Sessions: []string{f.s1.ID}, CEUs: units(100)}}, "#/rows/1/ceus",
				"row 2: cannot be given with sessions: CEUs are awarded instead of sessions"},
			{"session of another event", []recert.RosterRow{good, {ABCPID: "100001", Sessions: []string{f.s1.ID, other.Sessions[0].ID}}}, "#/rows/1/sessions",
				`row 2: "` + other.Sessions[0].ID + `" is not a session of this event; its sessions are S1, S2, S3`},
			{"unknown session code", []recert.RosterRow{good, {ABCPID: "100001", Sessions: []string{"S4"}}}, "#/rows/1/sessions",
				`row 2: "S4" is not a session of this event; its sessions are S1, S2, S3`},
			{"CEUs above what the event offers", []recert.RosterRow{good, {ABCPID: "100001", CEUs: units(700)}}, "#/rows/1/ceus", "row 2: awards 7.00 CEUs; the event offers 6.00"},
			{"zero CEUs", []recert.RosterRow{good, {ABCPID: "100001", CEUs: units(0)}}, "#/rows/1/ceus", "row 2: CEUs must be more than 0.00"},
			{"ABCP ID and email of two members", []recert.RosterRow{good, {ABCPID: "100001", Email: "KIM@example.org"}}, "#/rows/1/email",
				"row 2: ABCP ID 100001 is Jane Doe's; KIM@example.org belongs to another member"},
			{"unknown ABCP ID with another member's email", []recert.RosterRow{good, {ABCPID: "999999", Email: "kim@example.org"}}, "#/rows/1/abcp_id",
				"row 2: no member has ABCP ID 999999, and kim@example.org belongs to Kim, whose ABCP ID is different"},
			{"unknown attendee without a name", []recert.RosterRow{good, {ABCPID: "500005", Email: "who@example.org"}}, "#/rows/1/name",
				"row 2: no member has this ABCP ID or email; give a name to create one"},
			{"unknown member id", []recert.RosterRow{good, {MemberID: "mem_nope"}}, "#/rows/1/member_id", "row 2: no such member"},
			{"same known member twice", []recert.RosterRow{good, {ABCPID: "100001"}, {Email: "jane.doe@example.org"}}, "#/rows/2/email", "row 3: same attendee as row 2"},
			{"same new member twice", []recert.RosterRow{good, {ABCPID: "200002", Email: "sam@example.org", Name: "Sam"}}, "#/rows/1/abcp_id", "row 2: same attendee as row 1"},
			{"same new email twice", []recert.RosterRow{{Email: "x@example.org", Name: "X"}, {ABCPID: "600006", Email: "X@example.org", Name: "X"}}, "#/rows/1/email",
				"row 2: same attendee as row 1"},
			{"a CSV row is named by its line", []recert.RosterRow{{Line: 2, ABCPID: "200002", Name: "Sam"}, {Line: 14, Name: "X"}}, "#/line/14/abcp_id",
				"line 14: needs an ABCP ID or an email to identify the attendee"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.counts(t)
				res, err := f.post(t, c.rows, ledger.RosterInput{})
				var re *recert.Error
				if !errors.As(err, &re) || re.Code != recert.EINVALID ||
					re.Message != "1 of "+strconv.Itoa(len(c.rows))+" rows are invalid; nothing was written (mode=partial writes the valid rows)" {
					t.Fatalf("error = %v", err)
				}
				want := []recert.FieldError{{Location: "body", Pointer: c.pointer, Detail: c.detail}}
				if diff := cmp.Diff(want, re.Fields); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				last := res.Rows[len(res.Rows)-1]
				if last.Status != ledger.RowRejected || last.Reason == "" || !strings.HasSuffix(c.detail, last.Reason) || !cmp.Equal(last.Errors, re.Fields) ||
					last.Member != nil || last.AttendanceID != "" {
					t.Errorf("rejected row = %+v", last)
				}
				if r := res.Rows[0]; r.Status != ledger.RowCreated || r.Member == nil || !r.Member.Created || r.Member.ID != "" || r.AttendanceID != "" {
					t.Errorf("valid row of an atomic rejection = %+v", r)
				}
				if res.PostingID != "" || res.Totals[ledger.RowRejected] != 1 {
					t.Errorf("posting %q, totals %v", res.PostingID, res.Totals)
				}
				if diff := cmp.Diff(before, f.counts(t)); diff != "" {
					t.Errorf("an atomic rejection wrote (-before +after):\n%s", diff)
				}
			})
		}
		t.Run("every rejected row is listed", func(t *testing.T) {
			_, err := f.post(t, []recert.RosterRow{{}, good, {ABCPID: "100001", CEUs: units(900)}}, ledger.RosterInput{})
			var re *recert.Error
			if !errors.As(err, &re) || re.Message != "2 of 3 rows are invalid; nothing was written (mode=partial writes the valid rows)" ||
				len(re.Fields) != 2 || re.Fields[0].Pointer != "#/rows/0/abcp_id" || re.Fields[1].Pointer != "#/rows/2/ceus" {
				t.Errorf("error = %+v", err)
			}
		})
	})
}

func TestRosterChangedRowIsUpdated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		first := f.mustPost(t, recert.RosterRow{ABCPID: "100001", Sessions: []string{"S1"}}, recert.RosterRow{ABCPID: "200002", Name: "Sam"})
		second, err := f.post(t, []recert.RosterRow{{ABCPID: "100001", Sessions: []string{"S1", "S3"}}, {ABCPID: "200002"}}, ledger.RosterInput{Actor: "usr_fix"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{ledger.RowUpdated, ledger.RowUnchanged}, statuses(second)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if second.Rows[0].AttendanceID != first.Rows[0].AttendanceID {
			t.Errorf("updated attendance got a new id: %s", second.Rows[0].AttendanceID)
		}
		wantChanges := &ledger.AttendanceChanges{SessionsBefore: []string{"S1"}, SessionsAfter: []string{"S1", "S3"}, CEUsBefore: 200, CEUsAfter: 300, Sessions: true, CEUs: true}
		if diff := cmp.Diff(wantChanges, second.Rows[0].Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		a, err := st.Attendance(ctx, first.Rows[0].AttendanceID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 2 || a.UpdatedBy != "usr_fix" || a.CreatedBy != "usr_org" || a.Total() != 300 || len(a.Sessions) != 2 || a.Sessions[1].SessionID != f.s3.ID {
			t.Errorf("updated attendance = %+v", a)
		}
		h, err := st.AttendanceHistory(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Action != "created" || h[0].Before != nil || h[0].PostingID != first.PostingID ||
			h[1].Action != "updated" || h[1].Actor != "usr_fix" || h[1].Reason != "posted by roster" || h[1].Source != recert.SourceRoster || h[1].PostingID != second.PostingID {
			t.Fatalf("history = %+v", h)
		}
		t.Run("the history holds the record as stored", func(t *testing.T) {
			if diff := cmp.Diff(h[0].After, *h[1].Before, equateEmpty); diff != "" {
				t.Errorf("before of the update is not after of the creation:\n%s", diff)
			}
			if diff := cmp.Diff(a, h[1].After, equateEmpty); diff != "" {
				t.Errorf("after of the update (-stored +history):\n%s", diff)
			}
		})
		if n := f.count(t, "attendance_sessions"); n != 5 {
			t.Errorf("attendance_sessions = %d, want 2 + 3", n)
		}
		postings, err := st.Postings(ctx, f.event.ID)
		if err != nil || len(postings) != 2 || postings[0].ID != second.PostingID || postings[0].Updated != 1 || postings[0].Created != 0 || postings[0].Rows != 2 ||
			postings[1].ID != first.PostingID || postings[1].Created != 2 || postings[1].CreatedBy != "usr_org" {
			t.Errorf("postings = %+v, %v", postings, err)
		}

		t.Run("switching to CEUs awarded drops the sessions; the others are listed as left out", func(t *testing.T) {
			res := f.mustPost(t, recert.RosterRow{ABCPID: "100001", CEUs: units(150)})
			a, _ := st.Attendance(ctx, res.Rows[0].AttendanceID)
			if res.Rows[0].Status != ledger.RowUpdated || a.CEUsAwarded != 150 || len(a.Sessions) != 0 || a.Version != 3 {
				t.Errorf("row %+v, attendance %+v", res.Rows[0], a)
			}
			want := []ledger.NotListed{{AttendanceID: first.Rows[1].AttendanceID, Member: ledger.RowMember{ID: first.Rows[1].Member.ID}}}
			if diff := cmp.Diff(want, res.NotListed); diff != "" {
				t.Errorf("not listed (-want +got):\n%s", diff)
			}
			if sam, _ := st.Attendance(ctx, first.Rows[1].AttendanceID); sam.Revoked {
				t.Error("an attendee left out was revoked")
			}
		})
	})
}

func TestRosterGrid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		// A spreadsheet with a column per session, headed by its code or title, and one of its own.
		res, err := f.post(t, []recert.RosterRow{
			{Line: 2, ABCPID: "100001", Marks: []string{"x", "", "B-12"}},
			{Line: 3, ABCPID: "200002", Name: "Sam", Marks: []string{"", "yes", ""}},
			{Line: 4, ABCPID: "300003", Name: "Kim", Marks: []string{"maybe", "", ""}},
			{Line: 5, ABCPID: "400004", Name: "Lee"},
		}, ledger.RosterInput{Extra: []string{"s1", "Day 2", "Badge"}, Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{ledger.RowCreated, ledger.RowCreated, ledger.RowRejected, ledger.RowRejected}, statuses(res)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Badge"}, res.Ignored); diff != "" {
			t.Errorf("ignored columns (-want +got):\n%s", diff)
		}
		wantErrors := [][]recert.FieldError{
			{{Location: "body", Pointer: "#/line/4/s1", Detail: `line 4: "maybe" under session s1 is not a mark: use x (or yes, 1) for attended, and leave it blank otherwise`}},
			{{Location: "body", Pointer: "#/line/5/sessions", Detail: "line 5: marks no session: put x under each session attended"}},
		}
		if diff := cmp.Diff(wantErrors, [][]recert.FieldError{res.Rows[2].Errors, res.Rows[3].Errors}); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
		for i, want := range []string{f.s1.ID, f.s2.ID} {
			a, err := st.Attendance(ctx, res.Rows[i].AttendanceID)
			if err != nil || len(a.Sessions) != 1 || a.Sessions[0].SessionID != want {
				t.Errorf("row %d: attendance %+v, %v; want session %s only", i, a, err, want)
			}
		}
		t.Run("a mark under a column that is no session is refused", func(t *testing.T) {
			_, err := f.post(t, []recert.RosterRow{{Line: 2, ABCPID: "100001", Marks: []string{"x", "x"}}}, ledger.RosterInput{Extra: []string{"S1", "S9"}})
			var re *recert.Error
			if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Pointer != "#/line/2/S9" {
				t.Errorf("error = %v", err)
			}
		})
	})
}

func TestRosterPartialWritesValidRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		res, err := f.post(t, []recert.RosterRow{
			{ABCPID: "200002", Name: "Sam"},
			{ABCPID: "100001", CEUs: units(700)},
			{ABCPID: "300003"},
			{ABCPID: "100001", Sessions: []string{f.s3.ID}},
		}, ledger.RosterInput{Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{ledger.RowCreated, ledger.RowRejected, ledger.RowRejected, ledger.RowCreated}, statuses(res)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if r := res.Rows; r[0].Member.ID == "" || r[0].AttendanceID == "" || r[3].Member.ID != f.jane.ID || r[3].AttendanceID == "" || res.PostingID == "" {
			t.Errorf("written rows = %+v", res.Rows)
		}
		if n := f.count(t, "attendance"); n != 2 {
			t.Errorf("attendance = %d, want 2", n)
		}
		if n := f.count(t, "members"); n != 2 {
			t.Errorf("members = %d, want jane and sam", n)
		}
		postings, err := f.st.Postings(context.Background(), f.event.ID)
		if err != nil || len(postings) != 1 || postings[0].Rows != 4 || postings[0].Created != 2 || postings[0].Updated != 0 {
			t.Errorf("postings = %+v, %v", postings, err)
		}
	})
}

func TestRosterDryRunWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		att := f.mustPost(t, recert.RosterRow{ABCPID: "100001", Sessions: []string{f.s1.ID}}).Rows[0].AttendanceID
		before := f.counts(t)
		rows := []recert.RosterRow{
			{Index: 0, ABCPID: "100001"},                 // update
			{Index: 1, ABCPID: "200002", Name: "Sam"},    // would create a member
			{Index: 2, ABCPID: "300003", CEUs: units(0)}, // rejected
		}
		res, err := f.post(t, rows, ledger.RosterInput{DryRun: true, Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		rejected := recert.FieldError{Location: "body", Pointer: "#/rows/2/ceus", Detail: "row 3: CEUs must be more than 0.00"}
		want := ledger.RosterResult{
			EventID: f.event.ID,
			Rows: []ledger.RowResult{
				{Row: rows[0], Status: ledger.RowUpdated, Member: &ledger.RowMember{ID: f.jane.ID, Name: "Jane Doe", MatchedBy: "abcp_id"}, AttendanceID: att,
					Changes:  &ledger.AttendanceChanges{SessionsBefore: []string{"S1"}, SessionsAfter: []string{"S1", "S2", "S3"}, CEUsBefore: 200, CEUsAfter: 600, Sessions: true, CEUs: true},
					Warnings: []string{}, Credit: &ledger.RowCredit{Sessions: []string{"S1", "S2", "S3"}, CEUs: 600}},
				{Row: rows[1], Status: ledger.RowCreated, Member: &ledger.RowMember{Name: "Sam", Created: true}, Warnings: []string{},
					Credit: &ledger.RowCredit{Sessions: []string{"S1", "S2", "S3"}, CEUs: 600}},
				{Row: rows[2], Status: ledger.RowRejected, Reason: "CEUs must be more than 0.00", Errors: []recert.FieldError{rejected}, Warnings: []string{}},
			},
			Warnings: []string{}, Ignored: []string{}, NotListed: []ledger.NotListed{},
			Totals: map[string]int{ledger.RowUpdated: 1, ledger.RowCreated: 1, ledger.RowRejected: 1, "members_created": 1},
		}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, f.counts(t)); diff != "" {
			t.Errorf("a dry run wrote (-before +after):\n%s", diff)
		}

		t.Run("an atomic dry run reports its rejections without failing", func(t *testing.T) {
			atomic, err := f.post(t, rows, ledger.RosterInput{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, atomic); diff != "" {
				t.Errorf("result (-partial +atomic):\n%s", diff)
			}
			if diff := cmp.Diff(before, f.counts(t)); diff != "" {
				t.Errorf("a dry run wrote (-before +after):\n%s", diff)
			}
		})
	})
}

func TestRosterEventMustBePublished(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := newOrg(t, st, "WPS")
		draft := createEvent(t, st, meeting(org.ID, "Draft", "2026-05-01", "2026-05-01", t, session(t, "S", "2026-05-01", 100)))
		cancelled := createEvent(t, st, meeting(org.ID, "Cancelled", "2026-05-01", "2026-05-01", t, session(t, "S", "2026-05-01", 100)))
		if _, err := st.SetEventStatus(ctx, cancelled.ID, recert.EventCancelled, "usr_org"); err != nil {
			t.Fatal(err)
		}
		rows := []recert.RosterRow{{ABCPID: "100001", Name: "Jane"}}
		cases := []struct {
			name, id, code, message string
		}{
			{"draft", draft.ID, recert.ECONFLICT, "publish event " + draft.ID + " before posting attendance"},
			{"cancelled", cancelled.ID, recert.ECONFLICT, "event " + cancelled.ID + " is cancelled"},
			{"unknown", "evt_nope", recert.ENOTFOUND, "event evt_nope not found"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				for _, dry := range []bool{false, true} {
					res, err := post(t, st, c.id, rows, ledger.RosterInput{DryRun: dry})
					var re *recert.Error
					if !errors.As(err, &re) || re.Code != c.code || re.Message != c.message || res.Rows != nil {
						t.Errorf("dry run %v: error = %v, rows %v", dry, err, res.Rows)
					}
				}
			})
		}
	})
}

func TestRosterIdempotency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		idem := ledger.NewIdempotency(st, st)
		rosters := ledger.NewRosters(st, nil)
		runs := 0
		// run posts the rows and answers with the posting, as the API renders it.
		run := func(rows ...recert.RosterRow) func(ctx context.Context) (ledger.Response, error) {
			return func(ctx context.Context) (ledger.Response, error) {
				runs++
				res, err := rosters.Post(ctx, rosterInput(f.event.ID, rows, ledger.RosterInput{}))
				if err != nil {
					return ledger.Response{}, err
				}
				return ledger.Response{Status: 200, Body: []byte(`{"posting_id":"` + res.PostingID + `"}`)}, nil
			}
		}
		key := &ledger.IdempotencyKey{Principal: "usr_org", Key: "key-1", RequestHash: "sha256:abc"}
		first, err := idem.Do(ctx, key, run(recert.RosterRow{ABCPID: "200002", Name: "Sam"}))
		if err != nil {
			t.Fatal(err)
		}
		if first.Status != 200 || first.Replayed || runs != 1 {
			t.Errorf("first response = %+v after %d runs", first, runs)
		}
		hash, stored, found, err := st.IdempotentResponse(ctx, "usr_org", "key-1")
		if err != nil || !found || hash != "sha256:abc" || stored.Status != 200 || string(stored.Body) != string(first.Body) || stored.Replayed {
			t.Errorf("stored response = %q %+v %v %v", hash, stored, found, err)
		}
		if _, _, found, _ := st.IdempotentResponse(ctx, "usr_other", "key-1"); found {
			t.Error("another principal's key was found")
		}

		t.Run("a retry gets the stored response and writes nothing", func(t *testing.T) {
			before := f.counts(t)
			again, err := idem.Do(ctx, key, run(recert.RosterRow{ABCPID: "200002", Name: "Sam"}))
			if err != nil || !again.Replayed || again.Status != 200 || string(again.Body) != string(first.Body) || runs != 1 {
				t.Errorf("retry = %+v, %v after %d runs", again, err, runs)
			}
			if diff := cmp.Diff(before, f.counts(t)); diff != "" {
				t.Errorf("wrote (-before +after):\n%s", diff)
			}
		})
		t.Run("the key with another request is refused and writes nothing", func(t *testing.T) {
			before := f.counts(t)
			other := *key
			other.RequestHash = "sha256:def"
			_, err := idem.Do(ctx, &other, run(recert.RosterRow{ABCPID: "300003", Name: "Lee"}))
			var re *recert.Error
			if !errors.As(err, &re) || re.Code != recert.EINVALID || len(re.Fields) != 1 || re.Fields[0].Pointer != "#/Idempotency-Key" || runs != 1 {
				t.Errorf("error = %v after %d runs", err, runs)
			}
			if diff := cmp.Diff(before, f.counts(t)); diff != "" {
				t.Errorf("wrote (-before +after):\n%s", diff)
			}
		})
		t.Run("saving over a live key is a conflict", func(t *testing.T) {
			err := st.SaveIdempotentResponse(ctx, *key, ledger.Response{Status: 200, Body: []byte("{}")})
			var re *recert.Error
			if !errors.As(err, &re) || re.Code != recert.ECONFLICT || re.Message != "a request with this Idempotency-Key was already made" {
				t.Errorf("error = %v", err)
			}
		})
		t.Run("a failing request writes nothing and stores no key", func(t *testing.T) {
			before := f.counts(t)
			boom := errors.New("boom")
			k := &ledger.IdempotencyKey{Principal: "usr_org", Key: "key-2", RequestHash: "h"}
			_, err := idem.Do(ctx, k, func(ctx context.Context) (ledger.Response, error) {
				if _, err := run(recert.RosterRow{ABCPID: "300003", Name: "Lee"})(ctx); err != nil {
					return ledger.Response{}, err
				}
				return ledger.Response{}, boom
			})
			if !errors.Is(err, boom) {
				t.Errorf("error = %v", err)
			}
			if diff := cmp.Diff(before, f.counts(t)); diff != "" {
				t.Errorf("wrote (-before +after):\n%s", diff)
			}
		})
		t.Run("an atomic rejection stores no key", func(t *testing.T) {
			k := &ledger.IdempotencyKey{Principal: "usr_org", Key: "key-3", RequestHash: "h"}
			_, err := idem.Do(ctx, k, run(recert.RosterRow{}))
			wantCode(t, err, recert.EINVALID)
			if _, _, found, _ := st.IdempotentResponse(ctx, "usr_org", "key-3"); found {
				t.Error("key stored")
			}
		})
		t.Run("a response that is not a success is not stored", func(t *testing.T) {
			k := &ledger.IdempotencyKey{Principal: "usr_org", Key: "key-4", RequestHash: "h"}
			r, err := idem.Do(ctx, k, func(context.Context) (ledger.Response, error) { return ledger.Response{Status: 409}, nil })
			if err != nil || r.Status != 409 {
				t.Errorf("response = %+v, %v", r, err)
			}
			if _, _, found, _ := st.IdempotentResponse(ctx, "usr_org", "key-4"); found {
				t.Error("key stored")
			}
		})
		t.Run("expired keys are not found, then purged and reusable", func(t *testing.T) {
			past := time.Now().UTC().Add(-73 * time.Hour).Truncate(time.Microsecond)
			err := st.DB().Exec(`INSERT INTO idempotency_keys (principal, "key", request_hash, status, response, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				"usr_org", "old", "h", 200, "{}", past, past.Add(72*time.Hour)).Error
			if err != nil {
				t.Fatal(err)
			}
			if _, _, found, err := st.IdempotentResponse(ctx, "usr_org", "old"); found || err != nil {
				t.Errorf("expired key found: %v %v", found, err)
			}
			r, err := idem.Do(ctx, &ledger.IdempotencyKey{Principal: "usr_org", Key: "old", RequestHash: "h2"}, run(recert.RosterRow{ABCPID: "100001"}))
			if err != nil || r.Replayed {
				t.Fatalf("reusing an expired key: %+v, %v", r, err)
			}
			if h, _, found, _ := st.IdempotentResponse(ctx, "usr_org", "old"); !found || h != "h2" {
				t.Errorf("reused key = %q %v", h, found)
			}
			err = st.DB().Exec(`UPDATE idempotency_keys SET expires_at = ? WHERE "key" = ?`, past, "old").Error
			if err != nil {
				t.Fatal(err)
			}
			n, err := st.PurgeIdempotencyKeys(ctx)
			if err != nil || n != 1 {
				t.Errorf("purged %d, %v; want 1", n, err)
			}
			if n := f.count(t, "idempotency_keys"); n != 1 {
				t.Errorf("keys left = %d, want key-1", n)
			}
		})
	})
}

func TestCorrectAndRevokeAttendance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		auditor, err := st.CreateUser(ctx, recert.User{Email: "audit@example.org", Name: "Ada Auditor", Role: recert.RoleAdmin}, "", "usr_admin")
		if err != nil {
			t.Fatal(err)
		}
		id := f.mustPost(t, recert.RosterRow{ABCPID: "100001"}).Rows[0].AttendanceID

		bad := []struct {
			name     string
			sessions []string
			ceus     *recert.Units
			reason   string
			pointer  string
		}{
			{"no reason", []string{f.s1.ID}, nil, "  ", "#/reason"},
			{"sessions and CEUs", []string{f.s1.ID}, units(100), "fix", "#/ceus"},
			{"unknown session", []string{"ses_nope"}, nil, "fix", "#/sessions"},
			{"CEUs above offered", nil, units(601), "fix", "#/ceus"},
			{"negative CEUs", nil, units(-1), "fix", "#/ceus"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				_, err := st.CorrectAttendance(ctx, id, c.sessions, c.ceus, c.reason, recert.SourceCorrection, "usr_fix")
				var re *recert.Error
				if !errors.As(err, &re) || re.Code != recert.EINVALID || len(re.Fields) != 1 || re.Fields[0].Pointer != c.pointer {
					t.Errorf("error = %+v", err)
				}
			})
		}
		t.Run("unknown attendance is not found", func(t *testing.T) {
			_, err := st.CorrectAttendance(ctx, "att_nope", nil, units(100), "fix", recert.SourceCorrection, "usr_fix")
			wantCode(t, err, recert.ENOTFOUND)
			_, err = st.RevokeAttendance(ctx, "att_nope", "why", "usr_fix")
			wantCode(t, err, recert.ENOTFOUND)
			_, err = st.AttendanceHistory(ctx, "att_nope")
			wantCode(t, err, recert.ENOTFOUND)
		})

		same, err := st.CorrectAttendance(ctx, id, nil, nil, "all sessions again", recert.SourceCorrection, "usr_fix")
		if err != nil || same.Version != 1 {
			t.Errorf("unchanged correction = %+v, %v", same, err)
		}
		corrected, err := st.CorrectAttendance(ctx, id, []string{"S2"}, nil, "left after day 2", recert.SourceCorrection, "usr_fix")
		if err != nil {
			t.Fatal(err)
		}
		if corrected.Version != 2 || corrected.Total() != 300 || corrected.UpdatedBy != "usr_fix" {
			t.Errorf("corrected = %+v", corrected)
		}
		t.Run("a re-posted roster keeps the correction", func(t *testing.T) {
			h, _ := st.AttendanceHistory(ctx, id)
			res := f.mustPost(t, recert.RosterRow{ABCPID: "100001"})
			want := "corrected on " + day(h[1]) + " by usr_fix: left after day 2; the roster does not undo it (override=true would)"
			if r := res.Rows[0]; r.Status != ledger.RowKept || r.Reason != want || r.AttendanceID != id || r.Changes != nil {
				t.Errorf("row = %+v, want kept: %s", r, want)
			}
			if a, _ := st.Attendance(ctx, id); a.Version != 2 || a.Total() != 300 {
				t.Errorf("attendance = %+v", a)
			}
		})

		if _, err := st.RevokeAttendance(ctx, id, "", auditor.ID); recert.ErrorCode(err) != recert.EINVALID {
			t.Errorf("revoke without a reason: %v", err)
		}
		revoked, err := st.RevokeAttendance(ctx, id, "did not attend", auditor.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !revoked.Revoked || revoked.RevokeReason != "did not attend" || revoked.Version != 3 || revoked.Total() != 300 {
			t.Errorf("revoked = %+v", revoked)
		}
		stored, _ := st.Attendance(ctx, id)
		if diff := cmp.Diff(revoked, stored, equateEmpty); diff != "" {
			t.Errorf("stored (-returned +stored):\n%s", diff)
		}
		_, err = st.RevokeAttendance(ctx, id, "again", auditor.ID)
		wantCode(t, err, recert.ECONFLICT)
		_, err = st.CorrectAttendance(ctx, id, nil, units(100), "fix", recert.SourceCorrection, "usr_fix")
		wantCode(t, err, recert.ECONFLICT)

		h, err := st.AttendanceHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		type entry struct {
			Action, Actor, Reason, Source string
			Before, After                 int // versions; 0 for none
		}
		entries := func(h []recert.AttendanceChange) []entry {
			var got []entry
			for _, c := range h {
				e := entry{Action: c.Action, Actor: c.Actor, Reason: c.Reason, Source: c.Source, After: c.After.Version}
				if c.Before != nil {
					e.Before = c.Before.Version
				}
				got = append(got, e)
			}
			return got
		}
		want := []entry{
			{"created", "usr_org", "posted by roster", recert.SourceRoster, 0, 1},
			{"updated", "usr_fix", "left after day 2", recert.SourceCorrection, 1, 2},
			{"revoked", auditor.ID, "did not attend", recert.SourceRevocation, 2, 3},
		}
		if diff := cmp.Diff(want, entries(h)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(revoked, h[2].After, equateEmpty); diff != "" || h[1].At.After(h[2].At) {
			t.Errorf("last history state (-stored +history):\n%s", diff)
		}

		credits, err := st.Credits(ctx, recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: f.jane.ID})
		if err != nil || len(credits) != 0 {
			t.Errorf("credits of revoked attendance = %+v, %v", credits, err)
		}
		n := f.count(t, "attendance_sessions")
		if n != 1 {
			t.Errorf("revoked attendance keeps its sessions on file: %d rows, want 1", n)
		}

		revokedOn := "revoked on " + day(h[2]) + " by Ada Auditor: did not attend"
		t.Run("a re-posted roster keeps the revocation", func(t *testing.T) {
			res := f.mustPost(t, recert.RosterRow{ABCPID: "100001", Sessions: []string{"S2"}})
			if r := res.Rows[0]; r.Status != ledger.RowKept || r.Reason != revokedOn+"; the roster does not undo it (override=true would)" {
				t.Errorf("row = %+v", r)
			}
			if a, _ := st.Attendance(ctx, id); !a.Revoked || a.Version != 3 {
				t.Errorf("attendance = %+v", a)
			}
			if credits, _ := st.Credits(ctx, recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: f.jane.ID}); len(credits) != 0 {
				t.Errorf("credits after a re-post = %+v", credits)
			}
		})
		t.Run("override restores it and says so", func(t *testing.T) {
			res, err := f.post(t, []recert.RosterRow{{ABCPID: "100001", Sessions: []string{"S2"}}}, ledger.RosterInput{Override: true})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Rows[0]
			wantChanges := &ledger.AttendanceChanges{SessionsBefore: []string{"S2"}, SessionsAfter: []string{"S2"}, CEUsBefore: 300, CEUsAfter: 300,
				RevokedBefore: true, RevokedAfter: false, Revoked: true}
			if diff := cmp.Diff(wantChanges, r.Changes); diff != "" || r.Status != ledger.RowUpdated {
				t.Errorf("%s, changes (-want +got):\n%s", r.Status, diff)
			}
			if diff := cmp.Diff([]string{"overrides the attendance " + revokedOn}, r.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			a, _ := st.Attendance(ctx, id)
			if a.Revoked || a.RevokeReason != "" || a.Version != 4 {
				t.Errorf("attendance %+v", a)
			}
			if credits, _ := st.Credits(ctx, recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: f.jane.ID}); len(credits) != 1 {
				t.Errorf("credits after restoring = %+v", credits)
			}
			h, _ := st.AttendanceHistory(ctx, id)
			want := append(want, entry{"updated", "usr_org", "posted by roster, with override=true over an earlier decision", recert.SourceOverride, 3, 4})
			if diff := cmp.Diff(want, entries(h)); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
		})
	})
}

func TestWithdrawPosting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		first := f.mustPost(t,
			recert.RosterRow{ABCPID: "100001", Sessions: []string{"S1"}},
			recert.RosterRow{ABCPID: "200002", Name: "Sam"},
			recert.RosterRow{ABCPID: "300003", Name: "Kim"})
		jane, sam, kim := first.Rows[0].AttendanceID, first.Rows[1].AttendanceID, first.Rows[2].AttendanceID
		if _, err := st.RevokeAttendance(ctx, kim, "no-show", "usr_audit"); err != nil {
			t.Fatal(err)
		}
		// A later posting updates Jane's attendance and creates Lee's.
		second := f.mustPost(t,
			recert.RosterRow{ABCPID: "100001", Sessions: []string{"S1", "S2"}},
			recert.RosterRow{ABCPID: "400004", Name: "Lee"})
		lee := second.Rows[1].AttendanceID
		if diff := cmp.Diff([]string{ledger.RowUpdated, ledger.RowCreated}, statuses(second)); diff != "" {
			t.Fatalf("second posting (-want +got):\n%s", diff)
		}
		histories := map[string]int{}
		for _, id := range []string{jane, sam, kim, lee} {
			h, _ := st.AttendanceHistory(ctx, id)
			histories[id] = len(h)
		}

		t.Run("a reason is required", func(t *testing.T) {
			_, err := ledger.NewRosters(st, nil).Withdraw(ctx, f.event.ID, first.PostingID, "", "usr_org")
			wantCode(t, err, recert.EINVALID)
		})
		t.Run("an unknown posting is not found", func(t *testing.T) {
			other := publish(t, st, createEvent(t, st, meeting(f.org.ID, "Other", "2026-08-01", "2026-08-01", t, session(t, "X", "2026-08-01", 100))))
			for _, c := range []struct{ event, posting string }{{f.event.ID, "pst_nope"}, {other.ID, first.PostingID}, {"evt_nope", first.PostingID}} {
				_, _, err := st.WithdrawPosting(ctx, c.event, c.posting, "wrong event", "usr_org")
				wantCode(t, err, recert.ENOTFOUND)
			}
		})

		p, revoked, err := st.WithdrawPosting(ctx, f.event.ID, first.PostingID, "posted to the wrong event", "usr_org")
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != first.PostingID || p.EventID != f.event.ID || p.Rows != 3 || p.Created != 3 || p.WithdrawnAt.IsZero() ||
			p.WithdrawnBy != "usr_org" || p.WithdrawReason != "posted to the wrong event" {
			t.Errorf("withdrawn posting = %+v", p)
		}
		// It returns what it revoked: jane's and sam's, not kim's (revoked already) nor lee's.
		var revokedIDs []string
		for _, a := range revoked {
			if !a.Revoked || a.RevokeReason != "posted to the wrong event" {
				t.Errorf("returned as revoked: %+v", a)
			}
			revokedIDs = append(revokedIDs, a.ID)
		}
		slices.Sort(revokedIDs)
		want := []string{jane, sam}
		slices.Sort(want)
		if !slices.Equal(revokedIDs, want) {
			t.Errorf("revoked %v, want %v", revokedIDs, want)
		}
		postings, err := st.Postings(ctx, f.event.ID)
		if err != nil || len(postings) != 2 || postings[1].ID != p.ID || !postings[1].WithdrawnAt.Equal(p.WithdrawnAt) || !postings[0].WithdrawnAt.IsZero() {
			t.Errorf("postings = %+v, %v", postings, err)
		}

		// What the posting created is revoked, even when a later posting updated it; what it
		// did not create, or was revoked already, is left as it is.
		for _, c := range []struct {
			name    string
			id      string
			revoked bool
			reason  string
			added   int // history entries
		}{
			{"created, then updated by a later posting", jane, true, "posted to the wrong event", 1},
			{"created", sam, true, "posted to the wrong event", 1},
			{"created, revoked already", kim, true, "no-show", 0},
			{"created by the later posting", lee, false, "", 0},
		} {
			t.Run(c.name, func(t *testing.T) {
				a, err := st.Attendance(ctx, c.id)
				if err != nil || a.Revoked != c.revoked || a.RevokeReason != c.reason {
					t.Errorf("attendance = %+v, %v", a, err)
				}
				h, _ := st.AttendanceHistory(ctx, c.id)
				if len(h) != histories[c.id]+c.added {
					t.Fatalf("history = %+v, want %d entries more", h, c.added)
				}
				if c.added > 0 {
					last := h[len(h)-1]
					if last.Action != "revoked" || last.Source != recert.SourceWithdrawal || last.Actor != "usr_org" || last.Reason != "posted to the wrong event" ||
						last.Before == nil || last.Before.Revoked || !last.After.Revoked {
						t.Errorf("withdrawal entry = %+v", last)
					}
				}
			})
		}
		if credits, _ := st.Credits(ctx, recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: f.jane.ID}); len(credits) != 0 {
			t.Errorf("credits of a withdrawn posting = %+v", credits)
		}

		t.Run("a second withdrawal is a conflict", func(t *testing.T) {
			before := f.counts(t)
			_, _, err := st.WithdrawPosting(ctx, f.event.ID, first.PostingID, "again", "usr_org")
			wantCode(t, err, recert.ECONFLICT)
			if diff := cmp.Diff(before, f.counts(t)); diff != "" {
				t.Errorf("wrote (-before +after):\n%s", diff)
			}
		})
		t.Run("a re-posted roster keeps the withdrawal", func(t *testing.T) {
			res := f.mustPost(t, recert.RosterRow{ABCPID: "200002", Name: "Sam"})
			if r := res.Rows[0]; r.Status != ledger.RowKept || r.AttendanceID != sam {
				t.Errorf("row = %+v", r)
			}
		})
	})
}

func TestMemberSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		mk := func(name, email, abcp string) string {
			m, err := st.CreateMember(ctx, recert.Member{Name: name, Email: email, ABCPID: abcp}, "", "usr_admin")
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		renee := mk("Renée  Roy", "R.Roy@Example.org", "654321")
		rene := mk("René Roy", "rene@example.org", "")
		royce := mk("Renee Royce", "", "765432")
		// A member a roster creates is found the same way.
		zoe := f.mustPost(t, recert.RosterRow{Email: "zoe@example.org", Name: "Zoë O'Neil-Smith"}).Rows[0].Member.ID

		cases := []struct {
			name, text string
			want       []string
		}{
			{"name, without its accent and double space", "renee roy", []string{renee, royce}},
			{"name with accents and capitals", "RENÉE  Roy", []string{renee, royce}},
			{"full name only", "renée roy ", []string{renee, royce}},
			{"email fragment", "r.roy@exam", []string{renee}},
			{"email in another case", "R.ROY@EXAMPLE.ORG", []string{renee}},
			{"ABCP ID", "654321", []string{renee}},
			{"ABCP ID fragment", "5432", []string{renee, royce}},
			{"surname", "roy", []string{renee, rene, royce}},
			{"name created by a roster, apostrophe and hyphen as spaces", "zoe o neil smith", []string{zoe}},
			{"no such member", "renee royd", nil},
			{"a LIKE wildcard is literal", "r_y", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				ms, next, err := st.Members(ctx, recert.MemberFilter{Scope: recert.AllOrganizations(), Page: recert.Page{Limit: 10}, Text: c.text})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range ms {
					got = append(got, m.ID)
				}
				want := slices.Sorted(slices.Values(c.want))
				if diff := cmp.Diff(want, got, equateEmpty); diff != "" || next != "" {
					t.Errorf("found (-want +got):\n%s next %q", diff, next)
				}
			})
		}
		t.Run("a renamed member is found by the new name only", func(t *testing.T) {
			if _, err := st.UpdateMember(ctx, rene, 0, "usr_admin", func(m *recert.Member) error { m.Name = "Léa Martin"; return nil }); err != nil {
				t.Fatal(err)
			}
			for text, want := range map[string]int{"lea martin": 1, "rene roy": 0} {
				ms, _, err := st.Members(ctx, recert.MemberFilter{Scope: recert.AllOrganizations(), Page: recert.Page{Limit: 10}, Text: text})
				if err != nil || len(ms) != want {
					t.Errorf("%q found %d, %v; want %d", text, len(ms), err, want)
				}
			}
		})
	})
}

func TestAttendanceLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		osu := newOrg(t, st, "OSU")
		other := publish(t, st, createEvent(t, st, meeting(osu.ID, "OSU day", "2026-08-01", "2026-08-01", t, session(t, "X", "2026-08-01", 100))))
		var rows []recert.RosterRow
		for _, abcp := range []string{"100001", "200002", "300003", "400004", "500005"} {
			rows = append(rows, recert.RosterRow{ABCPID: abcp, Name: "M " + abcp})
		}
		f.mustPost(t, rows...)
		if _, err := post(t, st, other.ID, []recert.RosterRow{{ABCPID: "100001"}}, ledger.RosterInput{Actor: "usr_osu"}); err != nil {
			t.Fatal(err)
		}

		var seen []string
		after := ""
		for range 5 {
			as, next, err := st.EventAttendance(ctx, f.event.ID, recert.Page{Limit: 2, After: after})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				seen = append(seen, a.ID)
				if a.EventID != f.event.ID || len(a.Sessions) != 3 {
					t.Errorf("listed %+v", a)
				}
			}
			if after = next; next == "" {
				break
			}
		}
		if len(seen) != 5 || !slicesSorted(seen) {
			t.Errorf("event attendance pages = %v", seen)
		}

		cases := []struct {
			name  string
			scope recert.Scope
			want  int
		}{
			{"any organization", recert.AllOrganizations(), 2},
			{"one organization", recert.OrganizationsScope(osu.ID), 1},
			{"no organization", recert.Scope{}, 0},
		}
		for _, c := range cases {
			t.Run("member attendance at "+c.name, func(t *testing.T) {
				as, next, err := st.MemberAttendance(ctx, f.jane.ID, c.scope, recert.Page{Limit: 10})
				if err != nil || len(as) != c.want || next != "" {
					t.Errorf("got %d (%v), want %d", len(as), err, c.want)
				}
			})
		}
	})
}

func slicesSorted(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}

func TestCredits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		osu := newOrg(t, st, "OSU")
		module := createEvent(t, st, recert.Event{
			OrganizationID: osu.ID, Title: "Self-study", Format: "self_directed", TimeZone: "UTC", Category: "III",
			StartDate: date(t, "2026-05-01"), EndDate: date(t, "2026-07-15"), ApprovalRef: "SD-9",
			Sessions: []recert.Session{session(t, "Module", "2026-05-01", 500)},
		})
		publish(t, st, module)
		att := f.mustPost(t, recert.RosterRow{ABCPID: "100001"}).Rows[0].AttendanceID
		out, err := post(t, st, module.ID, []recert.RosterRow{{ABCPID: "100001", CEUs: units(250)}}, ledger.RosterInput{Actor: "usr_osu"})
		if err != nil {
			t.Fatal(err)
		}
		awarded := out.Rows[0].AttendanceID

		all, err := st.Credits(ctx, recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: f.jane.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := []recert.Credit{
			{ID: att + ":" + f.s1.ID, AttendanceID: att, MemberID: f.jane.ID, Date: date(t, "2026-06-29"), Category: "I", CEUs: 200,
				EventID: f.event.ID, EventTitle: "Summer Meeting", Format: "in_person", SessionID: f.s1.ID, SessionTitle: "Day 1",
				Topics: []string{"ethics"}, OrganizationID: f.org.ID, OrganizationName: "AMSECT society", Verified: true},
			{ID: att + ":" + f.s2.ID, AttendanceID: att, MemberID: f.jane.ID, Date: date(t, "2026-06-30"), Category: "I", CEUs: 300,
				EventID: f.event.ID, EventTitle: "Summer Meeting", Format: "in_person", SessionID: f.s2.ID, SessionTitle: "Day 2",
				OrganizationID: f.org.ID, OrganizationName: "AMSECT society", Verified: true},
			{ID: att + ":" + f.s3.ID, AttendanceID: att, MemberID: f.jane.ID, Date: date(t, "2026-07-01"), Category: "II", CEUs: 100,
				EventID: f.event.ID, EventTitle: "Summer Meeting", Format: "in_person", SessionID: f.s3.ID, SessionTitle: "Day 3",
				OrganizationID: f.org.ID, OrganizationName: "AMSECT society", Verified: true},
			{ID: awarded, AttendanceID: awarded, MemberID: f.jane.ID, Date: date(t, "2026-07-15"), Category: "III", CEUs: 250,
				EventID: module.ID, EventTitle: "Self-study", Format: "self_directed", ApprovalRef: "SD-9",
				OrganizationID: osu.ID, OrganizationName: "OSU society", Verified: true},
		}
		if diff := cmp.Diff(want, all, equateEmpty); diff != "" {
			t.Fatalf("ledger (-want +got):\n%s", diff)
		}

		ids := func(cs []recert.Credit) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		cases := []struct {
			name string
			f    recert.CreditFilter
			want []string
		}{
			{"period ending 30 June", recert.CreditFilter{Scope: recert.AllOrganizations(), To: date(t, "2026-06-30")}, ids(want[:2])},
			{"period starting 1 July", recert.CreditFilter{Scope: recert.AllOrganizations(), From: date(t, "2026-07-01")}, ids(want[2:])},
			{"one day, inclusive", recert.CreditFilter{Scope: recert.AllOrganizations(), From: date(t, "2026-07-15"), To: date(t, "2026-07-15")}, ids(want[3:])},
			{"category", recert.CreditFilter{Scope: recert.AllOrganizations(), Category: "III"}, ids(want[3:])},
			{"the event's category", recert.CreditFilter{Scope: recert.AllOrganizations(), Category: "I"}, ids(want[:2])},
			{"a session's own category", recert.CreditFilter{Scope: recert.AllOrganizations(), Category: "II"}, ids(want[2:3])},
			{"organization", recert.CreditFilter{Scope: recert.OrganizationsScope(f.org.ID)}, ids(want[:3])},
			{"no organization", recert.CreditFilter{Scope: recert.Scope{}}, nil},
			{"another member", recert.CreditFilter{Scope: recert.AllOrganizations(), MemberID: "mem_nope"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.f.MemberID == "" {
					c.f.MemberID = f.jane.ID
				}
				got, err := st.Credits(ctx, c.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c.want, ids(got), equateEmpty); diff != "" {
					t.Errorf("credits (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestConcurrentRostersTakeTurns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		var rows []recert.RosterRow
		for i := range 50 {
			rows = append(rows, recert.RosterRow{Index: i, ABCPID: strconv.Itoa(200000 + i), Name: "M"})
		}
		results := make(chan ledger.RosterResult, 2)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				res, err := ledger.NewRosters(st, nil).Post(context.Background(), rosterInput(f.event.ID, rows, ledger.RosterInput{}))
				results <- res
				errs <- err
			}()
		}
		var got []string
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			got = append(got, (<-results).Rows[49].Status)
		}
		slices.Sort(got)
		if diff := cmp.Diff([]string{ledger.RowCreated, ledger.RowUnchanged}, got); diff != "" {
			t.Errorf("the second roster did not see the first (-want +got):\n%s", diff)
		}
		if n := f.count(t, "attendance"); n != 50 {
			t.Errorf("attendance = %d, want 50", n)
		}
	})
}
