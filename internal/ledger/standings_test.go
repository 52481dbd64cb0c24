package ledger_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestStandingsOfAPageAnswerAsEachMemberAlone: a page of members large enough to be evaluated
// in parallel answers for each member what a page of that member alone does, hands each
// member's final result to its callback exactly once, and reads again, once for the page, the
// credits of the members a maximum binds (a program capping Category I).
func TestStandingsOfAPageAnswerAsEachMemberAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Meeting host", Code: "HOST"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		var members []recert.Member
		// Event 0: Category I, 5.5 CEUs; event 1: Category II, 2 CEUs; event 2, years before any
		// current period: where the record starts (the first credit, outside every window).
		var rows [3][]recert.RosterRow
		for i := range 40 {
			m, err := st.CreateMember(ctx, recert.Member{Name: fmt.Sprintf("Member %d", i), ABCPID: fmt.Sprintf("7%05d", i),
				ABCPCycle: 1 + i%3, CertificationDate: recert.Date{Year: 2005, Month: 9, Day: 1}}, org.ID, "test")
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, m)
			if i%3 == 0 {
				rows[0] = append(rows[0], recert.RosterRow{ABCPID: m.ABCPID})
			}
			if i%2 == 0 {
				rows[1] = append(rows[1], recert.RosterRow{ABCPID: m.ABCPID})
			}
			if i%5 == 0 {
				rows[2] = append(rows[2], recert.RosterRow{ABCPID: m.ABCPID})
			}
		}
		for i, category := range []string{"I", "II", "II"} {
			day := recert.Date{Year: 2024, Month: time.Month(4 + 6*i), Day: 10}
			if i == 2 {
				day = recert.Date{Year: 2015, Month: 5, Day: 2}
			}
			sessions := []recert.Session{{Title: "A", Date: day, CEUs: 100}, {Title: "B", Date: day, CEUs: 100, Topics: []string{"ethics"}}}
			if category == "I" {
				sessions = append(sessions, recert.Session{Title: "C", Date: day, CEUs: 100}, recert.Session{Title: "D", Date: day, CEUs: 250})
			}
			meeting(t, st, recert.Event{OrganizationID: org.ID, Title: fmt.Sprintf("Meeting %d", i), Format: "in_person",
				TimeZone: "America/Chicago", StartDate: day, EndDate: day, Category: category, Sessions: sessions}, rows[i])
		}
		reads, p := cappedProgress(t, st)
		scope := recert.OrganizationsScope(org.ID)

		var mu sync.Mutex
		handed := map[string][]ledger.Result{}
		page, err := p.Standings(ctx, members, scope, "", func(r ledger.Result) error {
			mu.Lock()
			defer mu.Unlock()
			handed[r.Member.ID] = append(handed[r.Member.ID], r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(reads.summed, []bool{true, false}) {
			t.Errorf("the page's reads, summed or not: %v, want one summed read and one read again", reads.summed)
		}
		for i, m := range members {
			alone, err := p.Standings(ctx, []recert.Member{m}, scope, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if page[i].Member.ID != m.ID {
				t.Fatalf("result %d is %s's, want %s's", i, page[i].Member.ID, m.ID)
			}
			if d := gocmp.Diff(alone[0], page[i], sameProgram); d != "" {
				t.Errorf("%s: the page's standing differs from the member's alone (-alone +page):\n%s", m.Name, d)
			}
			if got := handed[m.ID]; len(got) != 1 || gocmp.Diff(page[i], got[0], sameProgram) != "" {
				t.Errorf("%s: handed %d results, want the page's one", m.Name, len(got))
			}
		}
		if page[0].Programs[0].CEU == nil && page[0].Programs[1].CEU == nil {
			t.Fatalf("nothing evaluated: %+v", page[0])
		}

		// The same page from its versions: members and their credits (whole) read together.
		subjects, _, err := st.MemberVersions(ctx, recert.MemberFilter{Page: recert.Page{Limit: 100}, Scope: scope})
		if err != nil || len(subjects) != len(members) {
			t.Fatalf("versions: %d subjects, %v", len(subjects), err)
		}
		reads.summed = nil
		of, err := p.StandingsOf(ctx, subjects, scope, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(reads.summed, []bool{true, false}) {
			t.Errorf("the versions' page reads, summed or not: %v, want one summed read and one read again", reads.summed)
		}
		byID := map[string]ledger.Result{}
		for _, r := range page {
			byID[r.Member.ID] = r
		}
		for i, r := range of {
			if r.Member.ID != subjects[i].Member.ID {
				t.Fatalf("result %d is %s's, want %s's", i, r.Member.ID, subjects[i].Member.ID)
			}
			if d := gocmp.Diff(byID[r.Member.ID], r, sameProgram); d != "" {
				t.Errorf("%s: read from its version, the standing differs (-members +versions):\n%s", r.Member.Name, d)
			}
		}
	})
}
