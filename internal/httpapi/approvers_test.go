package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// notCountedOf reads the credit ids a period lists as not counted, with their reasons.
func notCountedOf(t *testing.T, body []byte, programID, relation string) map[string]string {
	t.Helper()
	var res struct {
		Programs []struct {
			ProgramID string `json:"program_id"`
			Periods   []struct {
				Relation   string `json:"relation"`
				Counted    any    `json:"counted"`
				NotCounted []struct {
					CreditID string `json:"credit_id"`
					Reason   string `json:"reason"`
				} `json:"not_counted"`
			} `json:"periods"`
		} `json:"programs"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range res.Programs {
		for _, per := range p.Periods {
			if p.ProgramID == programID && per.Relation == relation {
				for _, n := range per.NotCounted {
					out[n.CreditID] = n.Reason
				}
				out["counted"] = per.Counted.(string)
			}
		}
	}
	return out
}

// TestStateApprovedCredit: who approved a credit is apart from its ABCP category. A meeting
// New Jersey's committee approved is ABCP Category II and counts for New Jersey; a course with
// no ABCP category counts there when a body New Jersey accepts approved it; what a program
// does not count is listed with why.
func TestStateApprovedCredit(t *testing.T) {
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
		in := api.EventInput{Title: "Garden State meeting", Format: "in_person", TimeZone: "America/New_York",
			StartDate: day(2024, 3, 9), EndDate: day(2024, 3, 9), ApprovedBy: &api.ApprovedBy{"us-nj-pac"},
			Sessions: []api.SessionInput{{Title: "Circuits", Date: day(2024, 3, 9), Ceus: "3.00"}}}
		created, _ := w.env.Client.CreateEventWithResponse(ctx, w.orgA.ID, in, w.as("organizer A"))
		if created.JSON201 == nil || created.JSON201.Category != "II" || len(created.JSON201.ApprovedBy) != 1 {
			t.Fatalf("create event: %s", created.Body)
		}
		published, _ := w.env.Client.PublishEventWithResponse(ctx, created.JSON201.ID, w.as("organizer A"))
		if published.JSON200 == nil {
			t.Fatalf("publish: %s", published.Body)
		}
		ev, err := st.Event(context.Background(), created.JSON201.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.attend(t, ev, w.member)

		// An event is never of category none: the contract does not offer it.
		none := api.EventCategory("none")
		in.Category = &none
		bad, _ := w.env.Client.CreateEventWithResponse(ctx, w.orgA.ID, in, w.as("organizer A"))
		if bad.StatusCode() != 400 || !strings.Contains(string(bad.Body), "#/category") {
			t.Errorf("event of category none: %d %s", bad.StatusCode(), bad.Body)
		}

		course, _ := w.env.Client.CreateActivityWithResponse(ctx, w.member.ID, nil, api.ActivityInput{Type: "other", Date: day(2024, 5, 1),
			Minutes: ptr(120), Title: "Post-graduate course", ApprovedBy: &api.ApprovedBy{"caahep-school"}}, w.as("member"))
		if course.JSON201 == nil || course.JSON201.Category != "none" || course.JSON201.ApprovedBy[0] != "caahep-school" {
			t.Fatalf("course: %s", course.Body)
		}
		other, _ := w.env.Client.CreateActivityWithResponse(ctx, w.member.ID, nil, api.ActivityInput{Type: "category_ii_meeting",
			Date: day(2024, 6, 1), Ceus: ptr("5.00"), Title: "Regional meeting"}, w.as("member"))
		if other.JSON201 == nil {
			t.Fatalf("meeting: %s", other.Body)
		}

		res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: date(2025, 9, 1)}, w.as("member"))
		if res.JSON200 == nil {
			t.Fatalf("progress: %s", res.Body)
		}
		// New Jersey: the committee-approved meeting (3 CEUs = 2.50 hours) and the school's
		// course (120 minutes = 2.00 hours) count; the unapproved Category II meeting does not.
		nj := notCountedOf(t, res.Body, "us-nj-perfusionist", "previous")
		if nj["counted"] != "4.50" || nj[other.JSON201.ID] != "not_accepted" || len(nj) != 2 {
			t.Errorf("New Jersey: %v", nj)
		}
		// ABCP counts Categories I, II and III (3.00 + 5.00 + the world's 4.50): the course with no ABCP category is listed, not lost.
		abcp := notCountedOf(t, res.Body, "abcp-ccp-ceu", "current")
		if abcp["counted"] != "12.50" || abcp[course.JSON201.ID] != "not_accepted" || len(abcp) != 2 {
			t.Errorf("ABCP: %v", abcp)
		}
	})
}
