package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestSameApprovalCountsOnce: ABCP gives one approval to an offering repeated over a year, so a
// second event may hold the reference of the first (201, with a warning naming it); a member
// credited by both on the same day, or who also reports the meeting themselves, counts it once,
// the other listed as not counted, duplicate.
func TestSameApprovalCountsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		if _, err := st.UpdateMember(ctx, w.member.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle, m.TrackingSince = 1, recert.Date{Year: 2023, Month: 7, Day: 1}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// The world's spring meeting holds ABCP-2026-0417 (3.00 on 17 April, 1.50 on 18 April).
		again, err := w.env.Client.CreateEventWithResponse(ctx, w.orgA.ID, api.EventInput{Title: "Spring Meeting, encore",
			Format: "live_webinar", Category: ptr(api.EventCategory("I")), TimeZone: "America/Chicago",
			StartDate: *date(2026, 4, 17), EndDate: *date(2026, 4, 17), ApprovalRef: ptr("abcp-2026-0417"),
			Sessions: []api.SessionInput{{Title: "ECMO update", Date: *date(2026, 4, 17), Ceus: "3.00"}}}, w.as("organizer A"))
		if err != nil || again.JSON201 == nil || len(again.JSON201.Warnings) != 1 ||
			!strings.Contains(again.JSON201.Warnings[0], w.event.ID) || !strings.Contains(again.JSON201.Warnings[0], "Spring Meeting") {
			t.Fatalf("a second event under one approval: %v %d %s", err, again.StatusCode(), again.Body)
		}
		encore := again.JSON201
		if _, err := st.SetEventStatus(ctx, encore.ID, recert.EventPublished, "test"); err != nil {
			t.Fatal(err)
		}
		e, err := st.Event(ctx, encore.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.attend(t, e, w.member)
		// The member also reports the 18 April day themselves.
		self, _ := w.env.Client.CreateActivityWithResponse(ctx, w.member.ID, nil, api.ActivityInput{Type: "meeting_attendance",
			Date: day(2026, 4, 18), Ceus: ptr("1.50"), Title: "Spring Meeting, day two", ApprovalRef: ptr("ABCP-2026-0417"),
			Category: ptr(api.Category("I"))}, w.as("member"))
		if self.JSON201 == nil {
			t.Fatalf("self-reported: %d %s", self.StatusCode(), self.Body)
		}

		res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID,
			&api.GetMemberProgressParams{AsOf: date(2026, 5, 1), Program: ptr("abcp-ccp-ceu")}, w.as("member"))
		if res.JSON200 == nil {
			t.Fatalf("progress: %s", res.Body)
		}
		cur := period(t, res.JSON200, "abcp-ccp-ceu", "current")
		if fmt.Sprint(cur.Counted) != "4.50" {
			t.Errorf("counted %s, want the spring meeting's 4.50 once", cur.Counted)
		}
		var dups []string
		for _, n := range cur.NotCounted {
			if n.Reason == api.NotCountedReasonDuplicate {
				dups = append(dups, fmt.Sprintf("%s %s", n.Date, n.Amount))
			}
		}
		if want := "2026-04-17 3.00 2026-04-18 1.50"; join(dups) != want {
			t.Errorf("duplicates %v, want %s (the encore's session and the self-reported day)", dups, want)
		}
	})
}
