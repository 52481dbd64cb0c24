package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// statusOf reads a period's status and summary sentence from a progress response.
func statusOf(t *testing.T, body []byte, programID, relation string) (status, sentence string) {
	t.Helper()
	var res struct {
		Programs []struct {
			ProgramID string `json:"program_id"`
			Periods   []struct {
				Relation string `json:"relation"`
				Status   string `json:"status"`
				Summary  struct {
					Sentence string `json:"sentence"`
				} `json:"summary"`
			} `json:"periods"`
		} `json:"programs"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Programs {
		for _, per := range p.Periods {
			if p.ProgramID == programID && per.Relation == relation {
				return per.Status, per.Summary.Sentence
			}
		}
	}
	t.Fatalf("no %s period of %s", relation, programID)
	return "", ""
}

// TestTrackingSince: periods that ended before the member's record in Recert starts are
// not_tracked; only administrators set that date.
func TestTrackingSince(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		cycle := 1
		mine, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{TrackingSince: date(2020, 1, 1)}, w.as("member"))
		if mine.StatusCode() != 403 {
			t.Errorf("member sets tracking_since: %d %s", mine.StatusCode(), mine.Body)
		}
		// The member's only credits are from April 2026: the period that ended on 30 June 2023 is not tracked.
		set, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{ABCPCycle: &cycle}, w.as("admin"))
		if set.JSON200 == nil {
			t.Fatalf("cycle: %s", set.Body)
		}
		params := &api.GetMemberProgressParams{AsOf: date(2026, 5, 1), Program: ptr("abcp-ccp-ceu")}
		res, _ := w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, params, w.as("member"))
		if status, sentence := statusOf(t, res.Body, "abcp-ccp-ceu", "previous"); status != "not_tracked" ||
			sentence != "Not tracked: this period ended on 30 June 2023, before your record in Recert starts (17 April 2026), so Recert cannot say whether it was met." {
			t.Errorf("previous period without tracking_since: %s: %s", status, sentence)
		}
		// An administrator says Recert holds the member's record since 2020: that period is judged.
		admin, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{TrackingSince: date(2020, 1, 1)}, w.as("admin"))
		if admin.JSON200 == nil || admin.JSON200.TrackingSince == nil || admin.JSON200.TrackingSince.String() != "2020-01-01" {
			t.Fatalf("admin sets tracking_since: %s", admin.Body)
		}
		res, _ = w.env.Client.GetMemberProgressWithResponse(ctx, w.member.ID, params, w.as("member"))
		if status, _ := statusOf(t, res.Body, "abcp-ccp-ceu", "previous"); status != "deficient" {
			t.Errorf("previous period with tracking_since 2020: %s", status)
		}
	})
}
