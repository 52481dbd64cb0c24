package ledger_test

import (
	"context"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// summedReads is the store, noting whether each credit read was summed.
type summedReads struct {
	*store.Store
	summed []bool
}

func (s *summedReads) MemberRecord(ctx context.Context, q ledger.RecordQuery) (ledger.Record, error) {
	s.summed = append(s.summed, q.Summed)
	return s.Store.MemberRecord(ctx, q)
}

func (s *summedReads) MembersCredits(ctx context.Context, ids []string, from, to recert.Date, scope recert.Scope, summed bool) (map[string][]recert.Credit, map[string]recert.Date, error) {
	s.summed = append(s.summed, summed)
	return s.Store.MembersCredits(ctx, ids, from, to, scope, summed)
}

// sameProgram compares evaluations' programs, the catalogue's, by identity.
var sameProgram = gocmp.Comparer(func(a, b *progress.Program) bool { return a == b })

// withoutExplanations is an evaluation as a brief one gives it: no credit explained.
func withoutExplanations(r ledger.Result) ledger.Result {
	r.About = nil
	r.Programs = slices.Clone(r.Programs)
	for i, e := range r.Programs {
		if e.CEU != nil {
			ev := *e.CEU
			ev.Periods = slices.Clone(ev.Periods)
			for j := range ev.Periods {
				ev.Periods[j].Credits = nil
			}
			r.Programs[i].CEU = &ev
		}
	}
	return r
}

// cappedProgress is the progress of the built-in catalogue and a copy of ABCP that caps
// Category I at 1.5 CEUs ("abcp-test-capped"), on 1 March 2025, read through a summedReads.
func cappedProgress(t *testing.T, st *store.Store) (*summedReads, *ledger.Progress) {
	t.Helper()
	catalogue, err := progress.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	capped := *progress.Select(catalogue, "abcp-ccp-ceu", recert.Date{Year: 2025, Month: 3, Day: 1})
	capped.ID = "abcp-test-capped"
	capped.Categories = append(slices.Clone(capped.Categories),
		progress.CategoryRule{ID: "cat-i-max", Category: progress.CategoryI, Max: &progress.Amount{Value: 150}})
	reads := &summedReads{Store: st}
	return reads, ledger.NewProgress(reads, append(catalogue, capped), func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) })
}

// TestBriefProgressReadsAlikeSessionsOnce: a brief evaluation reads a meeting's alike sessions
// as one credit each day and answers as an evaluation of each credit does; where a maximum
// cuts them (a program of the catalogue capping Category I), it reads each credit again. A
// page of standings does the same.
func TestBriefProgressReadsAlikeSessionsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m, _ := member(t, st)
		org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Meeting host", Code: "HOST"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		day := recert.Date{Year: 2024, Month: 10, Day: 10}
		var sessions []recert.Session
		for _, s := range []struct {
			ceus   recert.Units
			topics []string
		}{{100, nil}, {100, nil}, {100, nil}, {100, []string{"ethics"}}, {150, nil}} {
			sessions = append(sessions, recert.Session{Title: "Session", Date: day, CEUs: s.ceus, Topics: s.topics})
		}
		meeting(t, st, recert.Event{OrganizationID: org.ID, Title: "Fall Meeting", Format: "in_person",
			TimeZone: "America/Chicago", StartDate: day, EndDate: day, Category: "I", Sessions: sessions},
			[]recert.RosterRow{{ABCPID: m.ABCPID}})
		reads, p := cappedProgress(t, st)
		for _, c := range []struct {
			program string
			reads   []bool // summed or not, in order
		}{{"abcp-ccp-ceu", []bool{true}}, {"abcp-test-capped", []bool{true, false}}} {
			q := ledger.Query{MemberID: m.ID, Scope: recert.AllOrganizations(), Program: c.program}
			full, err := p.Evaluate(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			q.Brief, reads.summed = true, nil
			brief, err := p.Evaluate(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(reads.summed, c.reads) {
				t.Errorf("%s: reads summed %v, want %v", c.program, reads.summed, c.reads)
			}
			if d := gocmp.Diff(withoutExplanations(full), brief, sameProgram); d != "" {
				t.Errorf("%s: brief evaluation differs from the full one (-full +brief):\n%s", c.program, d)
			}
			if ev := brief.Programs[0].CEU; ev == nil || ev.Periods[1].Counted == 0 {
				t.Fatalf("%s: nothing counted: %+v", c.program, brief.Programs[0])
			}

			reads.summed = nil
			page, err := p.Standings(ctx, []recert.Member{m}, recert.OrganizationsScope(org.ID), c.program, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(reads.summed, c.reads) {
				t.Errorf("%s standings: reads summed %v, want %v", c.program, reads.summed, c.reads)
			}
			one, err := p.Evaluate(ctx, ledger.Query{MemberID: m.ID, Scope: recert.OrganizationsScope(org.ID), Program: c.program, Current: true})
			if err != nil {
				t.Fatal(err)
			}
			if d := gocmp.Diff(withoutExplanations(one), page[0], sameProgram); d != "" {
				t.Errorf("%s: standing differs from the member's evaluation (-member +standing):\n%s", c.program, d)
			}
		}
	})
}
