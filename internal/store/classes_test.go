package store_test

import (
	"context"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestCreditClassesFollowEveryWrite: an attendance's credit classes are its sessions summed
// again after each kind of write to attendance or to attended sessions: a roster, a
// correction, a roster posted again over it, an event whose attended sessions change topics,
// category or approvers, a revocation. (Every test's store is checked the same way when the
// test ends, dbtest.CheckCreditClasses, which covers disputes, withdrawn postings and
// check-ins converted.)
func TestCreditClassesFollowEveryWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		check := func(what string) {
			t.Helper()
			if dbtest.CheckCreditClasses(t, st); t.Failed() {
				t.Fatalf("after %s", what)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		res := f.mustPost(t, recert.RosterRow{ABCPID: f.jane.ABCPID, Name: f.jane.Name})
		check("a roster")
		id := res.Rows[0].AttendanceID
		_, err := st.CorrectAttendance(ctx, id, []string{f.s1.ID}, nil, "left early", recert.SourceCorrection, "usr_org")
		must(err)
		check("a correction")
		_, err = f.post(t, []recert.RosterRow{{ABCPID: f.jane.ABCPID, Name: f.jane.Name}}, ledger.RosterInput{Override: true})
		must(err)
		check("a roster posted again over it")
		_, err = st.UpdateEvent(ctx, f.event.ID, 0, "usr_org", func(e *recert.Event) error {
			e.Sessions[1].Topics = []string{"ethics"}
			e.Sessions[2].Category = "I"
			e.Sessions[0].ApprovedBy = []string{"abcp"}
			return nil
		})
		must(err)
		check("attended sessions changed")
		rec, err := st.MemberRecord(ctx, ledger.RecordQuery{MemberID: f.jane.ID, Scope: recert.AllOrganizations(), Brief: true, Summed: true})
		must(err)
		if len(rec.Credits) != 3 || rec.Credits[1].Topics[0] != "ethics" || rec.Credits[2].Category != "I" {
			t.Fatalf("summed read after the event changed: %+v", rec.Credits)
		}
		_, err = st.RevokeAttendance(ctx, id, "not there", "usr_org")
		must(err)
		check("a revocation")
	})
}
