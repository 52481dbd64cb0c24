package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
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
			fmt.Sprint(cur.Required) != "45.00" || cur.Status != "behind" || cur.Deadline.Format(time.RFC3339) != "2026-07-31T23:59:00-07:00" {
			t.Errorf("ABCP current period: %+v", cur)
		}
		if cur.Credits != nil {
			t.Error("credits listed without explain=true")
		}

		explained, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID,
			&api.GetMemberProgressParams{AsOf: asOf, Program: ptr("abcp-ccp-ceu"), Explain: ptr(true)}, w.as("member"))
		if explained.JSON200 == nil || len(explained.JSON200.Programs) != 1 || len(period(t, explained.JSON200, "abcp-ccp-ceu", "current").Credits) != 2 {
			t.Fatalf("explain: %s", explained.Body)
		}

		// What if the member attends another 6-CEU meeting? Nothing is written.
		other := w.publishedEvent(t)
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
		if want := "abcp-ccp-ceu current 4.50→9.00 behind→behind"; join(changed) != want || len(whatIf.JSON200.Changes) != 3 {
			t.Errorf("what-if changes: %v, want %s", changed, want)
		}
		// Enough Category I credit to be on pace turns behind into on track.
		more, _ := w.env.Client.WhatIfProgressWithResponse(ctx, w.member.ID, &api.WhatIfProgressParams{AsOf: asOf, Program: ptr("abcp-ccp-ceu")},
			api.WhatIf{Credits: []api.WhatIfCredit{{Date: day(2026, 4, 1), Ceus: "40.00", Category: ptr(api.Category("I"))}}}, w.as("member"))
		if more.JSON200 == nil {
			t.Fatalf("what-if credits: %s", more.Body)
		}
		for _, c := range more.JSON200.Changes {
			if c.Relation == "current" && (c.StatusBefore != "behind" || c.StatusAfter != "on_track" || value(c.RemainingAfter) != "0.50" ||
				c.Sentence != "ABCP CCP recertification: professional activity (CEUs), 1 July 2023 to 30 June 2026: 4.50 → 44.50 CEUs counted; behind → on track.") {
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

func TestProgressWithoutCycle(t *testing.T) {
	w := newWorld(t, apitest.Start(t, dbtest.New(t, store.SQLite)))
	ctx := t.Context()
	one, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, &api.GetMemberProgressParams{Program: ptr("abcp-ccp-ceu")}, w.as("member"))
	if one.StatusCode() != 422 || one.ApplicationProblemJSON422 == nil {
		t.Fatalf("no cycle, one program: %d %s", one.StatusCode(), one.Body)
	}
	all, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, nil, w.as("member"))
	if all.JSON200 == nil || len(all.JSON200.Programs) == 0 || value(all.JSON200.Programs[0].Problem) == "" {
		t.Fatalf("no cycle, all programs: %s", all.Body)
	}
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
