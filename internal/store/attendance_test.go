package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// fixture is an organization with a published meeting that straddles 30 June (sessions
// worth 2.00, 3.00 and 1.00 CEUs on 29 June, 30 June and 1 July) and one known member.
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
	e := createEvent(t, st, meeting(org.ID, "Summer Meeting", "2026-06-29", "2026-07-01", t,
		session(t, "Day 1", "2026-06-29", 200, "ethics"),
		session(t, "Day 2", "2026-06-30", 300),
		session(t, "Day 3", "2026-07-01", 100)))
	e = publish(t, st, e)
	jane, err := st.CreateMember(ctx, recert.Member{Name: "Jane Doe", ABCPID: "100001", Email: "Jane.Doe@Example.org"}, "", "usr_admin")
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, org: org, event: e, s1: e.Sessions[0], s2: e.Sessions[1], s3: e.Sessions[2], jane: jane}
}

func (f fixture) post(t *testing.T, rows []recert.RosterRow, o store.RosterOptions) ([]recert.RosterOutcome, error) {
	t.Helper()
	for i := range rows {
		rows[i].Index = i
	}
	if o.Actor == "" {
		o.Actor = "usr_org"
	}
	return f.st.ApplyRoster(context.Background(), f.event.ID, rows, o)
}

func (f fixture) mustPost(t *testing.T, rows ...recert.RosterRow) []recert.RosterOutcome {
	t.Helper()
	out, err := f.post(t, rows, store.RosterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
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
	for _, table := range []string{"members", "organization_members", "attendance", "attendance_sessions", "history", "idempotency_keys"} {
		out[table] = f.count(t, table)
	}
	return out
}

func statuses(out []recert.RosterOutcome) []string {
	var s []string
	for _, o := range out {
		s = append(s, o.Status)
	}
	return s
}

func units(u recert.Units) *recert.Units { return &u }

func TestRosterRepeatedIsUnchanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		roster := func() []recert.RosterRow {
			return []recert.RosterRow{
				{Email: "  JANE.doe@example.ORG ", SessionIDs: []string{f.s2.ID, f.s1.ID}}, // known, by email in another case
				{ABCPID: "200002", Name: "Sam Park"},                                       // new, all sessions
				{Email: "Lee@Example.org", Name: "Lee Chen", CEUs: units(450)},             // new, CEUs awarded
			}
		}
		first := f.mustPost(t, roster()...)
		if diff := cmp.Diff([]string{recert.RowCreated, recert.RowCreated, recert.RowCreated}, statuses(first)); diff != "" {
			t.Fatalf("first post (-want +got):\n%s", diff)
		}
		if first[0].MemberID != f.jane.ID || first[0].MemberCreated || !first[1].MemberCreated || first[1].MemberID == "" || first[2].AttendanceID == "" {
			t.Errorf("first outcomes = %+v", first)
		}
		before := f.counts(t)
		// Attendance relates members to the organization by itself: no relation rows.
		want := map[string]int64{"members": 3, "organization_members": 0, "attendance": 3, "attendance_sessions": 5, "history": 3, "idempotency_keys": 0}
		if diff := cmp.Diff(want, before); diff != "" {
			t.Errorf("rows after the first post (-want +got):\n%s", diff)
		}

		second := f.mustPost(t, roster()...)
		if diff := cmp.Diff([]string{recert.RowUnchanged, recert.RowUnchanged, recert.RowUnchanged}, statuses(second)); diff != "" {
			t.Errorf("second post (-want +got):\n%s", diff)
		}
		for i := range second {
			if second[i].AttendanceID != first[i].AttendanceID || second[i].MemberID != first[i].MemberID || second[i].MemberCreated {
				t.Errorf("row %d: second %+v, first %+v", i, second[i], first[i])
			}
		}
		if diff := cmp.Diff(before, f.counts(t)); diff != "" {
			t.Errorf("the second post wrote (-before +after):\n%s", diff)
		}
		credits, err := st.Credits(context.Background(), recert.CreditFilter{MemberID: first[1].MemberID})
		if err != nil || len(credits) != 3 {
			t.Errorf("credits of an all-sessions attendee = %v, %v; want 3, no double credit", len(credits), err)
		}

		a, err := st.Attendance(context.Background(), first[0].AttendanceID)
		if err != nil {
			t.Fatal(err)
		}
		wantA := recert.Attendance{
			ID: first[0].AttendanceID, EventID: f.event.ID, MemberID: f.jane.ID, Version: 1,
			Sessions: []recert.SessionCredit{{SessionID: f.s1.ID, CEUs: 200}, {SessionID: f.s2.ID, CEUs: 300}},
			Audit:    recert.Audit{CreatedAt: a.CreatedAt, CreatedBy: "usr_org", UpdatedAt: a.CreatedAt, UpdatedBy: "usr_org"},
		}
		if diff := cmp.Diff(wantA, a, equateEmpty); diff != "" {
			t.Errorf("attendance (-want +got):\n%s", diff)
		}
	})
}

func TestRosterUnknownAttendeeBecomesMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		out := f.mustPost(t,
			recert.RosterRow{ABCPID: " 300003 ", Email: " New.Person@Example.ORG", Name: " New Person "},
			recert.RosterRow{ABCPID: "100001"})
		m, err := st.Member(ctx, out[0].MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if !out[0].MemberCreated || m.Name != "New Person" || m.ABCPID != "300003" || m.Email != "new.person@example.org" || m.Status != "active" || m.Claimed || m.CreatedBy != "usr_org" {
			t.Errorf("created member = %+v", m)
		}
		for _, id := range []string{m.ID, f.jane.ID} {
			related, err := st.MemberRelated(ctx, id, []string{f.org.ID})
			if err != nil || !related {
				t.Errorf("member %s related to the organization: %v, %v", id, related, err)
			}
		}
	})
}

func TestRosterChangedRowIsUpdated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		first := f.mustPost(t, recert.RosterRow{ABCPID: "100001", SessionIDs: []string{f.s1.ID}}, recert.RosterRow{ABCPID: "200002", Name: "Sam"})
		second, err := f.post(t, []recert.RosterRow{{ABCPID: "100001", SessionIDs: []string{f.s1.ID, f.s3.ID}}, {ABCPID: "200002"}}, store.RosterOptions{Actor: "usr_fix"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{recert.RowUpdated, recert.RowUnchanged}, statuses(second)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if second[0].AttendanceID != first[0].AttendanceID {
			t.Errorf("updated attendance got a new id: %s", second[0].AttendanceID)
		}
		a, err := st.Attendance(ctx, first[0].AttendanceID)
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
		if len(h) != 2 || h[0].Action != "created" || h[0].Before != nil || h[1].Action != "updated" || h[1].Actor != "usr_fix" || h[1].Reason != "posted by roster" {
			t.Fatalf("history = %+v", h)
		}
		if diff := cmp.Diff(h[0].After, *h[1].Before, equateEmpty); diff != "" {
			t.Errorf("before of the update is not after of the creation:\n%s", diff)
		}
		if diff := cmp.Diff(a, h[1].After, equateEmpty); diff != "" {
			t.Errorf("after of the update (-stored +history):\n%s", diff)
		}
		if n := f.count(t, "attendance_sessions"); n != 5 {
			t.Errorf("attendance_sessions = %d, want 2 + 3", n)
		}

		t.Run("switching to CEUs awarded drops the sessions", func(t *testing.T) {
			out := f.mustPost(t, recert.RosterRow{ABCPID: "100001", CEUs: units(150)})
			a, _ := st.Attendance(ctx, out[0].AttendanceID)
			if out[0].Status != recert.RowUpdated || a.CEUsAwarded != 150 || len(a.Sessions) != 0 || a.Version != 3 {
				t.Errorf("outcome %+v, attendance %+v", out[0], a)
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
			{"no ABCP ID nor email", []recert.RosterRow{good, {Name: "X"}}, "#/rows/1/abcp_id", "give the attendee's ABCP ID or email"},
			{"malformed ABCP ID", []recert.RosterRow{good, {ABCPID: "12ab56", Name: "X"}}, "#/rows/1/abcp_id", `ABCP ID "12ab56" is not six digits`},
			{"sessions and CEUs", []recert.RosterRow{good, {ABCPID: "100001", SessionIDs: []string{f.s1.ID}, CEUs: units(100)}}, "#/rows/1/ceus", "give either sessions or CEUs, not both"},
			{"session of another event", []recert.RosterRow{good, {ABCPID: "100001", SessionIDs: []string{f.s1.ID, other.Sessions[0].ID}}}, "#/rows/1/sessions",
				"session " + other.Sessions[0].ID + " is not a session of event " + f.event.ID},
			{"CEUs above what the event offers", []recert.RosterRow{good, {ABCPID: "100001", CEUs: units(700)}}, "#/rows/1/ceus", "awards 7.00 CEUs; the event offers 6.00"},
			{"zero CEUs", []recert.RosterRow{good, {ABCPID: "100001", CEUs: units(0)}}, "#/rows/1/ceus", "CEUs must be more than 0.00"},
			{"ABCP ID and email of two members", []recert.RosterRow{good, {ABCPID: "100001", Email: "KIM@example.org"}}, "#/rows/1/email", ""},
			{"unknown attendee without a name", []recert.RosterRow{good, {ABCPID: "500005", Email: "who@example.org"}}, "#/rows/1/name",
				"no member has this ABCP ID or email; give a name to create one"},
			{"same known member twice", []recert.RosterRow{good, {ABCPID: "100001"}, {Email: "jane.doe@example.org"}}, "#/rows/2/email", "same attendee as row 1"},
			{"same new member twice", []recert.RosterRow{good, {ABCPID: "200002", Email: "sam@example.org", Name: "Sam"}}, "#/rows/1/abcp_id", "same attendee as row 0"},
			{"same new email twice", []recert.RosterRow{{Email: "x@example.org", Name: "X"}, {ABCPID: "600006", Email: "X@example.org", Name: "X"}}, "#/rows/1/email", "same attendee as row 0"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.counts(t)
				out, err := f.post(t, c.rows, store.RosterOptions{})
				var re *recert.Error
				if !errors.As(err, &re) || re.Code != recert.EINVALID || re.Message != "1 of "+strconv.Itoa(len(c.rows))+" rows are invalid; nothing was written" {
					t.Fatalf("error = %v", err)
				}
				last := out[len(out)-1]
				if len(re.Fields) != 1 || re.Fields[0].Pointer != c.pointer || re.Fields[0].Location != "body" || c.detail != "" && re.Fields[0].Detail != c.detail {
					t.Errorf("fields = %+v", re.Fields)
				}
				if last.Status != recert.RowRejected || last.Reason == "" || len(last.Fields) != 1 || last.Fields[0] != re.Fields[0] || last.MemberCreated || last.MemberID != "" {
					t.Errorf("rejected outcome = %+v", last)
				}
				if out[0].Status != recert.RowCreated || out[0].MemberID != "" || out[0].AttendanceID != "" || !out[0].MemberCreated {
					t.Errorf("valid row of an atomic rejection = %+v", out[0])
				}
				if diff := cmp.Diff(before, f.counts(t)); diff != "" {
					t.Errorf("an atomic rejection wrote (-before +after):\n%s", diff)
				}
			})
		}
		t.Run("every rejected row is listed", func(t *testing.T) {
			_, err := f.post(t, []recert.RosterRow{{}, good, {ABCPID: "100001", CEUs: units(900)}}, store.RosterOptions{})
			var re *recert.Error
			if !errors.As(err, &re) || re.Message != "2 of 3 rows are invalid; nothing was written" || len(re.Fields) != 2 || re.Fields[1].Pointer != "#/rows/2/ceus" {
				t.Errorf("error = %+v", err)
			}
		})
	})
}

func TestRosterPartialWritesValidRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		out, err := f.post(t, []recert.RosterRow{
			{ABCPID: "200002", Name: "Sam"},
			{ABCPID: "100001", CEUs: units(700)},
			{ABCPID: "300003"},
			{ABCPID: "100001", SessionIDs: []string{f.s3.ID}},
		}, store.RosterOptions{Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{recert.RowCreated, recert.RowRejected, recert.RowRejected, recert.RowCreated}, statuses(out)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if out[0].MemberID == "" || out[0].AttendanceID == "" || out[3].MemberID != f.jane.ID {
			t.Errorf("written outcomes = %+v", out)
		}
		if n := f.count(t, "attendance"); n != 2 {
			t.Errorf("attendance = %d, want 2", n)
		}
		if n := f.count(t, "members"); n != 2 {
			t.Errorf("members = %d, want jane and sam", n)
		}
	})
}

func TestRosterDryRunWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.mustPost(t, recert.RosterRow{ABCPID: "100001", SessionIDs: []string{f.s1.ID}})
		before := f.counts(t)
		called := false
		rows := []recert.RosterRow{
			{ABCPID: "100001"},                 // update
			{ABCPID: "200002", Name: "Sam"},    // would create a member
			{ABCPID: "300003", CEUs: units(0)}, // rejected
		}
		out, err := f.post(t, rows, store.RosterOptions{DryRun: true, Partial: true,
			Respond:     func([]recert.RosterOutcome) (int, []byte, error) { called = true; return 200, nil, nil },
			Idempotency: &store.IdempotencyKey{Principal: "usr_org", Key: "k1", RequestHash: "h"}})
		if err != nil {
			t.Fatal(err)
		}
		want := []recert.RosterOutcome{
			{Index: 0, Status: recert.RowUpdated, MemberID: f.jane.ID, AttendanceID: out[0].AttendanceID},
			{Index: 1, Status: recert.RowCreated, MemberCreated: true},
			{Index: 2, Status: recert.RowRejected, Reason: "CEUs must be more than 0.00",
				Fields: []recert.FieldError{{Location: "body", Pointer: "#/rows/2/ceus", Detail: "CEUs must be more than 0.00"}}},
		}
		if diff := cmp.Diff(want, out); diff != "" || out[0].AttendanceID == "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, f.counts(t)); diff != "" || called {
			t.Errorf("a dry run wrote (-before +after), responded %v:\n%s", called, diff)
		}

		t.Run("atomic dry run with rejections fails the same way", func(t *testing.T) {
			out, err := f.post(t, rows, store.RosterOptions{DryRun: true})
			wantCode(t, err, recert.EINVALID)
			if len(out) != 3 {
				t.Errorf("outcomes = %+v", out)
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
				out, err := st.ApplyRoster(ctx, c.id, rows, store.RosterOptions{Actor: "usr_org"})
				var re *recert.Error
				if !errors.As(err, &re) || re.Code != c.code || re.Message != c.message || out != nil {
					t.Errorf("error = %v, outcomes %v", err, out)
				}
			})
		}
	})
}

func TestRosterIdempotency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		key := &store.IdempotencyKey{Principal: "usr_org", Key: "key-1", RequestHash: "sha256:abc"}
		var rendered []recert.RosterOutcome
		respond := func(out []recert.RosterOutcome) (int, []byte, error) {
			rendered = out
			return 201, []byte(`{"rows":[{"status":"created"}]}`), nil
		}
		out, err := f.post(t, []recert.RosterRow{{ABCPID: "200002", Name: "Sam"}}, store.RosterOptions{Respond: respond, Idempotency: key})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(out, rendered); diff != "" || out[0].AttendanceID == "" {
			t.Errorf("Respond saw other outcomes (-returned +rendered):\n%s", diff)
		}
		hash, status, body, found, err := st.IdempotentResponse(ctx, "usr_org", "key-1")
		if err != nil || !found || hash != "sha256:abc" || status != 201 || string(body) != `{"rows":[{"status":"created"}]}` {
			t.Errorf("stored response = %q %d %q %v %v", hash, status, body, found, err)
		}
		if _, _, _, found, _ := st.IdempotentResponse(ctx, "usr_other", "key-1"); found {
			t.Error("another principal's key was found")
		}

		t.Run("reusing the key fails and writes nothing", func(t *testing.T) {
			before := f.counts(t)
			_, err := f.post(t, []recert.RosterRow{{ABCPID: "300003", Name: "Lee"}}, store.RosterOptions{Respond: respond, Idempotency: key})
			var re *recert.Error
			if !errors.As(err, &re) || re.Code != recert.ECONFLICT || re.Message != "a request with this Idempotency-Key was already made" {
				t.Errorf("error = %v", err)
			}
			if diff := cmp.Diff(before, f.counts(t)); diff != "" {
				t.Errorf("wrote (-before +after):\n%s", diff)
			}
		})
		t.Run("a failing Respond writes nothing", func(t *testing.T) {
			before := f.counts(t)
			boom := errors.New("boom")
			_, err := f.post(t, []recert.RosterRow{{ABCPID: "300003", Name: "Lee"}}, store.RosterOptions{
				Respond:     func([]recert.RosterOutcome) (int, []byte, error) { return 0, nil, boom },
				Idempotency: &store.IdempotencyKey{Principal: "usr_org", Key: "key-2", RequestHash: "h"}})
			if !errors.Is(err, boom) {
				t.Errorf("error = %v", err)
			}
			if diff := cmp.Diff(before, f.counts(t)); diff != "" {
				t.Errorf("wrote (-before +after):\n%s", diff)
			}
		})
		t.Run("an atomic rejection stores no key", func(t *testing.T) {
			_, err := f.post(t, []recert.RosterRow{{}}, store.RosterOptions{Respond: respond,
				Idempotency: &store.IdempotencyKey{Principal: "usr_org", Key: "key-3", RequestHash: "h"}})
			wantCode(t, err, recert.EINVALID)
			if _, _, _, found, _ := st.IdempotentResponse(ctx, "usr_org", "key-3"); found {
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
			if _, _, _, found, err := st.IdempotentResponse(ctx, "usr_org", "old"); found || err != nil {
				t.Errorf("expired key found: %v %v", found, err)
			}
			if _, err := f.post(t, []recert.RosterRow{{ABCPID: "100001"}}, store.RosterOptions{Respond: respond,
				Idempotency: &store.IdempotencyKey{Principal: "usr_org", Key: "old", RequestHash: "h2"}}); err != nil {
				t.Fatalf("reusing an expired key: %v", err)
			}
			if h, _, _, found, _ := st.IdempotentResponse(ctx, "usr_org", "old"); !found || h != "h2" {
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
		id := f.mustPost(t, recert.RosterRow{ABCPID: "100001"})[0].AttendanceID

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
				_, err := st.CorrectAttendance(ctx, id, c.sessions, c.ceus, c.reason, "usr_fix")
				var re *recert.Error
				if !errors.As(err, &re) || re.Code != recert.EINVALID || len(re.Fields) != 1 || re.Fields[0].Pointer != c.pointer {
					t.Errorf("error = %+v", err)
				}
			})
		}
		t.Run("unknown attendance is not found", func(t *testing.T) {
			_, err := st.CorrectAttendance(ctx, "att_nope", nil, units(100), "fix", "usr_fix")
			wantCode(t, err, recert.ENOTFOUND)
			_, err = st.RevokeAttendance(ctx, "att_nope", "why", "usr_fix")
			wantCode(t, err, recert.ENOTFOUND)
			_, err = st.AttendanceHistory(ctx, "att_nope")
			wantCode(t, err, recert.ENOTFOUND)
		})

		same, err := st.CorrectAttendance(ctx, id, nil, nil, "all sessions again", "usr_fix")
		if err != nil || same.Version != 1 {
			t.Errorf("unchanged correction = %+v, %v", same, err)
		}
		corrected, err := st.CorrectAttendance(ctx, id, []string{f.s2.ID}, nil, "left after day 2", "usr_fix")
		if err != nil {
			t.Fatal(err)
		}
		if corrected.Version != 2 || corrected.Total() != 300 || corrected.UpdatedBy != "usr_fix" {
			t.Errorf("corrected = %+v", corrected)
		}
		if _, err := st.RevokeAttendance(ctx, id, "", "usr_fix"); recert.ErrorCode(err) != recert.EINVALID {
			t.Errorf("revoke without a reason: %v", err)
		}
		revoked, err := st.RevokeAttendance(ctx, id, "did not attend", "usr_audit")
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
		_, err = st.RevokeAttendance(ctx, id, "again", "usr_audit")
		wantCode(t, err, recert.ECONFLICT)
		_, err = st.CorrectAttendance(ctx, id, nil, units(100), "fix", "usr_fix")
		wantCode(t, err, recert.ECONFLICT)

		h, err := st.AttendanceHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		type entry struct {
			Action, Actor, Reason string
			Before, After         int // versions; 0 for none
		}
		var got []entry
		for _, c := range h {
			e := entry{Action: c.Action, Actor: c.Actor, Reason: c.Reason, After: c.After.Version}
			if c.Before != nil {
				e.Before = c.Before.Version
			}
			got = append(got, e)
		}
		want := []entry{
			{"created", "usr_org", "posted by roster", 0, 1},
			{"updated", "usr_fix", "left after day 2", 1, 2},
			{"revoked", "usr_audit", "did not attend", 2, 3},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(revoked, h[2].After, equateEmpty); diff != "" || h[1].At.After(h[2].At) {
			t.Errorf("last history state (-stored +history):\n%s", diff)
		}

		credits, err := st.Credits(ctx, recert.CreditFilter{MemberID: f.jane.ID})
		if err != nil || len(credits) != 0 {
			t.Errorf("credits of revoked attendance = %+v, %v", credits, err)
		}
		n := f.count(t, "attendance_sessions")
		if n != 1 {
			t.Errorf("revoked attendance keeps its sessions on file: %d rows, want 1", n)
		}

		t.Run("posting revoked attendance again restores it", func(t *testing.T) {
			out := f.mustPost(t, recert.RosterRow{ABCPID: "100001", SessionIDs: []string{f.s2.ID}})
			a, _ := st.Attendance(ctx, id)
			if out[0].Status != recert.RowUpdated || a.Revoked || a.RevokeReason != "" || a.Version != 4 {
				t.Errorf("outcome %+v, attendance %+v", out[0], a)
			}
			if credits, _ := st.Credits(ctx, recert.CreditFilter{MemberID: f.jane.ID}); len(credits) != 1 {
				t.Errorf("credits after restoring = %+v", credits)
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
		if _, err := st.ApplyRoster(ctx, other.ID, []recert.RosterRow{{ABCPID: "100001"}}, store.RosterOptions{Actor: "usr_osu"}); err != nil {
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
			name   string
			orgIDs []string
			want   int
		}{
			{"any organization", nil, 2},
			{"one organization", []string{osu.ID}, 1},
			{"no organization", []string{}, 0},
		}
		for _, c := range cases {
			t.Run("member attendance at "+c.name, func(t *testing.T) {
				as, next, err := st.MemberAttendance(ctx, f.jane.ID, c.orgIDs, recert.Page{Limit: 10})
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
		att := f.mustPost(t, recert.RosterRow{ABCPID: "100001"})[0].AttendanceID
		out, err := st.ApplyRoster(ctx, module.ID, []recert.RosterRow{{ABCPID: "100001", CEUs: units(250)}}, store.RosterOptions{Actor: "usr_osu"})
		if err != nil {
			t.Fatal(err)
		}
		awarded := out[0].AttendanceID

		all, err := st.Credits(ctx, recert.CreditFilter{MemberID: f.jane.ID})
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
			{ID: att + ":" + f.s3.ID, AttendanceID: att, MemberID: f.jane.ID, Date: date(t, "2026-07-01"), Category: "I", CEUs: 100,
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
			{"period ending 30 June", recert.CreditFilter{To: date(t, "2026-06-30")}, ids(want[:2])},
			{"period starting 1 July", recert.CreditFilter{From: date(t, "2026-07-01")}, ids(want[2:])},
			{"one day, inclusive", recert.CreditFilter{From: date(t, "2026-07-15"), To: date(t, "2026-07-15")}, ids(want[3:])},
			{"category", recert.CreditFilter{Category: "III"}, ids(want[3:])},
			{"organization", recert.CreditFilter{OrganizationIDs: []string{f.org.ID}}, ids(want[:3])},
			{"no organization", recert.CreditFilter{OrganizationIDs: []string{}}, nil},
			{"another member", recert.CreditFilter{MemberID: "mem_nope"}, nil},
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
		results := make(chan []recert.RosterOutcome, 2)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				out, err := st.ApplyRoster(context.Background(), f.event.ID, rows, store.RosterOptions{Actor: "usr_org"})
				results <- out
				errs <- err
			}()
		}
		var got []string
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			got = append(got, (<-results)[49].Status)
		}
		slices.Sort(got)
		if diff := cmp.Diff([]string{recert.RowCreated, recert.RowUnchanged}, got); diff != "" {
			t.Errorf("the second roster did not see the first (-want +got):\n%s", diff)
		}
		if n := f.count(t, "attendance"); n != 50 {
			t.Errorf("attendance = %d, want 50", n)
		}
	})
}
