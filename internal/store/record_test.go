package store_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestMemberRecordMatchesItsParts: the record progress reads in one statement holds what the
// reads of each part hold (credits, activities, clinical entries, leave, where credits and
// entries start), for the whole record and an organization's part of it, in a window and
// open, with withdrawn and out-of-window rows left out.
func TestMemberRecordMatchesItsParts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		f.mustPost(t, recert.RosterRow{ABCPID: f.jane.ABCPID, Name: f.jane.Name})
		other := newOrg(t, st, "OTHER")
		day := func(s string) recert.Date { d, _ := recert.ParseDate(s); return d }
		for i, a := range []recert.Activity{
			{Type: "publication", Date: day("2024-02-03"), CEUs: 200, Category: "II", Title: "Old paper", Citation: "JECT"},
			{Type: "sdce", Date: day("2026-08-01"), CEUs: 150, Minutes: 90, Category: "I", Title: "Module", Provider: "AmSECT",
				ApprovalRef: "A-1", ApprovedBy: []string{"abcp"}, Topics: []string{"ethics", "safety"}},
			{Type: "presentation", Date: day("2026-09-01"), CEUs: 100, Category: "II", Title: "Withdrawn talk"},
		} {
			a.MemberID, a.DocumentationStatus = f.jane.ID, "none"
			created, err := st.CreateActivity(ctx, a, "test")
			if err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				if err := st.WithdrawActivity(ctx, created.ID, "test"); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i, e := range []recert.ClinicalEntry{
			{Date: day("2023-05-05"), Type: "cpb", Role: "primary", Count: 2},
			{Date: day("2026-07-15"), Type: "ecmo", Role: "secondary", Count: 1},
			{Date: day("2026-07-20"), Type: "cpb", Role: "primary", Count: 4},
		} {
			e.MemberID = f.jane.ID
			created, err := st.CreateClinicalEntry(ctx, e, "test")
			if err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				if err := st.WithdrawClinicalEntry(ctx, created.ID, "test"); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i, l := range []recert.Leave{{Type: "medical", Start: day("2025-01-01"), End: day("2025-02-01")},
			{Type: "parental", Start: day("2026-01-01"), End: day("2026-03-01")}} {
			l.MemberID = f.jane.ID
			created, err := st.CreateLeave(ctx, l, "test")
			if err != nil {
				t.Fatal(err)
			}
			if i == 1 {
				if _, err := st.SetLeaveApproval(ctx, created.ID, true, "test"); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, scope := range []recert.Scope{recert.AllOrganizations(), recert.OrganizationsScope(f.org.ID), recert.OrganizationsScope(other.ID)} {
			for _, w := range [][2]recert.Date{{}, {day("2026-06-30"), day("2026-12-31")}} {
				q := ledger.RecordQuery{MemberID: f.jane.ID, Scope: scope, From: w[0], To: w[1]}
				got, err := st.MemberRecord(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want := recordFromParts(t, st, q)
				if diff := gocmp.Diff(want, progressView(got)); diff != "" {
					t.Errorf("scope %v, window %v: record differs from its parts (-parts +record):\n%s", scope.IDs(), w, diff)
				}
				// Brief: the same, but for the sessions' titles, which only describe credits.
				q.Brief = true
				brief, err := st.MemberRecord(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for i := range want.Credits {
					want.Credits[i].SessionTitle = ""
				}
				if diff := gocmp.Diff(want, progressView(brief)); diff != "" {
					t.Errorf("scope %v, window %v: brief record differs from its parts (-parts +record):\n%s", scope.IDs(), w, diff)
				}
				if scope.All() && (len(got.Credits) == 0 || len(got.Leave) != 2 || got.FirstEntry.IsZero()) {
					t.Errorf("whole record: %d credits, %d leave, first entry %s", len(got.Credits), len(got.Leave), got.FirstEntry)
				}
			}
		}
	})
}

// recordFromParts is the record as the per-table reads give it.
func recordFromParts(t *testing.T, st *store.Store, q ledger.RecordQuery) ledger.Record {
	t.Helper()
	ctx := context.Background()
	in := func(d recert.Date) bool {
		return (q.From.IsZero() || !d.Before(q.From)) && (q.To.IsZero() || !d.After(q.To))
	}
	var rec ledger.Record
	var err error
	if rec.Credits, err = st.Credits(ctx, recert.CreditFilter{MemberID: q.MemberID, From: q.From, To: q.To, Scope: q.Scope}); err != nil {
		t.Fatal(err)
	}
	// Where credits start, whatever the window: the scope's earliest credit (and activity, for all).
	all, err := st.Credits(ctx, recert.CreditFilter{MemberID: q.MemberID, Scope: q.Scope})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if rec.FirstCredit.IsZero() || c.Date.Before(rec.FirstCredit) {
			rec.FirstCredit = c.Date
		}
	}
	if q.Scope.All() {
		acts, _, err := st.Activities(ctx, q.MemberID, recert.Page{}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range acts {
			if a.Withdrawn {
				continue
			}
			if rec.FirstCredit.IsZero() || a.Date.Before(rec.FirstCredit) {
				rec.FirstCredit = a.Date
			}
			if in(a.Date) {
				rec.Activities = append(rec.Activities, a)
			}
		}
		slices.SortFunc(rec.Activities, func(a, b recert.Activity) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) })
		if rec.Entries, err = st.ClinicalEntries(ctx, q.MemberID, q.From, q.To); err != nil {
			t.Fatal(err)
		}
		every, err := st.ClinicalEntries(ctx, q.MemberID, recert.Date{}, recert.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if len(every) > 0 {
			rec.FirstEntry = every[0].Date
		}
		if rec.Leave, err = st.LeavePeriods(ctx, q.MemberID); err != nil {
			t.Fatal(err)
		}
	}
	return progressView(rec)
}

// progressView keeps of a record what an evaluation reads.
func progressView(r ledger.Record) ledger.Record {
	out := ledger.Record{Credits: r.Credits, FirstCredit: r.FirstCredit, FirstEntry: r.FirstEntry}
	for _, a := range r.Activities {
		out.Activities = append(out.Activities, recert.Activity{ID: a.ID, MemberID: a.MemberID, Type: a.Type, Date: a.Date, CEUs: a.CEUs,
			Minutes: a.Minutes, Category: a.Category, ApprovedBy: a.ApprovedBy, Title: a.Title, Citation: a.Citation, Provider: a.Provider,
			ApprovalRef: a.ApprovalRef, Topics: a.Topics, ReviewStatus: a.ReviewStatus})
	}
	for _, e := range r.Entries {
		out.Entries = append(out.Entries, recert.ClinicalEntry{ID: e.ID, MemberID: e.MemberID, Date: e.Date, Type: e.Type, Role: e.Role, Count: e.Count})
	}
	for _, l := range r.Leave {
		out.Leave = append(out.Leave, recert.Leave{ID: l.ID, MemberID: l.MemberID, Type: l.Type, Start: l.Start, End: l.End, Approved: l.Approved})
	}
	return out
}

// TestMembersCreditsMatchEachRead: a page's credits, read for several members at once, are
// each member's credits as their own read gives them (but for the sessions' titles: a standing
// lists no credit), for one organization and two, in a window and open.
func TestMembersCreditsMatchEachRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		f.mustPost(t, recert.RosterRow{ABCPID: f.jane.ABCPID, Name: f.jane.Name})
		john, err := st.CreateMember(ctx, recert.Member{Name: "John Roe", ABCPID: "100002"}, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		f.mustPost(t, recert.RosterRow{ABCPID: john.ABCPID, Name: john.Name})
		other := newOrg(t, st, "OTHER")
		day := func(s string) recert.Date { d, _ := recert.ParseDate(s); return d }
		ids := []string{f.jane.ID, john.ID}
		for _, scope := range []recert.Scope{recert.OrganizationsScope(f.org.ID), recert.OrganizationsScope(f.org.ID, other.ID), recert.OrganizationsScope(other.ID)} {
			for _, w := range [][2]recert.Date{{}, {day("2026-06-30"), day("2026-12-31")}} {
				got, firsts, err := st.MembersCredits(ctx, ids, w[0], w[1], scope, false)
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range ids {
					want, err := st.Credits(ctx, recert.CreditFilter{MemberID: id, From: w[0], To: w[1], Scope: scope})
					if err != nil {
						t.Fatal(err)
					}
					for i := range want {
						want[i].SessionTitle = ""
					}
					if diff := gocmp.Diff(want, got[id], equateEmpty); diff != "" {
						t.Errorf("scope %v, window %v, member %s: page credits differ from the member's (-member +page):\n%s", scope.IDs(), w, id, diff)
					}
					if scope.IDs()[0] == f.org.ID && (len(got[id]) == 0 || firsts[id] != day("2026-06-29")) {
						t.Errorf("scope %v, member %s: %d credits, the first %v, want some from 2026-06-29", scope.IDs(), id, len(got[id]), firsts[id])
					}
				}
			}
		}
	})
}

// TestSummedRecordStandsForEachCredit: a summed read gives a meeting's alike sessions of one
// day as one credit (the first's id, their number) and every other credit as it is, for one
// member's record and a page's, whole and in a window.
func TestSummedRecordStandsForEachCredit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		f.mustPost(t, recert.RosterRow{ABCPID: f.jane.ABCPID, Name: f.jane.Name})
		second := session(t, "Day 2 alike", "2026-10-03", 100)
		second.Category = "II"
		g := f
		g.event = publish(t, st, createEvent(t, st, meeting(f.org.ID, "Fall Meeting", "2026-10-02", "2026-10-03", t,
			session(t, "A", "2026-10-02", 100), session(t, "B", "2026-10-02", 100), session(t, "C", "2026-10-02", 100),
			session(t, "Ethics", "2026-10-02", 100, "ethics"), session(t, "Long", "2026-10-02", 150), second, second)))
		g.mustPost(t, recert.RosterRow{ABCPID: f.jane.ABCPID, Name: f.jane.Name})
		day := func(s string) recert.Date { d, _ := recert.ParseDate(s); return d }
		// alike is what a summed credit shares with each it stands for.
		alike := func(c recert.Credit) string {
			return strings.Join([]string{c.AttendanceID, c.Date.String(), c.Category, c.CEUs.String(),
				strings.Join(c.Topics, " "), strings.Join(c.ApprovedBy, " ")}, "|")
		}
		check := func(t *testing.T, each, summed []recert.Credit) {
			t.Helper()
			ids := map[string][]string{}
			for _, c := range each {
				ids[alike(c)] = append(ids[alike(c)], c.ID)
			}
			n, most := 0, 0
			for _, c := range summed {
				group := ids[alike(c)]
				if c.Count > 1 && (len(group) != c.Count || c.ID != slices.Min(group) || c.SessionID != "") ||
					c.Count <= 1 && !slices.Contains(group, c.ID) {
					t.Errorf("summed credit %s (count %d, session %q) does not stand for %v", c.ID, c.Count, c.SessionID, group)
				}
				n += max(c.Count, 1)
				most = max(most, c.Count)
			}
			if n != len(each) || most != 3 {
				t.Errorf("summed credits stand for %d credits, %d read one by one; at most %d alike, want 3", n, len(each), most)
			}
		}
		for _, scope := range []recert.Scope{recert.AllOrganizations(), recert.OrganizationsScope(f.org.ID)} {
			for _, w := range [][2]recert.Date{{}, {day("2026-06-30"), day("2026-12-31")}} {
				q := ledger.RecordQuery{MemberID: f.jane.ID, Scope: scope, From: w[0], To: w[1], Brief: true}
				each, err := st.MemberRecord(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				q.Summed = true
				summed, err := st.MemberRecord(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				check(t, each.Credits, summed.Credits)
				if summed.FirstCredit != each.FirstCredit {
					t.Errorf("first credit %v, read one by one %v", summed.FirstCredit, each.FirstCredit)
				}
				if scope.All() {
					continue
				}
				page, _, err := st.MembersCredits(ctx, []string{f.jane.ID}, w[0], w[1], scope, true)
				if err != nil {
					t.Fatal(err)
				}
				check(t, each.Credits, page[f.jane.ID])
			}
		}
	})
}
