package httpapi_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

func day(y int, m time.Month, d int) openapi_types.Date {
	return openapi_types.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// TestActivitiesFlowThroughProgress reports activities whose caps rules.md fixes and reads
// what ABCP's current period counts: publications 5 per item and 10 per period, SDCE 10.
func TestActivitiesFlowThroughProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		if _, err := st.UpdateMember(context.Background(), w.member.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle, m.CertificationDate = 1, recert.Date{Year: 2015, Month: 9, Day: 1}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		report := func(in api.ActivityInput) *api.CreateActivityResponse {
			t.Helper()
			res, err := w.env.Client.CreateActivityWithResponse(ctx, w.member.ID, nil, in, w.as("member"))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		// Three articles claimed at 6, 5 and 5 CEUs: 5 + 5 + 5 after the per-item cap, 10 after the period cap.
		for i, ceus := range []string{"6.00", "5.00", "5.00"} {
			res := report(api.ActivityInput{Type: "publication", Date: day(2025, time.Month(i+1), 10), Ceus: ptr(ceus), Title: fmt.Sprintf("Article %d", i)})
			if res.JSON201 == nil || res.JSON201.Category != "I" || !res.JSON201.SelfReported || res.JSON201.ReviewStatus != "pending" {
				t.Fatalf("publication: %d %s", res.StatusCode(), res.Body)
			}
		}
		// SDCE: 14 claimed in two modules, 10 count.
		for i, ceus := range []string{"8.00", "6.00"} {
			res := report(api.ActivityInput{Type: "sdce", Date: day(2025, time.Month(i+5), 1), Ceus: ptr(ceus), Title: "Module", PostTestScore: ptr(85)})
			if res.JSON201 == nil {
				t.Fatalf("sdce: %s", res.Body)
			}
		}
		failed := report(api.ActivityInput{Type: "sdce", Date: day(2025, 7, 1), Ceus: ptr("2.00"), Title: "Module", PostTestScore: ptr(79)})
		if failed.StatusCode() != 422 || failed.ApplicationProblemJSON422.Errors[0].Pointer != "#/post_test_score" {
			t.Errorf("SDCE with 79: %d %s", failed.StatusCode(), failed.Body)
		}
		// Self-study in minutes: 100 minutes are 2.00 CEUs, Category III by type.
		study := report(api.ActivityInput{Type: "category_iii_self_study", Date: day(2025, 8, 1), Minutes: ptr(100), Title: "Reading"})
		if study.JSON201 == nil || study.JSON201.Ceus != "2.00" || study.JSON201.Category != "III" {
			t.Fatalf("self-study: %s", study.Body)
		}

		progress := func() api.CEUPeriod {
			res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID,
				&api.GetMemberProgressParams{AsOf: date(2026, 5, 1), Program: ptr("abcp-ccp-ceu"), Include: api.Include{api.ProgressIncludeExplain}}, w.as("member"))
			if res.JSON200 == nil {
				t.Fatalf("progress: %s", res.Body)
			}
			return period(t, res.JSON200, "abcp-ccp-ceu", "current")
		}
		// Counted: attendance 4.50 + publications 10 + SDCE 10 + self-study 2 = 26.50; excess: 1 by the
		// per-item cap, 5 by the publication period cap, 4 by the SDCE period cap = 10.
		cur := progress()
		if fmt.Sprint(cur.Counted) != "26.50" || fmt.Sprint(value(cur.Excess)) != "10.00" {
			t.Fatalf("counted %v, excess %v", cur.Counted, value(cur.Excess))
		}
		// An administrator rejects the self-study: it stops counting.
		rejected, _ := w.env.Client.ReviewActivityWithResponse(ctx, w.member.ID, study.JSON201.ID, api.ActivityReview{Decision: "rejected", Reason: ptr("no documentation")}, w.as("admin"))
		if rejected.JSON200 == nil || rejected.JSON200.ReviewStatus != "rejected" {
			t.Fatalf("review: %s", rejected.Body)
		}
		if cur := progress(); fmt.Sprint(cur.Counted) != "24.50" {
			t.Errorf("after rejecting 2.00: counted %v", cur.Counted)
		}
		noReason, _ := w.env.Client.ReviewActivityWithResponse(ctx, w.member.ID, study.JSON201.ID, api.ActivityReview{Decision: "rejected"}, w.as("admin"))
		if noReason.StatusCode() != 422 {
			t.Errorf("rejection without a reason: %d", noReason.StatusCode())
		}

		history, _ := w.env.Client.GetActivityHistoryWithResponse(ctx, w.member.ID, study.JSON201.ID, nil, w.as("member"))
		if history.JSON200 == nil || len(history.JSON200.Items) != 2 || history.JSON200.Items[1].Action != "rejected" ||
			value(history.JSON200.Items[1].Reason) != "no documentation" || history.JSON200.Items[1].Before.ReviewStatus != "pending" {
			t.Errorf("activity history: %s", history.Body)
		}

		// The filing report lists every credit of the period with what it counted.
		filing, _ := w.env.Client.GetReportWithResponse(ctx, w.member.ID, &api.GetReportParams{Program: "abcp-ccp-ceu",
			Period: date(2025, 2, 1), AsOf: date(2026, 5, 1)}, w.as("member"))
		if filing.JSON200 == nil || len(filing.JSON200.Reports) != 1 || filing.JSON200.Reports[0].Start.String() != "2023-07-01" ||
			len(filing.JSON200.Reports[0].Lines) != 7 || filing.JSON200.AsOf.String() != "2026-05-01" {
			t.Fatalf("report: %s", filing.Body)
		}
		var sdceCounted []string
		for _, l := range filing.JSON200.Reports[0].Lines {
			if l.Kind == "sdce" {
				sdceCounted = append(sdceCounted, l.Counted)
				if value(l.Activity) != "Self-directed CE (SDCE)" {
					t.Errorf("SDCE line in words: %q", value(l.Activity))
				}
			}
		}
		// A filing aid: totals, required, remaining and the deadline per period and category.
		rep := filing.JSON200.Reports[0]
		var totals []string
		for _, tot := range rep.Totals {
			totals = append(totals, fmt.Sprintf("%s %s/%s/%s", tot.What, value(tot.Required), tot.Counted, value(tot.Remaining)))
		}
		want := "[All CEUs 45.00/24.50/20.50 Category I CEUs 15.00/24.50/0.00 Category II CEUs /0.00/ Category III CEUs /0.00/ " +
			"Category I CEUs other than SDCE (self-directed continuing education) 5.00/14.50/0.00]"
		if fmt.Sprint(totals) != want || rep.Deadline.Format(time.RFC3339) != "2026-07-31T23:59:00-07:00" ||
			!strings.HasPrefix(value(rep.Summary), "Needs 20.50 more CEUs by 30 June 2026; report due 31 July 2026.") {
			t.Errorf("report totals:\n got %s\nwant %s\nsummary %q", totals, want, value(rep.Summary))
		}
		if fmt.Sprint(sdceCounted) != "[8.00 2.00]" {
			t.Errorf("SDCE lines counted %v, want the earlier module whole and 2.00 of the later", sdceCounted)
		}
		// The same period read after it ended (Decision 20), chosen by a date inside it: never
		// behind. The record starts on 10 January 2025, less than half of the period, so short is
		// not tracked rather than deficient (Decision 19), with what is recorded.
		ended, _ := w.env.Client.GetReportWithResponse(ctx, w.member.ID, &api.GetReportParams{Program: "abcp-ccp-ceu",
			Period: date(2024, 1, 15), AsOf: date(2026, 12, 4)}, w.as("member"))
		if ended.JSON200 == nil || len(ended.JSON200.Reports) != 1 || ended.JSON200.Reports[0].Start.String() != "2023-07-01" ||
			ended.JSON200.Reports[0].Status != "not_tracked" || !strings.Contains(value(ended.JSON200.Reports[0].Summary), "24.50 of the 45.00 CEUs required in all are recorded") {
			t.Errorf("report of the ended period: %s", ended.Body)
		}
		// In July, between the period's end and its deadline, with the record set to start with
		// the period: short is deficient, and what was earned by 30 June can still be reported.
		if _, err := st.UpdateMember(ctx, w.member.ID, 0, "test", func(m *recert.Member) error {
			m.TrackingSince = recert.Date{Year: 2023, Month: 7, Day: 1}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		july, _ := w.env.Client.GetReportWithResponse(ctx, w.member.ID, &api.GetReportParams{Program: "abcp-ccp-ceu",
			Period: date(2024, 1, 15), AsOf: date(2026, 7, 15)}, w.as("member"))
		if july.JSON200 == nil || july.JSON200.Reports[0].Status != "deficient" ||
			!strings.Contains(value(july.JSON200.Reports[0].Summary), "Credits earned by 30 June 2026 can still be reported until 31 July 2026.") {
			t.Errorf("report in July: %s", july.Body)
		}
	})
}

// TestClinicalLog logs a clinical year with too many secondary activities and a case claimed
// twice as primary.
func TestClinicalLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		if _, err := st.UpdateMember(context.Background(), w.member.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle, m.CertificationDate = 1, recert.Date{Year: 2015, Month: 9, Day: 1}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		logEntry := func(in api.ClinicalEntryInput) *api.CreateClinicalEntryResponse {
			t.Helper()
			res, err := w.env.Client.CreateClinicalEntryWithResponse(ctx, w.member.ID, nil, in, w.as("member"))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		// rules.md E6: 22 primary and 20 secondary in the year ending 30 June 2025.
		for i := range 22 {
			if res := logEntry(api.ClinicalEntryInput{Date: day(2024, 8, 1+i), Type: "bypass_primary", Role: "primary",
				CaseReference: ptr(fmt.Sprintf("OR-2024-%03d", i))}); res.StatusCode() != 201 {
				t.Fatalf("primary %d: %s", i, res.Body)
			}
		}
		for i := range 20 {
			logEntry(api.ClinicalEntryInput{Date: day(2025, 1, 1+i), Type: "standby", Role: "secondary"})
		}
		dup := logEntry(api.ClinicalEntryInput{Date: day(2024, 9, 1), Type: "bypass_primary", Role: "primary", CaseReference: ptr("or-2024-000")})
		if dup.StatusCode() != 409 {
			t.Errorf("the same case twice as primary: %d %s", dup.StatusCode(), dup.Body)
		}
		list, _ := w.env.Client.ListClinicalEntriesWithResponse(ctx, w.member.ID, nil, w.as("member"))
		if list.JSON200 == nil || len(list.JSON200.Items) != 42 || !list.JSON200.Items[0].HasCaseReference {
			t.Fatalf("log: %d entries", len(list.JSON200.Items))
		}
		res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID,
			&api.GetMemberProgressParams{AsOf: date(2025, 8, 15), Program: ptr("abcp-ccp-clinical")}, w.as("member"))
		if res.JSON200 == nil {
			t.Fatalf("clinical progress: %s", res.Body)
		}
		prev := clinicalPeriod(t, res.JSON200, "abcp-ccp-clinical", "previous")
		if c := prev.Counted; prev.Status != "deficient" || c.Primary != 22 || c.Secondary != 15 || c.Total != 37 {
			t.Errorf("clinical year 2024-25: status %s, counted %v", prev.Status, prev.Counted)
		}

		// ABCP's reports as of 1 March 2025, as CSV: the professional report's 2 lines (the world's
		// April 2026 meeting is in the same 2023–2026 CEU period), then the clinical report's 42,
		// 5 secondary not counted.
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.env.URL+"/v1/members/"+w.member.ID+
			"/report?program=abcp-ccp&period=2025-03-01", nil)
		req.Header.Set("Accept", "text/csv")
		req.Header.Set("Authorization", "Bearer "+w.tokens["member"])
		res2, err := w.env.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(res2.Body).ReadAll()
		res2.Body.Close()
		uncounted := 0
		for _, r := range rows[1:45] {
			if r[0] == "abcp-ccp-clinical" && r[5] == "secondary" && r[8] == "0" {
				uncounted++
			}
		}
		if err != nil || len(rows) != 54 || rows[0][0] != "program" || rows[1][0] != "abcp-ccp-ceu" || uncounted != 5 {
			t.Fatalf("clinical report CSV: %d rows, %d secondary uncounted, %v", len(rows), uncounted, err)
		}
		// Then the totals: program, what, required, claimed, counted, remaining, start, end, deadline, status.
		totals := map[string][]string{}
		for _, r := range rows[46:] {
			totals[r[0]+": "+r[1]] = r[2:]
		}
		if got := totals["abcp-ccp-clinical: All clinical activities"]; len(got) != 8 || got[0] != "40" || got[1] != "42" || got[2] != "37" ||
			got[3] != "3" || got[6] != "2025-07-31T23:59:00-07:00" {
			t.Errorf("clinical totals: %v", got)
		}
		if got := totals["abcp-ccp-ceu: Category I CEUs"]; len(got) != 8 || got[0] != "15.00" || got[5] != "2026-06-30" {
			t.Errorf("Category I totals: %v (all: %v)", got, totals)
		}
	})
}
