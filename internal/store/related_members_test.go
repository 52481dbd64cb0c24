package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestRelatedMembersFollowTheirSources checks, on both engines, that the rows of
// related_members are always the relation they stand for: the members each organization
// created, and those with attendance at its events. After each kind of write that makes a
// relation (a member created for an organization, a roster that matches a member, one that
// creates members, attendance at a second organization's event, a revocation), the table is
// compared with the relation read from its sources; moving an attendance or an event, or
// deleting a created relation, which would leave a row standing for nothing, is refused.
func TestRelatedMembersFollowTheirSources(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		db := st.DB().WithContext(ctx)
		pairs := func(q string) []string {
			t.Helper()
			var rows []struct{ OrganizationID, MemberID string }
			if err := db.Raw(q).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			out := make([]string, len(rows))
			for i, r := range rows {
				out[i] = r.OrganizationID + " " + r.MemberID
			}
			slices.Sort(out)
			return out
		}
		check := func(after string, want int) {
			t.Helper()
			kept := pairs(`SELECT organization_id, member_id FROM related_members`)
			derived := pairs(`SELECT organization_id, member_id FROM organization_members
				UNION SELECT e.organization_id, a.member_id FROM attendance a JOIN events e ON e.id = a.event_id`)
			if !slices.Equal(kept, derived) {
				t.Errorf("after %s: related_members holds %v, its sources say %v", after, kept, derived)
			}
			if len(kept) != want {
				t.Errorf("after %s: %d relations, want %d", after, len(kept), want)
			}
		}
		check("the fixture (Jane is related to nobody)", 0)

		created, err := st.CreateMember(ctx, recert.Member{Name: "Carl Created", ABCPID: "100009"}, f.org.ID, "usr_org")
		if err != nil {
			t.Fatal(err)
		}
		check("a member created for the organization", 1)

		res := f.mustPost(t, recert.RosterRow{ABCPID: "100001"}, recert.RosterRow{ABCPID: "100009"},
			recert.RosterRow{ABCPID: "100077", Name: "Walk In"})
		check("a roster matching Jane and Carl and creating a member", 3)

		other := newOrg(t, st, "WPS")
		e2 := publish(t, st, createEvent(t, st, meeting(other.ID, "Fall Meeting", "2026-10-03", "2026-10-03", t,
			session(t, "Morning", "2026-10-03", 200))))
		if _, err := post(t, st, e2.ID, []recert.RosterRow{{ABCPID: "100001"}}, ledger.RosterInput{}); err != nil {
			t.Fatal(err)
		}
		check("attendance at a second organization's event", 4)

		if _, err := st.RevokeAttendance(ctx, res.Rows[0].AttendanceID, "did not attend", "usr_org"); err != nil {
			t.Fatal(err)
		}
		check("a revocation (a revoked attendance still relates, as before)", 4)

		for what, q := range map[string]string{
			"an attendance moved to another member":  `UPDATE attendance SET member_id = '` + created.ID + `' WHERE id = '` + res.Rows[0].AttendanceID + `'`,
			"an attendance moved to another event":   `UPDATE attendance SET event_id = '` + e2.ID + `' WHERE id = '` + res.Rows[1].AttendanceID + `'`,
			"an event moved to another organization": `UPDATE events SET organization_id = '` + other.ID + `' WHERE id = '` + f.event.ID + `'`,
			"a created relation deleted":             `DELETE FROM organization_members`,
		} {
			if err := db.Exec(q).Error; err == nil {
				t.Errorf("%s: accepted", what)
			}
		}
		check("the refused writes", 4)

		for _, c := range []struct {
			org, member string
			want        bool
		}{{f.org.ID, f.jane.ID, true}, {other.ID, f.jane.ID, true}, {other.ID, created.ID, false}, {f.org.ID, created.ID, true}} {
			related, err := st.MemberRelated(ctx, c.member, recert.OrganizationsScope(c.org))
			if err != nil || related != c.want {
				t.Errorf("MemberRelated(%s, %s) = %v, %v; want %v", c.member, c.org, related, err, c.want)
			}
		}
	})
}
