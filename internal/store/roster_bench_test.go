package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// BenchmarkPostRoster5000 posts a 5,000-attendee roster to a four-session event on
// PostgreSQL through the ledger: "new" with every attendee unknown (members, attendance,
// 20,000 session credits, history and the posting created), "unchanged" posting the same
// roster again.
func BenchmarkPostRoster5000(b *testing.B) {
	const size = 5000
	st := dbtest.New(b, store.Postgres)
	ctx := context.Background()
	rosters := ledger.NewRosters(st, nil)
	org := newOrg(b, st, "BENCH")
	var sessions []recert.Session
	for i := range 4 {
		sessions = append(sessions, session(b, fmt.Sprintf("Session %d", i+1), "2026-04-17", 150))
	}
	newEvent := func() recert.Event {
		return publish(b, st, createEvent(b, st, meeting(org.ID, "Annual", "2026-04-17", "2026-04-17", b, sessions...)))
	}
	next := 100000 // ABCP IDs handed out so far; every "new" roster gets unused ones
	roster := func() []recert.RosterRow {
		rows := make([]recert.RosterRow, size)
		for i := range rows {
			rows[i] = recert.RosterRow{Index: i, ABCPID: fmt.Sprintf("%06d", next), Name: fmt.Sprintf("Attendee %d", next)}
			next++
		}
		return rows
	}
	post := func(b *testing.B, ev recert.Event, rows []recert.RosterRow, want string) {
		res, err := rosters.Post(ctx, ledger.RosterInput{EventID: ev.ID, Rows: rows, Actor: "usr_bench", Viewer: recert.AllOrganizations()})
		if err != nil {
			b.Fatal(err)
		}
		if res.Totals[want] != size {
			b.Fatalf("totals %v, want %d %s", res.Totals, size, want)
		}
	}

	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			ev, rows := newEvent(), roster()
			b.StartTimer()
			post(b, ev, rows, ledger.RowCreated)
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		ev, rows := newEvent(), roster()
		post(b, ev, rows, ledger.RowCreated)
		for b.Loop() {
			post(b, ev, rows, ledger.RowUnchanged)
		}
	})
}
