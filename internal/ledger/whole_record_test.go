package ledger_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestProgressOverAWholeRecordAnswersAsAWindowedRead: an evaluation handed the member's whole
// record, read in one round trip with the member (Store.ProgressSubjectRecord), answers what an
// evaluation reading its own window does, on any date and for every reader: the member's
// whole record (activities, clinical entries, leave) and an organization's credits, brief
// (alike sessions summed) or with every credit. The record spans fifteen years, so that most
// dates' windows leave parts of it out at either end.
func TestProgressOverAWholeRecordAnswersAsAWindowedRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m, _ := member(t, st, recert.Date{Year: 2011, Month: 2, Day: 3}, recert.Date{Year: 2019, Month: 8, Day: 9},
			recert.Date{Year: 2024, Month: 5, Day: 1})
		org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Meeting host", Code: "HOST"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		for year := 2012; year <= 2026; year += 2 {
			day := recert.Date{Year: year, Month: time.Month(1 + year%12), Day: 12}
			meeting(t, st, recert.Event{OrganizationID: org.ID, Title: fmt.Sprintf("Meeting %d", year), Format: "in_person",
				TimeZone: "America/Chicago", StartDate: day, EndDate: day, Category: []string{"I", "II"}[year%4/2],
				Sessions: []recert.Session{{Title: "A", Date: day, CEUs: 100}, {Title: "B", Date: day, CEUs: 100},
					{Title: "C", Date: day, CEUs: 50, Topics: []string{"ethics"}}}}, []recert.RosterRow{{ABCPID: m.ABCPID}})
		}
		for _, d := range []recert.Date{{Year: 2013, Month: 3, Day: 1}, {Year: 2021, Month: 6, Day: 30}, {Year: 2025, Month: 1, Day: 9}} {
			if _, err := st.CreateClinicalEntry(ctx, recert.ClinicalEntry{MemberID: m.ID, Date: d, Type: "cpb", Role: "primary", Count: 3}, "test"); err != nil {
				t.Fatal(err)
			}
		}
		p := newProgress(t, st)
		for _, scope := range []recert.Scope{recert.AllOrganizations(), recert.OrganizationsScope(org.ID)} {
			for _, brief := range []bool{true, false} {
				sub, _, whole, err := st.ProgressSubjectRecord(ctx, m.ID, scope, nil, ledger.RecordQuery{Scope: scope, Brief: brief, Summed: brief})
				if err != nil {
					t.Fatal(err)
				}
				if !sub.Visible || sub.Member.ID != m.ID {
					t.Fatalf("subject: %+v", sub)
				}
				for asOf := (recert.Date{Year: 2012, Month: 1, Day: 1}); asOf.Year < 2030; asOf = asOf.AddDays(97) {
					q := ledger.Query{MemberID: m.ID, Scope: scope, AsOf: asOf, Brief: brief, Subject: &sub}
					want, err := p.Evaluate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					q.Record = &whole
					got, err := p.Evaluate(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if diff := gocmp.Diff(want, got, sameProgram); diff != "" {
						t.Fatalf("all organizations %v, brief %v, as of %s: the whole record answers otherwise (-windowed +whole):\n%s",
							scope.All(), brief, asOf, diff)
					}
				}
			}
		}
	})
}
