package httpapi_test

import (
	"context"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestSetupCheckedWhenEntered: licences are checked against the programs they enrol the member
// in, and GET /v1/me says what progress still needs.
func TestSetupCheckedWhenEntered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		me, _ := w.env.Client.GetMeWithResponse(ctx, nil, w.as("member"))
		if me.JSON200 == nil || len(me.JSON200.MissingForProgress) != 1 || me.JSON200.MissingForProgress[0].Pointer != "#/abcp_cycle" {
			t.Fatalf("missing for progress without a cycle: %s", me.Body)
		}
		// Wisconsin has no program yet: accepted, with a warning.
		wi, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil,
			api.MemberUpdate{Licenses: []api.License{{State: "WI", Number: "1234-36"}}}, w.as("member"))
		if wi.JSON200 == nil || len(wi.JSON200.Warnings) != 1 || wi.JSON200.Warnings[0] != "no CE program for WI yet: progress will not track it" {
			t.Fatalf("WI licence: %d %s", wi.StatusCode(), wi.Body)
		}
		// Texas counts from the licence's issue date: without it, a 422 pointing at it; nothing is stored.
		tx, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil,
			api.MemberUpdate{Licenses: []api.License{{State: "WI", Number: "1234-36"}, {State: "TX", Number: "PE-1"}}}, w.as("member"))
		if tx.StatusCode() != 422 || tx.ApplicationProblemJSON422 == nil || tx.ApplicationProblemJSON422.Errors[0].Pointer != "#/licenses/1/issued_on" {
			t.Fatalf("TX licence without an issue date: %d %s", tx.StatusCode(), tx.Body)
		}
		if m, _ := st.Member(context.Background(), w.member.ID); len(m.Licenses) != 1 {
			t.Errorf("the refused change was stored: %+v", m.Licenses)
		}
		// The same checks when a member record is created.
		created, _ := w.env.Client.CreateMemberWithResponse(ctx, api.MemberCreate{Name: "Wynn Wisconsin",
			Licenses: []api.License{{State: "WI", Number: "77"}}}, w.as("organizer A"))
		if created.JSON201 == nil || len(created.JSON201.Warnings) != 1 {
			t.Errorf("created with a WI licence: %d %s", created.StatusCode(), created.Body)
		}
		refused, _ := w.env.Client.CreateMemberWithResponse(ctx, api.MemberCreate{Name: "Tex Undated",
			Licenses: []api.License{{State: "TX", Number: "PE-2"}}}, w.as("organizer A"))
		if refused.StatusCode() != 422 || refused.ApplicationProblemJSON422 == nil || refused.ApplicationProblemJSON422.Errors[0].Pointer != "#/licenses/0/issued_on" {
			t.Errorf("created with a TX licence without an issue date: %d %s", refused.StatusCode(), refused.Body)
		}
		// A member's own ABCP cycle: set while none is recorded, then a 403 that says how to correct it.
		one, two := 1, 2
		if set, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{ABCPCycle: &one}, w.as("member")); set.JSON200 == nil {
			t.Fatalf("member sets their cycle: %s", set.Body)
		}
		again, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{ABCPCycle: &two}, w.as("member"))
		if again.StatusCode() != 403 || again.ApplicationProblemJSON403 == nil ||
			value(again.ApplicationProblemJSON403.Detail) != "your ABCP cycle is on record as 1; to correct it, ask your registry's administrator, with ABCP's notice of your cycle" {
			t.Errorf("member changes their cycle: %d %s", again.StatusCode(), again.Body)
		}
		abcp := api.ABCPID("999999")
		if id, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{ABCPID: &abcp}, w.as("member")); id.StatusCode() != 403 {
			t.Errorf("member changes their ABCP ID: %d %s", id.StatusCode(), id.Body)
		}
		if admin, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{ABCPCycle: &two}, w.as("admin")); admin.JSON200 == nil {
			t.Errorf("admin corrects the cycle: %s", admin.Body)
		}
		me, _ = w.env.Client.GetMeWithResponse(ctx, nil, w.as("member"))
		if me.JSON200 == nil || len(me.JSON200.MissingForProgress) != 0 {
			t.Errorf("missing for progress with a cycle: %s", me.Body)
		}
	})
}

// TestOrganizerSetsABCPOfTheirUnclaimedMembers: organizers set the ABCP ID and cycle only of
// unclaimed members their organization created, and nothing else.
func TestOrganizerSetsABCPOfTheirUnclaimedMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		ctx := t.Context()
		walkIn, err := st.CreateMember(context.Background(), recert.Member{Name: "Walk In"}, w.orgA.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		cycle, id := 3, api.ABCPID("424242")
		set, _ := w.env.Client.UpdateMemberWithResponse(ctx, walkIn.ID, nil, api.MemberUpdate{ABCPID: &id, ABCPCycle: &cycle}, w.as("organizer A"))
		if set.JSON200 == nil || set.JSON200.ABCPCycle == nil || *set.JSON200.ABCPCycle != 3 {
			t.Fatalf("organizer A sets the ABCP ID of their walk-in: %d %s", set.StatusCode(), set.Body)
		}
		name := "Renamed"
		if other, _ := w.env.Client.UpdateMemberWithResponse(ctx, walkIn.ID, nil, api.MemberUpdate{Name: &name}, w.as("organizer A")); other.StatusCode() != 403 {
			t.Errorf("organizer A renames a member: %d", other.StatusCode())
		}
		// The world's member has claimed their record (they log in): the organizer cannot.
		if claimed, _ := w.env.Client.UpdateMemberWithResponse(ctx, w.member.ID, nil, api.MemberUpdate{ABCPCycle: &cycle}, w.as("organizer A")); claimed.StatusCode() != 403 {
			t.Errorf("organizer A on a claimed member: %d %s", claimed.StatusCode(), claimed.Body)
		}
		// A walk-in organization A's roster created is theirs too.
		posted, err := ledger.NewRosters(st, nil).Post(context.Background(), ledger.RosterInput{EventID: w.event.ID, Actor: "test",
			Rows: []recert.RosterRow{{Email: apitest.Email(t, "walkin2"), Name: "Second Walk In", Sessions: []string{"S1"}}}})
		if err != nil || len(posted.Rows) != 1 || posted.Rows[0].Member == nil || !posted.Rows[0].Member.Created {
			t.Fatalf("roster: %+v %v", posted, err)
		}
		if res, _ := w.env.Client.UpdateMemberWithResponse(ctx, posted.Rows[0].Member.ID, nil, api.MemberUpdate{ABCPCycle: &cycle}, w.as("organizer A")); res.JSON200 == nil {
			t.Errorf("organizer A on a member their roster created: %d %s", res.StatusCode(), res.Body)
		}
		// A member organization A only saw attend: not theirs to set.
		other, err := st.CreateMember(context.Background(), recert.Member{Name: "Elsewhere", Email: apitest.Email(t, "elsewhere")}, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		w.attend(t, w.event, other)
		if res, _ := w.env.Client.UpdateMemberWithResponse(ctx, other.ID, nil, api.MemberUpdate{ABCPCycle: &cycle}, w.as("organizer A")); res.StatusCode() != 403 {
			t.Errorf("organizer A on a member another created: %d %s", res.StatusCode(), res.Body)
		}
	})
}
