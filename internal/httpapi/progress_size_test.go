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

// walkthroughMember gives the world's member what the README walkthrough enters: ABCP cycle 2,
// certified 14 September 2019, a Texas licence issued 1 March 2021 (four programs of three
// periods), with the spring meeting's two sessions posted.
func walkthroughMember(t *testing.T, w *world) {
	t.Helper()
	if _, err := w.env.Store.UpdateMember(context.Background(), w.member.ID, 0, "test", func(m *recert.Member) error {
		m.ABCPCycle, m.CertificationDate = 2, recert.Date{Year: 2019, Month: 9, Day: 14}
		m.Licenses = []recert.License{{State: "TX", Number: "PR-2041", IssuedOn: recert.Date{Year: 2021, Month: 3, Day: 1}}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestProgressAnswerSize: the walkthrough member's default progress answer and a what-if of
// the fall webinar each stay within 8 KB (the figures are written in the README next to the
// example); the explained answer carries more.
func TestProgressAnswerSize(t *testing.T) {
	const most = 8 << 10
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		walkthroughMember(t, w)
		ctx := t.Context()
		asOf := date(2026, 12, 4)
		plain, err := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: asOf}, w.as("member"))
		if err != nil || plain.JSON200 == nil {
			t.Fatalf("progress: %v %s", err, plain.Body)
		}
		if n := len(plain.JSON200.Programs); n != 4 {
			t.Fatalf("%d programs, want the walkthrough's 4", n)
		}
		full, err := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: asOf,
			Include: api.Include{api.ProgressIncludeCredits, api.ProgressIncludeExplain}}, w.as("member"))
		if err != nil || full.JSON200 == nil {
			t.Fatalf("progress with credits: %v %s", err, full.Body)
		}
		// The walkthrough's fall webinar: 2.00 CEUs of Category I on 2 October 2027.
		fallDay := recert.Date{Year: 2027, Month: 10, Day: 2}
		fall, err := w.env.Store.CreateEvent(ctx, recert.Event{OrganizationID: w.orgA.ID, Title: "WPS Fall Webinar",
			Format: "live_webinar", Category: "I", TimeZone: "America/Chicago", StartDate: fallDay, EndDate: fallDay,
			Sessions: []recert.Session{{Title: "Blood management", Date: fallDay, CEUs: 200}}}, "test")
		if err == nil {
			fall, err = w.env.Store.SetEventStatus(ctx, fall.ID, recert.EventPublished, "test")
		}
		if err != nil {
			t.Fatal(err)
		}
		whatIf, err := w.env.Client.WhatIfProgressWithResponse(ctx, w.member.ID, &api.WhatIfProgressParams{AsOf: asOf},
			api.WhatIf{EventID: &fall.ID}, w.as("member"))
		if err != nil || whatIf.JSON200 == nil {
			t.Fatalf("what-if: %v %s", err, whatIf.Body)
		}
		t.Logf("walkthrough member, 4 programs: progress %d bytes, with include=credits,explain %d bytes, what-if %d bytes",
			len(plain.Body), len(full.Body), len(whatIf.Body))
		if len(plain.Body) > most || len(whatIf.Body) > most {
			t.Errorf("progress %d bytes, what-if %d bytes: want each at most %d", len(plain.Body), len(whatIf.Body), most)
		}
		if len(full.Body) <= len(plain.Body) {
			t.Errorf("include=credits,explain answers %d bytes, no more than the default %d", len(full.Body), len(plain.Body))
		}
	})
}
