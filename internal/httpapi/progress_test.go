package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
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

func date(y int, m time.Month, d int) *openapi_types.Date {
	return &openapi_types.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// period finds a credit program's period by relation in a progress response.
func period(t *testing.T, res *api.MemberProgress, programID, relation string) api.CEUPeriod {
	t.Helper()
	for _, p := range res.Programs {
		for _, u := range p.Periods {
			per, err := u.AsCEUPeriod()
			if err == nil && p.ProgramID == programID && string(per.Relation) == relation {
				return per
			}
		}
	}
	t.Fatalf("no %s period of %s in %+v", relation, programID, res.Programs)
	return api.CEUPeriod{}
}

// clinicalPeriod finds a clinical program's period by relation in a progress response.
func clinicalPeriod(t *testing.T, res *api.MemberProgress, programID, relation string) api.ClinicalPeriod {
	t.Helper()
	for _, p := range res.Programs {
		for _, u := range p.Periods {
			per, err := u.AsClinicalPeriod()
			if err == nil && p.ProgramID == programID && string(per.Relation) == relation {
				return per
			}
		}
	}
	t.Fatalf("no %s period of %s in %+v", relation, programID, res.Programs)
	return api.ClinicalPeriod{}
}

func TestProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		// A cycle-1 CCP with a Texas licence: ABCP's CEU period is 1 July 2023 – 30 June 2026.
		if _, err := st.UpdateMember(context.Background(), w.member.ID, 0, "test", func(m *recert.Member) error {
			m.ABCPCycle, m.CertificationDate = 1, recert.Date{Year: 2015, Month: 9, Day: 1}
			m.Licenses = []recert.License{{State: "TX", Number: "PE-1", IssuedOn: recert.Date{Year: 2024, Month: 3, Day: 1}}}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		asOf := date(2026, 5, 1)
		res, err := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: asOf}, w.as("member"))
		if err != nil || res.JSON200 == nil {
			t.Fatalf("progress: %v %s", err, res.Body)
		}
		var ids []string
		for _, p := range res.JSON200.Programs {
			ids = append(ids, p.ProgramID)
		}
		want := "abcp-ccp-ceu abcp-ccp-clinical us-tx-perfusionist us-tx-perfusionist-clinical"
		if got := join(ids); got != want {
			t.Fatalf("programs = %s, want %s", got, want)
		}
		cur := period(t, res.JSON200, "abcp-ccp-ceu", "current")
		if cur.Start.String() != "2023-07-01" || cur.End.String() != "2026-06-30" || fmt.Sprint(cur.Counted) != "4.50" ||
			fmt.Sprint(cur.Required) != "45.00" || cur.Deadline.Format(time.RFC3339) != "2026-07-31T23:59:00-07:00" {
			t.Errorf("ABCP current period: %+v", cur)
		}
		// The record starts on 17 April 2026, the last 75 days of 1096: Recert saw too little of the
		// period to say behind (Decision 19), and says what it holds since then.
		if cur.Status != "on_track" || !value(cur.PartlyTracked) ||
			!strings.Contains(cur.Summary.Sentence, "Your record in Recert starts on 17 April 2026: 4.50 of the 45.00 CEUs required in all") {
			t.Errorf("partly tracked period: %s %q", cur.Status, cur.Summary.Sentence)
		}
		if cur.Credits != nil || cur.Limits != nil || cur.ByCategory != nil || cur.Claimed != nil {
			t.Error("credits or explanations listed by default")
		}
		for _, n := range cur.Summary.Needs {
			if n.Text == "" || n.What != nil {
				t.Errorf("need %s: text %q, what %v", n.Rule, n.Text, n.What)
			}
		}

		// include=credits,explain and the deprecated explain=true say the same.
		explained, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID,
			&api.GetMemberProgressParams{AsOf: asOf, Program: ptr("abcp-ccp-ceu"), Explain: ptr(true)}, w.as("member"))
		if explained.JSON200 == nil || len(explained.JSON200.Programs) != 1 || len(period(t, explained.JSON200, "abcp-ccp-ceu", "current").Credits) != 2 {
			t.Fatalf("explain: %s", explained.Body)
		}
		included, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: asOf,
			Program: ptr("abcp-ccp-ceu"), Include: api.Include{api.ProgressIncludeCredits, api.ProgressIncludeExplain}}, w.as("member"))
		if included.JSON200 == nil || string(included.Body) != string(explained.Body) {
			t.Errorf("include=credits,explain differs from explain=true:\n%s\n%s", included.Body, explained.Body)
		}
		// The deprecated parameter says so on its answer, with its sunset; include does not.
		if d, s := explained.HTTPResponse.Header.Get("Deprecation"), explained.HTTPResponse.Header.Get("Sunset"); d != "@1796342400" || s != "Wed, 30 Jun 2027 00:00:00 GMT" {
			t.Errorf("explain=true: Deprecation %q, Sunset %q", d, s)
		}
		if d := included.HTTPResponse.Header.Get("Deprecation"); d != "" {
			t.Errorf("include: Deprecation %q", d)
		}
		onlyCredits, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: asOf,
			Program: ptr("abcp-ccp-ceu"), Include: api.Include{api.ProgressIncludeCredits}}, w.as("member"))
		if c := period(t, onlyCredits.JSON200, "abcp-ccp-ceu", "current"); len(c.Credits) != 2 || c.Limits != nil {
			t.Errorf("include=credits: %d credits, limits %v", len(c.Credits), c.Limits)
		}

		// Another event under the same ABCP approval on the same days is the same credit: it
		// changes nothing, so the what-if lists no change and no program.
		same := w.publishedEvent(t)
		none, _ := w.env.Client.WhatIfProgressWithResponse(ctx, w.member.ID,
			&api.WhatIfProgressParams{AsOf: asOf, Program: ptr("abcp-ccp-ceu")}, api.WhatIf{EventID: &same.ID}, w.as("member"))
		if none.JSON200 == nil || len(none.JSON200.Changes) != 0 || len(none.JSON200.Programs) != 0 {
			t.Fatalf("what-if of the same approved meeting: %s", none.Body)
		}
		// What if the member attends another 4.50-CEU meeting? Nothing is written.
		other := w.draftEvent(t)
		if _, err := st.UpdateEvent(ctx, other.ID, 0, "test", func(e *recert.Event) error { e.ApprovalRef = "ABCP-2026-0999"; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetEventStatus(ctx, other.ID, recert.EventPublished, "test"); err != nil {
			t.Fatal(err)
		}
		whatIf, _ := w.env.Client.WhatIfProgressWithResponse(ctx, w.member.ID,
			&api.WhatIfProgressParams{AsOf: asOf, Program: ptr("abcp-ccp-ceu")}, api.WhatIf{EventID: &other.ID}, w.as("member"))
		if whatIf.JSON200 == nil || fmt.Sprint(period(t, &api.MemberProgress{Programs: whatIf.JSON200.Programs}, "abcp-ccp-ceu", "current").Counted) != "9.00" {
			t.Fatalf("what-if: %s", whatIf.Body)
		}
		// The answer: what changes, period by period, before → after.
		var changed []string
		for _, c := range whatIf.JSON200.Changes {
			if c.Changed {
				changed = append(changed, fmt.Sprintf("%s %s %s→%s %s→%s", c.ProgramID, c.Relation, value(c.CountedBefore),
					value(c.CountedAfter), c.StatusBefore, c.StatusAfter))
			}
		}
		if want := "abcp-ccp-ceu current 4.50→9.00 on_track→on_track"; join(changed) != want || len(whatIf.JSON200.Changes) != 1 {
			t.Errorf("what-if changes: %v, want %s", changed, want)
		}
		// Enough Category I credit brings the period within 0.50 of its total.
		more, _ := w.env.Client.WhatIfProgressWithResponse(ctx, w.member.ID, &api.WhatIfProgressParams{AsOf: asOf, Program: ptr("abcp-ccp-ceu")},
			api.WhatIf{Credits: []api.WhatIfCredit{{Date: day(2026, 4, 1), Ceus: "40.00", Category: ptr(api.Category("I"))}}}, w.as("member"))
		if more.JSON200 == nil {
			t.Fatalf("what-if credits: %s", more.Body)
		}
		for _, c := range more.JSON200.Changes {
			if c.Relation == "current" && (c.StatusBefore != "on_track" || c.StatusAfter != "on_track" || value(c.RemainingAfter) != "0.50" ||
				c.Sentence != "ABCP CCP recertification: professional activity (CEUs), 1 July 2023 to 30 June 2026: 4.50 → 44.50 CEUs counted; status stays on track.") {
				t.Errorf("what-if current period: %+v", c)
			}
		}
		again, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: asOf, Program: ptr("abcp-ccp-ceu")}, w.as("member"))
		if fmt.Sprint(period(t, again.JSON200, "abcp-ccp-ceu", "current").Counted) != "4.50" {
			t.Error("what-if wrote something")
		}

		mine, _ := w.env.Client.GetMyProgressWithResponse(ctx, &api.GetMyProgressParams{AsOf: asOf}, w.as("member"))
		if mine.JSON200 == nil || mine.JSON200.MemberID != w.member.ID {
			t.Errorf("my progress: %s", mine.Body)
		}
		// Organization B's organizer cannot see the member at all.
		if res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, nil, w.as("organizer B")); res.StatusCode() != 404 {
			t.Errorf("organizer B: %d", res.StatusCode())
		}
	})
}

// TestProgressWithoutCycle: a member a roster created has no ABCP cycle; their ABCP CEU
// program says so in a sentence (needs_setup), asked alone or with the others, and every other
// program is evaluated as usual (Decision 3).
func TestProgressWithoutCycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		if _, err := st.UpdateMember(ctx, w.member.ID, 0, "test", func(m *recert.Member) error {
			m.Licenses = []recert.License{{State: "TX", Number: "PE-1", IssuedOn: recert.Date{Year: 2024, Month: 3, Day: 1}}}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		setup := func(p api.ProgramProgress) bool {
			return value(p.Status) == "needs_setup" && strings.Contains(value(p.Sentence), "ABCP gives each CCP a cycle") &&
				len(p.Periods) == 0 && p.Problem == nil
		}
		one, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{Program: ptr("abcp-ccp-ceu")}, w.as("member"))
		if one.JSON200 == nil || len(one.JSON200.Programs) != 1 || !setup(one.JSON200.Programs[0]) {
			t.Fatalf("no cycle, one program: %d %s", one.StatusCode(), one.Body)
		}
		all, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{AsOf: date(2026, 5, 1)}, w.as("member"))
		if all.JSON200 == nil || len(all.JSON200.Programs) != 4 {
			t.Fatalf("no cycle, all programs: %s", all.Body)
		}
		for _, p := range all.JSON200.Programs {
			if got := setup(p); got != (p.ProgramID == "abcp-ccp-ceu") || !got && len(p.Periods) == 0 {
				t.Errorf("%s: status %v, %d periods, problem %v", p.ProgramID, value(p.Status), len(p.Periods), value(p.Problem))
			}
		}
	})
}

func TestPrograms(t *testing.T) {
	w := newWorld(t, apitest.Start(t, dbtest.New(t, store.SQLite)))
	ctx := t.Context()
	list, _ := w.env.Client.ListProgramsWithResponse(ctx, nil)
	if list.JSON200 == nil || len(list.JSON200.Items) < 10 {
		t.Fatalf("programs: %s", list.Body)
	}
	tx, _ := w.env.Client.GetProgramWithResponse(ctx, "us-tx-perfusionist", nil)
	if tx.JSON200 == nil || tx.JSON200.Version != 1 || tx.JSON200.Total.Value != "30.00" || len(tx.JSON200.Topics) != 1 {
		t.Fatalf("TX: %s", tx.Body)
	}
	// The typed document reads back what the engine holds, field for field.
	var raw map[string]any
	if err := json.Unmarshal(tx.Body, &raw); err != nil || raw["met_by_abcp_certification"] != true || raw["period"].(map[string]any)["months"] != float64(24) {
		t.Fatalf("TX document: %v %s", err, tx.Body)
	}
	// A new version of Texas with a higher total.
	doc := *tx.JSON200
	doc.Version = 2
	created, err := w.env.Client.CreateProgramWithResponse(ctx, doc, w.as("admin"))
	if err != nil || created.StatusCode() != 201 {
		t.Fatalf("new version: %v %d %s", err, created.StatusCode(), created.Body)
	}
	latest, _ := w.env.Client.GetProgramWithResponse(ctx, "us-tx-perfusionist", nil)
	if latest.JSON200 == nil || latest.JSON200.Version != 2 {
		t.Errorf("latest TX: %s", latest.Body)
	}
	dup, _ := w.env.Client.CreateProgramWithResponse(ctx, doc, w.as("admin"))
	if dup.StatusCode() != 409 {
		t.Errorf("same version again: %d", dup.StatusCode())
	}
	doc.Version = 3
	doc.Total = &api.ProgramAmount{Value: "-5.00", Verified: ptr(true)}
	bad, _ := w.env.Client.CreateProgramWithResponse(ctx, doc, w.as("admin"))
	if bad.StatusCode() != 422 || bad.ApplicationProblemJSON422 == nil || len(bad.ApplicationProblemJSON422.Errors) == 0 ||
		bad.ApplicationProblemJSON422.Errors[0].Pointer != "#/total" {
		t.Errorf("inconsistent program: %d %s", bad.StatusCode(), bad.Body)
	}
}
