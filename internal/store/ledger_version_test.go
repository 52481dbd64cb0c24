package store_test

import (
	"context"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestLedgerVersionFollowsEveryWrite checks that each write a member's progress reads changes
// their ledger version (cached progress answers depend on it), that an added program changes
// the programs' count, and that writes about other members leave the version alone.
func TestLedgerVersionFollowsEveryWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		bob, err := st.CreateMember(ctx, recert.Member{Name: "Bob Bystander", ABCPID: "100002"}, "", "usr_admin")
		if err != nil {
			t.Fatal(err)
		}
		version := func(id string) ledger.Version {
			t.Helper()
			v, err := st.ProgressVersion(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// changes runs a write and checks that it changed Jane's version and not Bob's.
		changes := func(what string, write func()) {
			t.Helper()
			jane, other := version(f.jane.ID), version(bob.ID)
			write()
			if got := version(f.jane.ID); got.Ledger <= jane.Ledger {
				t.Errorf("%s: Jane's ledger version stayed %d", what, got.Ledger)
			}
			if got := version(bob.ID); got != other {
				t.Errorf("%s: Bob's version changed from %+v to %+v", what, other, got)
			}
		}

		var res ledger.RosterResult
		changes("a roster", func() {
			res, err = post(t, st, f.event.ID, []recert.RosterRow{{ABCPID: "100001"}}, ledger.RosterInput{})
			must(err)
		})
		id := res.Rows[0].AttendanceID
		changes("a correction", func() {
			_, err = st.CorrectAttendance(ctx, id, []string{f.s1.ID}, nil, "left early", recert.SourceCorrection, "usr_org")
			must(err)
		})
		changes("a session's new title", func() {
			_, err = st.UpdateEvent(ctx, f.event.ID, 0, "usr_org", func(e *recert.Event) error {
				e.Sessions[0].Title = "Day one"
				return nil
			})
			must(err)
		})
		changes("the organization's new name", func() {
			o := f.org
			o.Name = "AmSECT"
			_, err = st.UpdateOrganization(ctx, o, 0, "usr_admin")
			must(err)
		})
		changes("a revocation", func() {
			_, err = st.RevokeAttendance(ctx, id, "not there", "usr_org")
			must(err)
		})
		var act recert.Activity
		changes("an activity", func() {
			act, err = st.CreateActivity(ctx, recert.Activity{MemberID: f.jane.ID, Type: "publication", Date: recert.Date{Year: 2026, Month: 7, Day: 2},
				CEUs: 100, Category: "I", Title: "Case report", DocumentationStatus: "none"}, "usr_jane")
			must(err)
		})
		changes("an activity's review", func() {
			_, err = st.UpdateActivity(ctx, act.ID, recert.ReviewVerified, "", "usr_admin", func(a *recert.Activity) error {
				a.ReviewStatus = recert.ReviewVerified
				return nil
			})
			must(err)
		})
		changes("an activity withdrawn", func() { must(st.WithdrawActivity(ctx, act.ID, "usr_jane")) })
		var entry recert.ClinicalEntry
		changes("a clinical entry", func() {
			entry, err = st.CreateClinicalEntry(ctx, recert.ClinicalEntry{MemberID: f.jane.ID, Date: recert.Date{Year: 2026, Month: 7, Day: 3},
				Type: "bypass_primary", Role: "primary", Count: 1}, "usr_jane")
			must(err)
		})
		changes("a clinical entry withdrawn", func() { must(st.WithdrawClinicalEntry(ctx, entry.ID, "usr_jane")) })
		var leave recert.Leave
		changes("a leave request", func() {
			leave, err = st.CreateLeave(ctx, recert.Leave{MemberID: f.jane.ID, Type: "parental",
				Start: recert.Date{Year: 2026, Month: 8, Day: 1}, End: recert.Date{Year: 2026, Month: 9, Day: 1}}, "usr_jane")
			must(err)
		})
		changes("a leave approval", func() {
			_, err = st.SetLeaveApproval(ctx, leave.ID, true, "usr_admin")
			must(err)
		})
		changes("a licence", func() {
			_, err = st.UpdateMember(ctx, f.jane.ID, 0, "usr_jane", func(m *recert.Member) error {
				m.Licenses = []recert.License{{State: "TX", Number: "7", IssuedOn: recert.Date{Year: 2024, Month: 1, Day: 1}}}
				return nil
			})
			must(err)
		})
		before := version(f.jane.ID)
		must(st.AddProgram(ctx, "us-zz-test", 1, []byte(`{}`), "usr_admin"))
		if after := version(f.jane.ID); after.Programs != before.Programs+1 || after.Ledger != before.Ledger {
			t.Errorf("a program added: version %+v, then %+v", before, after)
		}
	})
}

// TestLedgerVersionOfOtherAttendees checks that a roster or a correction at an event leaves
// the ledger version of the event's other attendees alone: locking the event must not count
// as changing it.
func TestLedgerVersionOfOtherAttendees(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		bob, err := st.CreateMember(ctx, recert.Member{Name: "Bob Bystander", ABCPID: "100002"}, "", "usr_admin")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := post(t, st, f.event.ID, []recert.RosterRow{{ABCPID: "100002"}}, ledger.RosterInput{}); err != nil {
			t.Fatal(err)
		}
		before, err := st.ProgressVersion(ctx, bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := post(t, st, f.event.ID, []recert.RosterRow{{ABCPID: "100001"}}, ledger.RosterInput{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CorrectAttendance(ctx, res.Rows[0].AttendanceID, []string{f.s1.ID}, nil, "left early", recert.SourceCorrection, "usr_org"); err != nil {
			t.Fatal(err)
		}
		if after, err := st.ProgressVersion(ctx, bob.ID); err != nil || after != before {
			t.Errorf("Bob's version went from %+v to %+v (%v) when Jane was posted and corrected", before, after, err)
		}
	})
}
