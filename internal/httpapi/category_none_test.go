package httpapi_test

import (
	"context"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestSessionOfCategoryNone: a session may have no ABCP category, as the contract offers; it
// counts only where a program accepts one of its approvers (New Jersey, for its committee's
// approval), never toward ABCP, and is listed as not accepted there.
func TestSessionOfCategoryNone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		if _, err := st.UpdateMember(context.Background(), w.member.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle, m.CertificationDate = 1, recert.Date{Year: 2015, Month: 9, Day: 1}
			m.Licenses = []recert.License{{State: "NJ", Number: "25MP1", IssuedOn: recert.Date{Year: 2015, Month: 1, Day: 1}}}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		none := api.Category("none")
		in := api.EventInput{Title: "Spring meeting", Format: "in_person", TimeZone: "America/New_York", ApprovalRef: ptr("ABCP-2024-0309"),
			StartDate: day(2024, 3, 9), EndDate: day(2024, 3, 9), Sessions: []api.SessionInput{
				{Code: ptr("S1"), Title: "Circuits", Date: day(2024, 3, 9), Ceus: "3.00"},
				{Code: ptr("S2"), Title: "State law", Date: day(2024, 3, 9), Ceus: "1.00", Category: &none, ApprovedBy: &api.ApprovedBy{"us-nj-pac"}},
				{Code: ptr("S3"), Title: "Vendor lunch", Date: day(2024, 3, 9), Ceus: "1.00", Category: &none},
			}}
		created, _ := w.env.Client.CreateEventWithResponse(ctx, w.orgA.ID, in, w.as("organizer A"))
		if created.JSON201 == nil || created.JSON201.Category != "I" {
			t.Fatalf("create event: %d %s", created.StatusCode(), created.Body)
		}
		if got := created.JSON201.Sessions; got[1].Category != "none" || got[2].Category != "none" || got[0].Category != "I" {
			t.Fatalf("sessions: %+v", got)
		}
		if published, _ := w.env.Client.PublishEventWithResponse(ctx, created.JSON201.ID, w.as("organizer A")); published.JSON200 == nil {
			t.Fatalf("publish: %s", published.Body)
		}
		ev, err := st.Event(context.Background(), created.JSON201.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.attend(t, ev, w.member)

		res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: date(2025, 9, 1)}, w.as("member"))
		if res.JSON200 == nil {
			t.Fatalf("progress: %s", res.Body)
		}
		refused := func(m map[string]string) (n int) {
			for _, r := range m {
				if r == "not_accepted" {
					n++
				}
			}
			return n
		}
		// New Jersey: Circuits (Category I, 3 CEUs = 2.50 hours) and the committee's State law
		// (1 CEU = 0.83 hours) count; the vendor lunch, approved by nobody New Jersey accepts, does not.
		nj := notCountedOf(t, res.Body, "us-nj-perfusionist", "previous")
		if refused(nj) != 1 || nj["counted"] != "3.33" {
			t.Errorf("New Jersey: %v", nj)
		}
		// ABCP: only Circuits toward its categories; both sessions of no category are listed as not accepted.
		abcp := notCountedOf(t, res.Body, "abcp-ccp-ceu", "current")
		if refused(abcp) != 2 {
			t.Errorf("ABCP: %v", abcp)
		}
	})
}
