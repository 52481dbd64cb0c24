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

// TestReportInWords: New Jersey counts 60-minute hours. The report's lines show each credit as
// awarded and in hours, each rounded down; where they add up to less than the total (rounded
// once from the exact sum) a note says why; the summary says the conversion once; a Category II
// meeting New Jersey's committee approved is not called ABCP-approved (Decision 21).
func TestReportInWords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		if _, err := st.UpdateMember(ctx, w.member.ID, 0, "test", func(m *recert.Member) error {
			m.Licenses = []recert.License{{State: "NJ", Number: "NJ-1", IssuedOn: recert.Date{Year: 2019, Month: 7, Day: 1}}}
			m.TrackingSince = recert.Date{Year: 2025, Month: 7, Day: 1}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Three 1.00-CEU meetings (0.83 hours each, shown) and a committee-approved Category II one.
		for i := range 3 {
			res, _ := w.env.Client.CreateActivityWithResponse(ctx, w.member.ID, nil, api.ActivityInput{Type: "meeting_attendance",
				Date: day(2026, 3, 1+i), Ceus: ptr("1.00"), Title: fmt.Sprintf("Grand rounds %d", i), Category: ptr(api.Category("I"))}, w.as("member"))
			if res.JSON201 == nil {
				t.Fatalf("activity: %s", res.Body)
			}
		}
		d := recert.Date{Year: 2026, Month: 3, Day: 10}
		committee, err := st.CreateEvent(ctx, recert.Event{OrganizationID: w.orgA.ID, Title: "NJSPP spring meeting", Format: "in_person",
			TimeZone: "America/New_York", StartDate: d, EndDate: d, Category: "II", ApprovedBy: []string{"us-nj-pac"},
			Sessions: []recert.Session{{Title: "Circuit design", Date: d, CEUs: 200}}}, "test")
		if err == nil {
			committee, err = st.SetEventStatus(ctx, committee.ID, recert.EventPublished, "test")
		}
		if err != nil {
			t.Fatal(err)
		}
		w.attend(t, committee, w.member)
		rep, _ := w.env.Client.GetReportWithResponse(ctx, w.member.ID, &api.GetReportParams{Program: "us-nj-perfusionist", AsOf: date(2026, 5, 1)}, w.as("member"))
		if rep.JSON200 == nil || len(rep.JSON200.Reports) != 1 {
			t.Fatalf("report: %d %s", rep.StatusCode(), rep.Body)
		}
		r := rep.JSON200.Reports[0]
		var lines []string
		for _, l := range r.Lines {
			lines = append(lines, fmt.Sprintf("%s %s/%s %s", l.Date, value(l.Awarded), value(l.Claimed), value(l.Activity)))
		}
		got := strings.Join(lines, "; ")
		for _, want := range []string{"2026-03-01 1.00/0.83 ABCP-approved meeting or live webinar",
			"2026-03-10 2.00/1.66 Meeting or live webinar approved by New Jersey's Perfusionists Advisory Committee",
			"2026-04-17 3.00/2.50 ABCP-approved meeting or live webinar"} {
			if !strings.Contains(got, want) {
				t.Errorf("report lines lack %q:\n%s", want, got)
			}
		}
		// Lines: 0.83 × 3 + 1.66 + 2.50 + 1.25 = 7.90; the exact total is 9.50 CEUs × 50 / 60 = 7.91 hours.
		if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "the lines add up to 7.90 and the total counted is 7.91 (0.01 more)") {
			t.Errorf("notes %q", r.Notes)
		}
		if !strings.Contains(value(r.Summary), "Recert converts your credits (9.50 CEUs as awarded)") || !strings.Contains(value(r.Summary), "7.91 hours") {
			t.Errorf("summary %q does not say the conversion", value(r.Summary))
		}
	})
}
