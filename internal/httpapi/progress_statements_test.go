package httpapi_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestProgressStatements counts the statements progress hands the database driver: an
// uncached evaluation of a member's whole record (credits, activities, clinical entries,
// leave, licences) reads the member and their record in 2; a request adds the caller's
// lookup (3), and a cached answer costs the caller and the member's version (2). A caller the
// service remembers from its token is confirmed in the member's read: one statement fewer.
func TestProgressStatements(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := counted(context.Background())
		if _, err := st.UpdateMember(ctx, w.member.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle, m.CertificationDate = 1, recert.Date{Year: 2015, Month: 9, Day: 1}
			m.Licenses = []recert.License{{State: "TX", Number: "PE-1", IssuedOn: recert.Date{Year: 2024, Month: 3, Day: 1}},
				{State: "PA", Number: "P-2", IssuedOn: recert.Date{Year: 2019, Month: 1, Day: 1}}}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		act, err := st.CreateActivity(ctx, recert.Activity{MemberID: w.member.ID, Type: "publication", Date: recert.Date{Year: 2025, Month: 2, Day: 3},
			CEUs: 200, Category: "II", Title: "A case report", Citation: "J Extra Corpor Technol", DocumentationStatus: "none"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		entry, err := st.CreateClinicalEntry(ctx, recert.ClinicalEntry{MemberID: w.member.ID, Date: recert.Date{Year: 2025, Month: 1, Day: 9},
			Type: "cpb", Role: "primary", Count: 3}, "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateLeave(ctx, recert.Leave{MemberID: w.member.ID, Type: "medical", Start: recert.Date{Year: 2025, Month: 3, Day: 1},
			End: recert.Date{Year: 2025, Month: 3, Day: 20}}, "test"); err != nil {
			t.Fatal(err)
		}
		log := logStatements(t, st)

		// (a) An uncached evaluation, the catalogue already in memory (it is read once, then
		// again only when an administrator adds a program).
		builtIn, err := progress.BuiltIn()
		if err != nil {
			t.Fatal(err)
		}
		p := ledger.NewProgress(st, builtIn, func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) })
		evaluate := func() []string {
			before := log.len()
			res, err := p.Evaluate(ctx, ledger.Query{MemberID: w.member.ID, Scope: recert.AllOrganizations()})
			if err != nil || len(res.Programs) == 0 {
				t.Fatalf("evaluate: %d programs, %v", len(res.Programs), err)
			}
			// The evaluation read the whole record: credits, activities and clinical entries.
			for _, id := range []string{w.attendance.ID, act.ID, entry.ID} {
				if !slices.ContainsFunc(slices.Collect(maps.Keys(res.About)), func(k string) bool { return strings.HasPrefix(k, id) }) {
					t.Fatalf("evaluate: %s not read (%v)", id, res.About)
				}
			}
			return log.since(before)
		}
		evaluate()
		sql := fewest(evaluate)
		if len(sql) > 2 {
			t.Errorf("an uncached evaluation took %d statements, want at most 2:\n%s", len(sql), strings.Join(sql, "\n"))
		}
		// The record is among them: a statement pgx runs itself (Store.read) is counted too.
		if !slices.ContainsFunc(sql, func(q string) bool { return strings.Contains(q, "FROM attendance") }) {
			t.Errorf("the record's statement is not among those counted:\n%s", strings.Join(sql, "\n"))
		}

		// (b) and (c): requests, each caller once uncached (a date not asked before) and once cached.
		day := 0
		for _, caller := range []string{"member", "admin", "organizer A", "client with scope"} {
			var asOf string
			uncached := fewest(func() []string {
				day++
				asOf = fmt.Sprintf("2026-04-%02d", day)
				return w.progressStatements(t, log, caller, asOf)
			})
			if len(uncached) > 3 {
				t.Errorf("%s: an uncached progress request took %d statements, want at most 3:\n%s", caller, len(uncached), strings.Join(uncached, "\n"))
			}
			cached := fewest(func() []string { return w.progressStatements(t, log, caller, asOf) })
			if len(cached) > 2 {
				t.Errorf("%s: a cached progress request took %d statements, want at most 2:\n%s", caller, len(cached), strings.Join(cached, "\n"))
			}
			if remembered := len(cached); remembered > 1 {
				t.Errorf("%s: a cached progress request from a remembered caller took %d statements, want 1:\n%s", caller, remembered, strings.Join(cached, "\n"))
			}
			t.Logf("%s: %d statements uncached, %d cached", caller, len(uncached), len(cached))
		}
	})
}

// fewest is the fewest statements of three runs of f: a background job may run meanwhile.
func fewest(f func() []string) []string {
	var best []string
	for i := range 3 {
		if sql := f(); i == 0 || len(sql) < len(best) {
			best = sql
		}
	}
	return best
}

// progressStatements asks for the member's progress as caller and returns the statements
// the request issued.
func (w *world) progressStatements(t *testing.T, log *statementLog, caller, asOf string) []string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		t.Fatal(err)
	}
	before := log.len()
	res, err := w.env.Client.GetMemberProgressWithResponse(t.Context(), w.member.ID,
		&api.GetMemberProgressParams{AsOf: date(d.Year(), d.Month(), d.Day())}, w.as(caller))
	if err != nil || res.StatusCode() != http.StatusOK {
		t.Fatalf("%s: progress: %v %d %s", caller, err, res.StatusCode(), res.Body)
	}
	return log.since(before)
}
