package httpapi_test

import (
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestDisputeFlow: a member disputes wrong attendance, the organizer accepts it; the member
// disputes missing attendance elsewhere, the organizer rejects it; every step is in the history.
func TestDisputeFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		// The member attended only the first session, but was posted for both.
		first := w.event.Sessions[0].ID
		wrong, _ := w.env.Client.CreateDisputeWithResponse(ctx, w.event.ID, api.DisputeInput{Kind: "wrong",
			Sessions: []string{first}, Message: "I left after the ECMO session"}, w.as("member"))
		if wrong.JSON201 == nil || value(wrong.JSON201.AttendanceID) != w.attendance.ID || wrong.JSON201.Status != "open" {
			t.Fatalf("dispute: %d %s", wrong.StatusCode(), wrong.Body)
		}
		asMissing, _ := w.env.Client.CreateDisputeWithResponse(ctx, w.event.ID, api.DisputeInput{Kind: "missing", Message: "x"}, w.as("member"))
		if asMissing.StatusCode() != 409 {
			t.Errorf("missing while posted: %d", asMissing.StatusCode())
		}
		listed, _ := w.env.Client.ListEventDisputesWithResponse(ctx, w.event.ID, nil, w.as("organizer A"))
		if listed.JSON200 == nil || len(listed.JSON200.Items) != 1 {
			t.Fatalf("organizer's list: %s", listed.Body)
		}
		accepted, _ := w.env.Client.ResolveDisputeWithResponse(ctx, wrong.JSON201.ID, api.DisputeResolution{Decision: "accepted"}, w.as("organizer A"))
		if accepted.JSON200 == nil || accepted.JSON200.Status != "accepted" {
			t.Fatalf("accept: %s", accepted.Body)
		}
		again, _ := w.env.Client.ResolveDisputeWithResponse(ctx, wrong.JSON201.ID, api.DisputeResolution{Decision: "rejected", Reason: ptr("no")}, w.as("organizer A"))
		if again.StatusCode() != 409 {
			t.Errorf("resolving twice: %d", again.StatusCode())
		}
		a, _ := w.env.Client.GetAttendanceWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
		if a.JSON200 == nil || a.JSON200.Ceus != "3.00" {
			t.Fatalf("corrected attendance: %s", a.Body)
		}
		history, _ := w.env.Client.GetAttendanceHistoryWithResponse(ctx, w.attendance.ID, nil, w.as("member"))
		var steps []string
		for _, c := range history.JSON200.Items {
			steps = append(steps, string(c.Action))
		}
		if got := strings.Join(steps, " "); got != "created disputed updated dispute_accepted" {
			t.Errorf("history = %s", got)
		}

		// Missing attendance at another event: rejected, with a reason.
		other := w.publishedEvent(t)
		missing, _ := w.env.Client.CreateDisputeWithResponse(ctx, other.ID, api.DisputeInput{Kind: "missing", Message: "I was there"}, w.as("member"))
		if missing.JSON201 == nil || missing.JSON201.AttendanceID != nil {
			t.Fatalf("missing: %s", missing.Body)
		}
		noReason, _ := w.env.Client.ResolveDisputeWithResponse(ctx, missing.JSON201.ID, api.DisputeResolution{Decision: "rejected"}, w.as("organizer A"))
		if noReason.StatusCode() != 422 {
			t.Errorf("rejection without a reason: %d", noReason.StatusCode())
		}
		rejected, _ := w.env.Client.ResolveDisputeWithResponse(ctx, missing.JSON201.ID, api.DisputeResolution{Decision: "rejected", Reason: ptr("not on the sign-in sheet")}, w.as("organizer A"))
		if rejected.JSON200 == nil || rejected.JSON200.Status != "rejected" || value(rejected.JSON200.ResolutionReason) != "not on the sign-in sheet" {
			t.Fatalf("reject: %s", rejected.Body)
		}
		mine, _ := w.env.Client.GetDisputeWithResponse(ctx, missing.JSON201.ID, nil, w.as("member"))
		if mine.JSON200 == nil || mine.JSON200.Status != "rejected" {
			t.Errorf("member reads the outcome: %s", mine.Body)
		}

		// Missing attendance accepted: posted as asked.
		third := w.publishedEvent(t)
		m2, _ := w.env.Client.CreateDisputeWithResponse(ctx, third.ID, api.DisputeInput{Kind: "missing", Message: "I was there", Ceus: ptr("2.00")}, w.as("member"))
		ok, _ := w.env.Client.ResolveDisputeWithResponse(ctx, m2.JSON201.ID, api.DisputeResolution{Decision: "accepted", Reason: ptr("found on the webinar log")}, w.as("organizer A"))
		if ok.JSON200 == nil || ok.JSON200.AttendanceID == nil {
			t.Fatalf("accept missing: %s", ok.Body)
		}
		posted, _ := w.env.Client.GetAttendanceWithResponse(ctx, *ok.JSON200.AttendanceID, nil, w.as("member"))
		if posted.JSON200 == nil || value(posted.JSON200.CeusAwarded) != "2.00" {
			t.Errorf("posted from the dispute: %s", posted.Body)
		}
	})
}
