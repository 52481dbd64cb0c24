package ledger_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// fakeStore keeps a roster's world in memory: one event, members, attendance, writes.
type fakeStore struct {
	event   recert.Event
	members []ledger.MemberRef
	related map[string]bool
	held    []ledger.Held
	writes  []ledger.RosterWrite
	saved   map[string]ledger.Response
	hashes  map[string]string
	failTx  bool // make the transaction fail after run, as a commit would
}

func (f *fakeStore) InTx(ctx context.Context, fn func(context.Context) error) error {
	before := len(f.writes)
	if err := fn(ctx); err != nil {
		f.writes = f.writes[:before] // rolled back
		return err
	}
	return nil
}

func (f *fakeStore) LockEvent(_ context.Context, id string) (recert.Event, error) {
	if id != f.event.ID {
		return recert.Event{}, recert.Errorf(recert.ENOTFOUND, "no event")
	}
	return f.event, nil
}

func (f *fakeStore) FindMembers(_ context.Context, abcps, emails, ids []string) ([]ledger.MemberRef, error) {
	var out []ledger.MemberRef
	for _, m := range f.members {
		if contains(abcps, m.ABCPID) || contains(emails, recert.NormalizeEmail(m.Email)) || contains(ids, m.ID) {
			out = append(out, m)
		}
	}
	return out, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v && v != "" {
			return true
		}
	}
	return false
}

func (f *fakeStore) RelatedMembers(_ context.Context, _ recert.Scope, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = f.related[id]
	}
	return out, nil
}

func (f *fakeStore) HeldAttendance(context.Context, string) ([]ledger.Held, error) {
	return f.held, nil
}

func (f *fakeStore) WriteRoster(_ context.Context, w ledger.RosterWrite) error {
	f.writes = append(f.writes, w)
	return nil
}

func (f *fakeStore) Postings(context.Context, string) ([]recert.RosterPosting, error) {
	return nil, nil
}

func (f *fakeStore) WithdrawPosting(context.Context, string, string, string, string) (recert.RosterPosting, []recert.Attendance, error) {
	return recert.RosterPosting{}, nil, nil
}

func (f *fakeStore) IdempotentResponse(_ context.Context, principal, key string) (string, ledger.Response, bool, error) {
	r, ok := f.saved[principal+key]
	return f.hashes[principal+key], r, ok, nil
}

func (f *fakeStore) LockIdempotencyKey(context.Context, string, string) error { return nil }

func (f *fakeStore) SaveIdempotentResponse(_ context.Context, k ledger.IdempotencyKey, r ledger.Response) error {
	f.saved[k.Principal+k.Key], f.hashes[k.Principal+k.Key] = r, k.RequestHash
	return nil
}

func newFake() *fakeStore {
	d := recert.Date{Year: 2026, Month: 11, Day: 3}
	return &fakeStore{
		event: recert.Event{ID: "evt_1", Status: recert.EventPublished, Category: "I", Sessions: []recert.Session{
			{ID: "ses_a", Code: "S1", Title: "Cannulation", Date: d, CEUs: 100},
			{ID: "ses_b", Code: "Tue-AM", Title: "Tuesday morning", Date: d, CEUs: 150},
		}},
		members: []ledger.MemberRef{
			{ID: "mem_renee", Name: "Renée Roy", ABCPID: "104455", Email: "renee@example.org"},
			{ID: "mem_olga", Name: "Olga Other", ABCPID: "777001", Email: "olga@example.org"},
			{ID: "mem_nora", Name: "Nora NoID", Email: "nora@example.org"},
		},
		related: map[string]bool{"mem_renee": true, "mem_nora": true},
		saved:   map[string]ledger.Response{}, hashes: map[string]string{},
	}
}

func post(t *testing.T, f *fakeStore, in ledger.RosterInput) (ledger.RosterResult, error) {
	t.Helper()
	in.EventID, in.Actor = "evt_1", "usr_org"
	in.Viewer = recert.OrganizationsScope("org_a")
	for i := range in.Rows {
		in.Rows[i].Index, in.Rows[i].Line = i, i+2
	}
	return ledger.NewRosters(f, func() time.Time { return time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC) }).Post(t.Context(), in)
}

func TestIdentityRules(t *testing.T) {
	cases := []struct {
		name   string
		row    recert.RosterRow
		status string
		text   string // in the reason or a warning
	}{
		{"ABCP ID and email of two members", recert.RosterRow{ABCPID: "104455", Email: "olga@example.org"}, ledger.RowRejected,
			"ABCP ID 104455 is Renée Roy's; olga@example.org belongs to another member"},
		{"unknown ABCP ID, email of a member with another", recert.RosterRow{ABCPID: "999999", Email: "OLGA@example.org", Name: "X"}, ledger.RowRejected,
			"no member has ABCP ID 999999, and OLGA@example.org belongs to another member, whose ABCP ID is different"},
		{"email of a member without an ABCP ID", recert.RosterRow{ABCPID: "400004", Email: "nora@example.org"}, ledger.RowCreated,
			"400004 is proposed, not written"},
		{"name differing beyond accents", recert.RosterRow{ABCPID: "104455", Name: "Irene Roy"}, ledger.RowCreated,
			"differs from the member's record (Renée Roy)"},
		{"name differing in accents and case only", recert.RosterRow{ABCPID: "104455", Name: "RENEE  roy"}, ledger.RowCreated, ""},
		{"unknown attendee without a name", recert.RosterRow{ABCPID: "555555"}, ledger.RowRejected, "give a name to create one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake()
			c.row.Sessions = []string{"S1"}
			res, _ := post(t, f, ledger.RosterInput{Rows: []recert.RosterRow{c.row}, DryRun: true})
			r := res.Rows[0]
			text := r.Reason + strings.Join(r.Warnings, " ")
			if r.Status != c.status || !strings.Contains(text, c.text) || (c.text == "" && text != "") {
				t.Errorf("got %s %q", r.Status, text)
			}
			if len(f.writes) != 0 {
				t.Error("a dry run wrote")
			}
		})
	}
}

func TestDecisionsAreKept(t *testing.T) {
	for _, source := range []string{recert.SourceRevocation, recert.SourceCorrection, recert.SourceDispute, recert.SourceWithdrawal} {
		t.Run(source, func(t *testing.T) {
			f := newFake()
			f.held = []ledger.Held{{Attendance: recert.Attendance{ID: "att_1", EventID: "evt_1", MemberID: "mem_renee",
				Sessions: []recert.SessionCredit{{SessionID: "ses_a", CEUs: 100}}, Revoked: source == recert.SourceRevocation, Version: 2},
				Last: ledger.Decision{Source: source, At: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), By: "Olive Organizer", Reason: "left early"}}}
			rows := []recert.RosterRow{{ABCPID: "104455"}} // all sessions, as the organizer chose
			res, err := post(t, f, ledger.RosterInput{Rows: rows, AllSessions: true})
			if err != nil || res.Rows[0].Status != ledger.RowKept || !strings.Contains(res.Rows[0].Reason, "on 2026-11-02 by Olive Organizer: left early") {
				t.Fatalf("re-post: %v %+v", err, res.Rows[0])
			}
			if w := f.writes[0]; len(w.Updated) != 0 || len(w.Created) != 0 {
				t.Errorf("a kept row was written: %+v", w)
			}
			res, _ = post(t, f, ledger.RosterInput{Rows: []recert.RosterRow{{ABCPID: "104455"}}, Override: true, AllSessions: true})
			u := f.writes[1].Updated
			if res.Rows[0].Status != ledger.RowUpdated || len(u) != 1 || u[0].Source != recert.SourceOverride {
				t.Errorf("override: %+v %+v", res.Rows[0], u)
			}
			if c := res.Rows[0].Changes; c == nil || strings.Join(c.SessionsAfter, ";") != "S1;Tue-AM" || c.CEUsAfter != 250 {
				t.Errorf("changes: %+v", c)
			}
		})
	}
}

func TestGridAndLines(t *testing.T) {
	f := newFake()
	in := ledger.RosterInput{Extra: []string{"S1", "tuesday MORNING", "Badge #", "S9"}, Partial: true, Rows: []recert.RosterRow{
		{ABCPID: "104455", Marks: []string{"x", "", "1001", ""}},
		{ABCPID: "104455", Marks: []string{"", "yes", "", ""}},
		{Email: "nora@example.org", Marks: []string{"", "", "", "x"}},
		{ABCPID: "200001", Name: "New Person", Marks: []string{"", "", "", ""}},
	}}
	res, err := post(t, f, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"created ",
		"rejected line 3: same attendee as line 2",
		`rejected line 4: column "S9" names no session of this event but marks attendance ("x"); its sessions are S1, Tue-AM`,
		"rejected line 5: marks no session: put x under each session attended",
	}
	for i, w := range want {
		r := res.Rows[i]
		got := r.Status + " "
		if len(r.Errors) > 0 {
			got += r.Errors[0].Detail
		}
		if got != w {
			t.Errorf("line %d: %q, want %q", i+2, got, w)
		}
	}
	if strings.Join(res.Ignored, ",") != "Badge #,S9" {
		t.Errorf("ignored: %v", res.Ignored)
	}
	if w := f.writes[0]; len(w.Created) != 1 || len(w.Created[0].Sessions) != 1 || w.Posting == nil || w.Posting.Created != 1 {
		t.Errorf("writes: %+v", w)
	}
}

func TestAtomicRejectionWritesNothingAndDryRunPreviews(t *testing.T) {
	f := newFake()
	rows := []recert.RosterRow{{ABCPID: "104455", Sessions: []string{"s1"}}, {ABCPID: "104455"}}
	res, err := post(t, f, ledger.RosterInput{Rows: rows})
	if recert.ErrorCode(err) != recert.EINVALID || len(f.writes) != 0 || len(res.Rows) != 2 {
		t.Fatalf("atomic: %v, %d writes", err, len(f.writes))
	}
	res, err = post(t, f, ledger.RosterInput{Rows: rows, DryRun: true})
	if err != nil || res.Rows[0].Status != ledger.RowCreated || res.Rows[1].Status != ledger.RowRejected || len(f.writes) != 0 {
		t.Errorf("dry run preview: %v %+v", err, res.Rows)
	}
}

func TestIdempotency(t *testing.T) {
	f := newFake()
	idem := ledger.NewIdempotency(f, f)
	runs := 0
	run := func(context.Context) (ledger.Response, error) {
		runs++
		return ledger.Response{Status: 201, Body: []byte(`{"n":1}`)}, nil
	}
	k := &ledger.IdempotencyKey{Principal: "usr_a", Key: "k1", RequestHash: "h1"}
	first, err1 := idem.Do(t.Context(), k, run)
	second, err2 := idem.Do(t.Context(), k, run)
	if err1 != nil || err2 != nil || runs != 1 || first.Replayed || !second.Replayed || string(second.Body) != `{"n":1}` {
		t.Fatalf("replay: %v %v runs=%d %+v", err1, err2, runs, second)
	}
	other := *k
	other.RequestHash = "h2"
	if _, err := idem.Do(t.Context(), &other, run); recert.ErrorCode(err) != recert.EINVALID {
		t.Errorf("key reused for another request: %v", err)
	}
	// A request that fails stores nothing, so its retry runs again.
	failing := &ledger.IdempotencyKey{Principal: "usr_a", Key: "k2", RequestHash: "h"}
	_, _ = idem.Do(t.Context(), failing, func(context.Context) (ledger.Response, error) {
		return ledger.Response{}, recert.Errorf(recert.EINVALID, "bad")
	})
	if _, err := idem.Do(t.Context(), failing, run); err != nil || runs != 2 {
		t.Errorf("retry after a failure: %v runs=%d", err, runs)
	}
}

func TestIdempotencyRefusesAConcurrentDuplicate(t *testing.T) {
	f := newFake()
	idem := ledger.NewIdempotency(f, f)
	k := &ledger.IdempotencyKey{Principal: "usr_a", Key: "k", RequestHash: "h"}
	inside := make(chan struct{})
	done := make(chan struct{})
	go func() {
		_, _ = idem.Do(context.Background(), k, func(context.Context) (ledger.Response, error) {
			close(inside)
			<-done
			return ledger.Response{Status: 200}, nil
		})
	}()
	<-inside
	_, err := idem.Do(t.Context(), k, func(context.Context) (ledger.Response, error) { return ledger.Response{Status: 200}, nil })
	close(done)
	if recert.ErrorCode(err) != recert.ECONFLICT {
		t.Errorf("concurrent duplicate: %v", err)
	}
}

// TestNoCreditByDefault shows that a row credits only what it names: a row naming no session
// is rejected unless someone chose to credit every session, and a roster that cannot name
// sessions at all is refused whole.
func TestNoCreditByDefault(t *testing.T) {
	csv := ledger.Layout{CSV: true, SessionsColumn: "Sessions Attended"}
	cases := []struct {
		name    string
		in      ledger.RosterInput
		oneSess bool   // the event has a single session
		wantErr string // the whole roster's refusal
		status  string
		text    string // in the reason
		credit  string // codes and CEUs credited, "S1 1.00"
	}{
		{name: "empty sessions cell", in: ledger.RosterInput{Layout: csv, Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowRejected, text: `names no session: list the sessions attended in column "Sessions Attended"`},
		{name: "JSON row without sessions", in: ledger.RosterInput{Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowRejected, text: "names no session"},
		{name: "JSON row with an empty list", in: ledger.RosterInput{Rows: []recert.RosterRow{{ABCPID: "104455", Sessions: []string{}}}},
			status: ledger.RowRejected, text: "names no session"},
		{name: "all_sessions credits every session", in: ledger.RosterInput{Layout: csv, AllSessions: true, Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowCreated, credit: "S1,Tue-AM 2.50"},
		{name: "the sessions named", in: ledger.RosterInput{Layout: csv, Rows: []recert.RosterRow{{ABCPID: "104455", Sessions: []string{"Tuesday morning"}}}},
			status: ledger.RowCreated, credit: "Tue-AM 1.50"},
		{name: "CEUs instead of sessions", in: ledger.RosterInput{Layout: ledger.Layout{CSV: true, CEUsColumn: true}, Rows: []recert.RosterRow{{ABCPID: "104455", CEUs: ptr(recert.Units(75))}}},
			status: ledger.RowCreated, credit: " 0.75"},
		{name: "CEUs column, empty cell", in: ledger.RosterInput{Layout: ledger.Layout{CSV: true, CEUsColumn: true}, Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowRejected, text: "awards no CEUs and names no session"},
		{name: "an unmarked grid row, even with all_sessions", in: ledger.RosterInput{Layout: ledger.Layout{CSV: true}, AllSessions: true, Extra: []string{"S1", "Tue-AM"},
			Rows: []recert.RosterRow{{ABCPID: "104455", Marks: []string{"", "no"}}}}, status: ledger.RowRejected, text: "marks no session"},
		{name: "no sessions column", in: ledger.RosterInput{Layout: ledger.Layout{CSV: true}, Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			wantErr: "the roster names no sessions, so it would credit nothing"},
		{name: "no sessions column, all_sessions", in: ledger.RosterInput{Layout: ledger.Layout{CSV: true}, AllSessions: true, Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowCreated, credit: "S1,Tue-AM 2.50"},
		{name: "no sessions column, one session", oneSess: true, in: ledger.RosterInput{Layout: ledger.Layout{CSV: true}, Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowCreated, credit: "S1 1.00"},
		{name: "one session, JSON naming none", oneSess: true, in: ledger.RosterInput{Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowCreated, credit: "S1 1.00"},
		{name: "one session, an empty cell of a sessions column", oneSess: true, in: ledger.RosterInput{Layout: csv, Rows: []recert.RosterRow{{ABCPID: "104455"}}},
			status: ledger.RowRejected, text: "names no session"},
		{name: "an unknown title is suggested, not applied", in: ledger.RosterInput{Layout: csv, Rows: []recert.RosterRow{{ABCPID: "104455", Sessions: []string{"Tuesday"}}}},
			status: ledger.RowRejected, text: `"Tuesday" is not a session of this event; did you mean Tue-AM "Tuesday morning"?`},
		{name: "an ignored column listing sessions", in: ledger.RosterInput{Layout: csv, Extra: []string{"Sessions Registered"}, Rows: []recert.RosterRow{
			{ABCPID: "104455", Sessions: []string{"S1"}, Marks: []string{"S1; Tue-AM"}},
			{ABCPID: "777001", Sessions: []string{"S1"}, Marks: []string{"Cannulation"}},
			{Email: "nora@example.org", Sessions: []string{"S1"}, Marks: []string{"Tuesday morning, S1"}},
		}}, wantErr: `column "Sessions Registered" lists sessions of this event (3 of its 3 filled cells) but is not read as attendance`},
		{name: "a note naming a session is no list", in: ledger.RosterInput{Layout: csv, Extra: []string{"Notes"}, Rows: []recert.RosterRow{
			{ABCPID: "104455", Sessions: []string{"S1"}, Marks: []string{"S1"}},
			{ABCPID: "777001", Sessions: []string{"S1"}, Marks: []string{"left after S1"}},
			{Email: "nora@example.org", Sessions: []string{"S1"}},
		}}, status: ledger.RowCreated, credit: "S1 1.00"},
		{name: "two notes naming sessions are no list", in: ledger.RosterInput{Layout: csv, Extra: []string{"Notes"}, Rows: []recert.RosterRow{
			{ABCPID: "104455", Sessions: []string{"S1"}, Marks: []string{"S1"}},
			{ABCPID: "777001", Sessions: []string{"S1"}, Marks: []string{"Tue-AM"}},
		}}, status: ledger.RowCreated, credit: "S1 1.00"},
		{name: "a list mostly of sessions", in: ledger.RosterInput{Layout: csv, Extra: []string{"Tracks"}, Rows: []recert.RosterRow{
			{ABCPID: "104455", Sessions: []string{"S1"}, Marks: []string{"S1"}},
			{ABCPID: "777001", Sessions: []string{"S1"}, Marks: []string{"Tue-AM"}},
			{Email: "nora@example.org", Sessions: []string{"S1"}, Marks: []string{"Cannulation; Tue-AM"}},
			{ABCPID: "200001", Name: "Ann", Sessions: []string{"S1"}, Marks: []string{"S1|S2"}},
			{ABCPID: "200002", Name: "Bo", Sessions: []string{"S1"}, Marks: []string{"S1"}},
		}}, wantErr: `column "Tracks" lists sessions of this event (4 of its 5 filled cells)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake()
			if c.oneSess {
				f.event.Sessions = f.event.Sessions[:1]
			}
			c.in.DryRun = true
			res, err := post(t, f, c.in)
			if c.wantErr != "" {
				if recert.ErrorCode(err) != recert.EINVALID || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %v, want EINVALID %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := res.Rows[0]
			if r.Status != c.status || !strings.Contains(r.Reason, c.text) {
				t.Fatalf("got %s %q, want %s %q", r.Status, r.Reason, c.status, c.text)
			}
			credit := ""
			if r.Credit != nil {
				credit = strings.Join(r.Credit.Sessions, ",") + " " + r.Credit.CEUs.String()
			}
			if credit != c.credit {
				t.Errorf("credit %q, want %q", credit, c.credit)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
