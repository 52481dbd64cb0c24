package store_test

import (
	"context"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestLedgerReferencesHold checks, on both engines, what the references from attendance and
// history enforce (foreign keys on SQLite, statement-level checks on PostgreSQL): a row naming
// a member, event, attendance or posting that does not exist is refused, and the rows named are
// never deleted nor their ids changed.
func TestLedgerReferencesHold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		res, err := post(t, st, f.event.ID, []recert.RosterRow{{ABCPID: "100001"}}, ledger.RosterInput{})
		if err != nil {
			t.Fatal(err)
		}
		attID, postingID := res.Rows[0].AttendanceID, res.PostingID
		db := st.DB().WithContext(context.Background())
		count := func(q string, args ...any) int64 {
			t.Helper()
			var n int64
			if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		const attendance = `INSERT INTO attendance (id, event_id, member_id, sessions, ceus_awarded, version, created_at, created_by, updated_at, updated_by)
VALUES (?, ?, ?, '[]', 0, 1, '2026-07-02T00:00:00Z', 'x', '2026-07-02T00:00:00Z', 'x')`
		const history = `INSERT INTO history (id, attendance_id, at, actor, action, after_state, posting_id, source)
VALUES (?, ?, '2026-07-02T00:00:00Z', 'x', 'created', '{}', ?, 'roster')`
		refused := map[string]func() error{
			"attendance of no member": func() error { return db.Exec(attendance, "att_x1", f.event.ID, "mem_none").Error },
			"attendance at no event": func() error {
				bob, err := st.CreateMember(context.Background(), recert.Member{Name: "Bob", ABCPID: "100002"}, "", "usr_admin")
				if err != nil {
					t.Fatal(err)
				}
				return db.Exec(attendance, "att_x2", "evt_none", bob.ID).Error
			},
			"attendance moved to no member": func() error {
				return db.Exec(`UPDATE attendance SET member_id = 'mem_none' WHERE id = ?`, attID).Error
			},
			"history of no attendance":   func() error { return db.Exec(history, "hst_x1", "att_none", postingID).Error },
			"history of no posting":      func() error { return db.Exec(history, "hst_x2", attID, "pst_none").Error },
			"a member deleted":           func() error { return db.Exec(`DELETE FROM members WHERE id = ?`, f.jane.ID).Error },
			"an event deleted":           func() error { return db.Exec(`DELETE FROM events WHERE id = ?`, f.event.ID).Error },
			"an attendance deleted":      func() error { return db.Exec(`DELETE FROM attendance WHERE id = ?`, attID).Error },
			"a posting deleted":          func() error { return db.Exec(`DELETE FROM roster_postings WHERE id = ?`, postingID).Error },
			"a member's id changed":      func() error { return db.Exec(`UPDATE members SET id = 'mem_new' WHERE id = ?`, f.jane.ID).Error },
			"an attendance's id changed": func() error { return db.Exec(`UPDATE attendance SET id = 'att_new' WHERE id = ?`, attID).Error },
		}
		for what, write := range refused {
			if err := write(); err == nil {
				t.Errorf("%s: accepted", what)
			}
		}
		if n := count(`SELECT COUNT(*) FROM attendance WHERE id IN ('att_x1', 'att_x2') OR member_id = 'mem_none'`); n != 0 {
			t.Errorf("%d refused attendance rows stored", n)
		}
		if n := count(`SELECT COUNT(*) FROM history WHERE id IN ('hst_x1', 'hst_x2')`); n != 0 {
			t.Errorf("%d refused history rows stored", n)
		}
		if n := count(`SELECT COUNT(*) FROM attendance a JOIN members m ON m.id = a.member_id JOIN events e ON e.id = a.event_id WHERE a.id = ?`, attID); n != 1 {
			t.Errorf("the attendance, its member or its event is gone")
		}
		// What the references allow still works: history of an activity names no attendance.
		if err := db.Exec(history, "hst_ok", nil, nil).Error; err != nil {
			t.Errorf("history naming neither an attendance nor a posting: %v", err)
		}
	})
}
