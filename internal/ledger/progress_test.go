package ledger_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// member creates a cycle-1 CCP with one self-reported meeting on each of the given dates.
func member(t testing.TB, st *store.Store, days ...recert.Date) (recert.Member, []recert.Activity) {
	t.Helper()
	ctx := context.Background()
	org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Society", Code: fmt.Sprintf("S%d", time.Now().UnixNano()%100000)}, "test")
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.CreateMember(ctx, recert.Member{Name: "Pat", ABCPID: "123456", ABCPCycle: 1,
		CertificationDate: recert.Date{Year: 2005, Month: 9, Day: 1}}, org.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	var out []recert.Activity
	for i, d := range days {
		a, err := st.CreateActivity(ctx, recert.Activity{MemberID: m.ID, Type: "category_ii_meeting", Date: d, CEUs: 300,
			Category: "II", Title: fmt.Sprintf("Meeting %d", i), DocumentationStatus: "none"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return m, out
}

// meeting creates and publishes the event and posts its roster, every row credited with
// every session.
func meeting(t testing.TB, st *store.Store, e recert.Event, rows []recert.RosterRow) {
	t.Helper()
	ctx := context.Background()
	e, err := st.CreateEvent(ctx, e, "test")
	if err == nil {
		_, err = st.SetEventStatus(ctx, e.ID, recert.EventPublished, "test")
	}
	if err == nil {
		_, err = ledger.NewRosters(st, nil).Post(ctx, ledger.RosterInput{EventID: e.ID, Actor: "test", Rows: rows, AllSessions: true})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func newProgress(t testing.TB, st *store.Store) *ledger.Progress {
	t.Helper()
	builtIn, err := progress.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	return ledger.NewProgress(st, builtIn, func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) })
}

// TestProgressReadsAWindow: an evaluation loads the credits of the periods it evaluates (and
// the one before, for carry-over), not the member's whole history; where the record starts
// still comes from the whole history.
func TestProgressReadsAWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		old, recent := recert.Date{Year: 2010, Month: 5, Day: 1}, recert.Date{Year: 2024, Month: 5, Day: 1}
		m, acts := member(t, st, old, recent)
		res, err := newProgress(t, st).Evaluate(context.Background(), ledger.Query{Scope: recert.AllOrganizations(), MemberID: m.ID, Program: "abcp-ccp-ceu"})
		if err != nil {
			t.Fatal(err)
		}
		if _, loaded := res.About[acts[0].ID]; loaded {
			t.Error("a 2010 credit was loaded to evaluate 2020–2029")
		}
		if _, loaded := res.About[acts[1].ID]; !loaded {
			t.Error("the 2024 credit was not loaded")
		}
		e := res.Programs[0]
		if e.AsOf.String() != "2025-03-01" || e.CEU == nil || e.CEU.TrackingSince != old {
			t.Fatalf("evaluation: as of %s, tracking since %v", e.AsOf, e.CEU)
		}
		// The record starts in 2010, so the period that ended in 2023 is judged: deficient.
		if prev := e.CEU.Periods[0]; prev.Relation != progress.Previous || prev.Status != progress.StatusDeficient {
			t.Errorf("previous period: %s %s", prev.Relation, prev.Status)
		}
		rec, err := st.MemberRecord(context.Background(), ledger.RecordQuery{Scope: recert.AllOrganizations(), MemberID: m.ID,
			From: recert.Date{Year: 2020, Month: 7, Day: 1}, To: recert.Date{Year: 2029, Month: 6, Day: 30}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Activities) != 1 || rec.FirstCredit != old || !rec.FirstEntry.IsZero() {
			t.Errorf("record: %d activities, first credit %s, first entry %s", len(rec.Activities), rec.FirstCredit, rec.FirstEntry)
		}
	})
}

// TestProgressToday: without an as-of date, today is the program's: at 02:00 UTC on 1 July
// it is still 30 June in Los Angeles, the last day of an ABCP period.
func TestProgressToday(t *testing.T) {
	st := dbtest.New(t, store.SQLite)
	m, _ := member(t, st, recert.Date{Year: 2024, Month: 5, Day: 1})
	builtIn, err := progress.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	p := ledger.NewProgress(st, builtIn, func() time.Time { return time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC) })
	res, err := p.Evaluate(context.Background(), ledger.Query{Scope: recert.AllOrganizations(), MemberID: m.ID, Program: "abcp-ccp-ceu"})
	if err != nil {
		t.Fatal(err)
	}
	e := res.Programs[0]
	if e.AsOf.String() != "2026-06-30" {
		t.Errorf("today in Los Angeles = %s, want 2026-06-30", e.AsOf)
	}
	for _, per := range e.CEU.Periods {
		if per.Relation == progress.Current && per.End.String() != "2026-06-30" {
			t.Errorf("current period ends %s, want 2026-06-30", per.End)
		}
	}
}

// BenchmarkProgressLongHistory evaluates a member with 500 credits from 2008–2017, before the
// evaluated periods, and 20 in them: compared with BenchmarkProgressAllInWindow, the cost
// follows the credits in the window, not the whole history.
func BenchmarkProgressLongHistory(b *testing.B) { benchmarkProgress(b, 2008) }

// BenchmarkProgressAllInWindow evaluates a member with the same 520 credits, all in the
// evaluated periods.
func BenchmarkProgressAllInWindow(b *testing.B) { benchmarkProgress(b, 2021) }

func benchmarkProgress(b *testing.B, firstYear int) {
	st := dbtest.New(b, store.SQLite)
	var days []recert.Date
	for i := range 500 {
		days = append(days, recert.Date{Year: firstYear + i%4, Month: time.Month(1 + i%12), Day: 1 + i%28})
	}
	for i := range 20 {
		days = append(days, recert.Date{Year: 2024, Month: time.Month(1 + i%12), Day: 1 + i})
	}
	m, _ := member(b, st, days...)
	p := newProgress(b, st)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Evaluate(context.Background(), ledger.Query{Scope: recert.AllOrganizations(), MemberID: m.ID}); err != nil {
			b.Fatal(err)
		}
	}
}
