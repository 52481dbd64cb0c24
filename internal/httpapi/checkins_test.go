package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/store"
)

// checkInWorld is the world with a service whose check-in key the test holds, and an event
// with a presence rule: S1 09:00-10:00 (virtual), S2 10:30-11:30 and S3 11:00-12:00
// (overlapping), S4 13:00-14:00, each 1.00 CEU, on 2026-04-17 in Chicago.
type checkInWorld struct {
	*world
	key   auth.SigningKey
	event api.Event
}

func newCheckInWorld(t *testing.T, st *store.Store, policy api.CheckInRulesPresencePolicy, share int) *checkInWorld {
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pem, err := auth.MarshalPrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	env := apitest.StartWith(t, st, func(c *config.Config) { c.CheckInKey = string(pem) })
	cw := &checkInWorld{world: newWorld(t, env), key: key}
	in := checkInEvent(policy, share)
	res, err := env.Client.CreateEventWithResponse(context.Background(), cw.orgA.ID, in, cw.as("organizer A"))
	if err != nil || res.JSON201 == nil {
		t.Fatalf("create the event: %v %s", err, res.Body)
	}
	pub, err := env.Client.PublishEventWithResponse(context.Background(), res.JSON201.ID, cw.as("organizer A"))
	if err != nil || pub.JSON200 == nil {
		t.Fatalf("publish: %v %s", err, pub.Body)
	}
	cw.event = *pub.JSON200
	return cw
}

func checkInEvent(policy api.CheckInRulesPresencePolicy, share int) api.EventInput {
	day := openapi_types.Date{Time: time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)}
	session := func(code, from, to string) api.SessionInput {
		return api.SessionInput{Code: ptr(code), Title: "Session " + code, Date: day, StartTime: ptr(from), EndTime: ptr(to), Ceus: "1.00"}
	}
	in := api.EventInput{Title: "Spring Meeting", Format: "in_person", TimeZone: "America/Chicago", StartDate: day, EndDate: day,
		CheckIn: &api.CheckInRules{PresencePolicy: ptr(policy)},
		Sessions: []api.SessionInput{session("S1", "09:00", "10:00"), session("S2", "10:30", "11:30"),
			session("S3", "11:00", "12:00"), session("S4", "13:00", "14:00")}}
	if share > 0 {
		in.CheckIn.PresenceSharePercent = &share
	}
	return in
}

// at is 2026-04-17 hh:mm in Chicago.
func at(hhmm string) *time.Time {
	loc, _ := time.LoadLocation("America/Chicago")
	t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-04-17 "+hhmm, loc)
	return &t
}

func (cw *checkInWorld) member(t testing.TB, name string) recert.Member {
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"
	m, err := cw.env.Store.CreateMember(context.Background(), recert.Member{Name: name, Email: email}, cw.orgA.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (cw *checkInWorld) token(memberID string) *string {
	return ptr(cw.key.SignCheckIn(memberID, 1))
}

func scan(id string, token *string, session, dir string, when *time.Time) api.CheckInBatchItem {
	return api.CheckInBatchItem{ClientID: id, Token: token, Session: session, Direction: api.CheckInBatchItemDirection(dir), DeviceTime: when, Scanner: ptr("door 1")}
}

// TestCheckInEventRules: the rules are stored and given back; a presence policy needs every
// session's times, a share needs its policy and a share within 1 to 100.
func TestCheckInEventRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		cw := newCheckInWorld(t, st, api.CheckInRulesPresencePolicyShareOfScheduled, 80)
		r := cw.event.CheckIn
		if r == nil || value(r.PresencePolicy) != api.CheckInRulesPresencePolicyShareOfScheduled || value(r.PresenceSharePercent) != 80 || !value(r.SelfCheckIn) {
			t.Fatalf("rules: %+v", r)
		}
		in := checkInEvent(api.CheckInRulesPresencePolicyShareOfScheduled, 80)
		in.Sessions[1].StartTime, in.Sessions[2].CheckInFrom, in.Sessions[2].CheckInUntil = nil, ptr("11:30"), ptr("10:45")
		res, _ := cw.env.Client.CreateEventWithResponse(t.Context(), cw.orgA.ID, in, cw.as("organizer A"))
		if res.StatusCode() != 422 || !hasPointer(res.ApplicationProblemJSON422, "#/sessions/1/start_time") ||
			!hasPointer(res.ApplicationProblemJSON422, "#/sessions/2/check_in_until") {
			t.Errorf("sessions without times: %d %s", res.StatusCode(), res.Body)
		}
		in = checkInEvent(api.CheckInRulesPresencePolicyShareOfScheduled, 0)
		res, _ = cw.env.Client.CreateEventWithResponse(t.Context(), cw.orgA.ID, in, cw.as("organizer A"))
		if res.StatusCode() != 422 || !hasPointer(res.ApplicationProblemJSON422, "#/check_in/presence_share_percent") {
			t.Errorf("share without a percentage: %d %s", res.StatusCode(), res.Body)
		}
		// No policy: sessions need no times, and self check-in may be turned off.
		in = checkInEvent(api.CheckInRulesPresencePolicyShareOfScheduled, 0)
		in.CheckIn = &api.CheckInRules{SelfCheckIn: ptr(false)}
		in.Sessions[0].StartTime = nil
		res, _ = cw.env.Client.CreateEventWithResponse(t.Context(), cw.orgA.ID, in, cw.as("organizer A"))
		if res.JSON201 == nil || res.JSON201.CheckIn.PresencePolicy != nil || value(res.JSON201.CheckIn.SelfCheckIn) {
			t.Errorf("no policy, self check-in off: %d %s", res.StatusCode(), res.Body)
		}
	})
}

func hasPointer(p *api.Problem, pointer string) bool {
	if p == nil {
		return false
	}
	for _, e := range p.Errors {
		if e.Pointer == pointer {
			return true
		}
	}
	return false
}

// TestCheckInBatch: a batch posted twice is recorded once (the second all duplicate), bad
// items are rejected each with its reason, an online device time far from receipt is
// flagged, and a voided check-in is kept; voiding it again is a conflict.
func TestCheckInBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		cw := newCheckInWorld(t, st, api.CheckInRulesPresencePolicyShareOfScheduled, 80)
		ctx, ev := t.Context(), cw.event.ID
		pat := cw.member(t, "Pat Lee")
		batch := api.CheckInBatch{Offline: ptr(true), Items: []api.CheckInBatchItem{
			scan("a1", cw.token(pat.ID), "S2", "in", at("10:30")),
			scan("a2", cw.token(pat.ID), "S2", "out", at("11:25")),
			scan("a3", ptr(cw.key.SignCheckIn(pat.ID, 2)), "S2", "in", at("10:31")), // a version the member does not have
			scan("a4", ptr(cw.key.SignCheckIn(pat.ID, 1)+"x"), "S2", "in", at("10:31")),
			scan("a5", cw.token(pat.ID), "S9", "in", at("10:31")),
			{ClientID: "a6", MemberID: ptr(pat.ID), Session: cw.event.Sessions[3].ID, Direction: "in", DeviceTime: at("13:00")},
		}}
		first, err := cw.env.Client.RecordCheckInsWithResponse(ctx, ev, batch, cw.as("client with scope"))
		if err != nil || first.JSON200 == nil {
			t.Fatalf("batch: %v %s", err, first.Body)
		}
		want := []string{"recorded", "recorded", "rejected revoked_token", "rejected invalid_token", "rejected unknown_session", "recorded"}
		for i, it := range first.JSON200.Items {
			got := string(it.Status)
			if it.Reason != nil {
				got += " " + string(*it.Reason)
			}
			if got != want[i] {
				t.Errorf("item %d: %s, want %s", i, got, want[i])
			}
		}
		if tot := first.JSON200.Totals; tot.Recorded != 3 || tot.Rejected != 3 || tot.ClockFlagged != 0 {
			t.Errorf("totals: %+v", tot)
		}
		again, _ := cw.env.Client.RecordCheckInsWithResponse(ctx, ev, batch, cw.as("organizer A"))
		if again.JSON200 == nil || again.JSON200.Totals.Duplicate != 3 || again.JSON200.Totals.Recorded != 0 {
			t.Fatalf("the batch again: %s", again.Body)
		}
		if again.JSON200.Items[0].CheckIn.ID != first.JSON200.Items[0].CheckIn.ID {
			t.Errorf("a duplicate names another check-in")
		}
		// Online, a device time hours from receipt is kept, flagged.
		online, _ := cw.env.Client.RecordCheckInsWithResponse(ctx, ev, api.CheckInBatch{Items: []api.CheckInBatchItem{
			scan("b1", cw.token(pat.ID), "S4", "out", at("14:00")), scan("b2", cw.token(pat.ID), "S4", "out", ptr(time.Now()))}}, cw.as("organizer A"))
		if online.JSON200 == nil || !online.JSON200.Items[0].CheckIn.ClockFlag || online.JSON200.Items[1].CheckIn.ClockFlag || online.JSON200.Totals.ClockFlagged != 1 {
			t.Fatalf("clock flag: %s", online.Body)
		}
		list, _ := cw.env.Client.ListCheckInsWithResponse(ctx, ev, &api.ListCheckInsParams{Session: ptr("S2"), MemberID: ptr(pat.ID)}, cw.as("organizer A"))
		if list.JSON200 == nil || len(list.JSON200.Items) != 2 || list.JSON200.Items[0].Session != "S2" {
			t.Fatalf("list: %s", list.Body)
		}
		id := online.JSON200.Items[1].CheckIn.ID
		void, _ := cw.env.Client.VoidCheckInWithResponse(ctx, ev, id, api.VoidCheckInJSONRequestBody{Reason: "scanned twice"}, cw.as("organizer A"))
		if void.JSON200 == nil || void.JSON200.VoidedAt == nil || value(void.JSON200.VoidReason) != "scanned twice" {
			t.Fatalf("void: %s", void.Body)
		}
		twice, _ := cw.env.Client.VoidCheckInWithResponse(ctx, ev, id, api.VoidCheckInJSONRequestBody{Reason: "again"}, cw.as("organizer A"))
		if twice.StatusCode() != 409 {
			t.Errorf("void twice: %d %s", twice.StatusCode(), twice.Body)
		}
		all, _ := cw.env.Client.ListCheckInsWithResponse(ctx, ev, &api.ListCheckInsParams{Session: ptr("S4")}, cw.as("organizer A"))
		if all.JSON200 == nil || len(all.JSON200.Items) != 3 {
			t.Errorf("the voided check-in is kept: %s", all.Body)
		}
	})
}

// zoomReport is a Zoom participants export: a meeting-summary block, then the people. Lee
// rejoined twice (three overlapping intervals, 52 of S1's 60 minutes); Kim stayed 40.
const zoomReport = `Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Spring Meeting S1,04/17/2026 08:55:02 AM,04/17/2026 10:05:10 AM,host@example.org,70,4

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Lee Rejoin,lee.rejoin@example.org,04/17/2026 09:00:00 AM,04/17/2026 09:30:00 AM,30,No
Kim Early,kim.early@example.org,04/17/2026 09:10:00 AM,04/17/2026 09:50:00 AM,40,No
Lee Rejoin,lee.rejoin@example.org,04/17/2026 09:20:00 AM,04/17/2026 09:45:00 AM,25,No
Lee Rejoin,lee.rejoin@example.org,04/17/2026 09:40:00 AM,04/17/2026 09:52:00 AM,12,No
Guest Caller,guest@example.net,04/17/2026 09:00:00 AM,04/17/2026 10:00:00 AM,60,Yes
`

// TestCheckInConvert: presence from a Zoom report and door check-ins turned into credit under
// an 80% rule, each session's reason given; a dry run writes nothing; the post credits,
// keeps the check-ins as evidence in the history; converting again changes nothing.
func TestCheckInConvert(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		cw := newCheckInWorld(t, st, api.CheckInRulesPresencePolicyShareOfScheduled, 80)
		ctx, ev := t.Context(), cw.event.ID
		lee, kim, pat, rob := cw.member(t, "Lee Rejoin"), cw.member(t, "Kim Early"), cw.member(t, "Pat Lee"), cw.member(t, "Rob Nocheckout")
		caller := cw.member(t, "Guest Caller") // on record under another email: suggested, not matched
		ola := cw.member(t, "Ola Late")

		imp, err := cw.env.Client.ImportParticipantsWithBodyWithResponse(ctx, ev, "S1", "text/csv", strings.NewReader(zoomReport), cw.as("organizer A"))
		if err != nil || imp.JSON200 == nil {
			t.Fatalf("import: %v %s", err, imp.Body)
		}
		present := map[string]string{}
		for _, p := range imp.JSON200.Matched {
			present[value(p.MemberID)] = p.MinutesPresent
		}
		if got := fmt.Sprint(present[lee.ID], " ", present[kim.ID], " ", len(imp.JSON200.Unmatched)); got != "52.00 40.00 1" {
			t.Errorf("import: %s: %s", got, imp.Body)
		}
		if u := imp.JSON200.Unmatched; len(u) != 1 || len(u[0].Suggestions) != 1 || u[0].Suggestions[0].MemberID != caller.ID {
			t.Errorf("the unmatched person's suggestions: %s", imp.Body)
		}
		// Pat: 60 minutes of S2 and 55 of the overlapping S3; Rob checked in to S4 and never out.
		batch := api.CheckInBatch{Offline: ptr(true), Items: []api.CheckInBatchItem{
			scan("p1", cw.token(pat.ID), "S2", "in", at("10:30")), scan("p2", cw.token(pat.ID), "S2", "out", at("11:30")),
			scan("p3", cw.token(pat.ID), "S3", "in", at("11:05")), scan("p4", cw.token(pat.ID), "S3", "out", at("12:00")),
			scan("r1", cw.token(rob.ID), "S4", "in", at("13:01")),
			scan("o1", cw.token(ola.ID), "S4", "in", at("15:00")), scan("o2", cw.token(ola.ID), "S4", "out", at("15:30")),
		}}
		if res, _ := cw.env.Client.RecordCheckInsWithResponse(ctx, ev, batch, cw.as("organizer A")); res.JSON200 == nil || res.JSON200.Totals.Recorded != 7 {
			t.Fatalf("batch: %s", res.Body)
		}

		dry, _ := cw.env.Client.ConvertCheckInsWithResponse(ctx, ev, &api.ConvertCheckInsParams{DryRun: ptr(true)}, cw.as("organizer A"))
		if dry.JSON200 == nil {
			t.Fatalf("dry run: %d %s", dry.StatusCode(), dry.Body)
		}
		outcome := map[string]string{}
		for _, p := range dry.JSON200.Presence {
			r := "credited"
			if p.Reason != nil {
				r = string(*p.Reason)
			}
			outcome[p.MemberID+" "+p.Session] = r + " " + p.MinutesPresent
		}
		for k, want := range map[string]string{
			lee.ID + " S1": "credited 52.00", kim.ID + " S1": "presence_below_threshold 40.00",
			pat.ID + " S2": "credited 60.00", pat.ID + " S3": "concurrent_session 55.00", rob.ID + " S4": "no_check_out 0.00", ola.ID + " S4": "outside_window 0.00",
		} {
			if outcome[k] != want {
				t.Errorf("%s: %q, want %q", k, outcome[k], want)
			}
		}
		if r := dry.JSON200.Roster; !r.DryRun || r.Totals.Created != 2 || r.PostingID != nil {
			t.Errorf("dry run roster: %+v", r.Totals)
		}
		if att, _ := cw.env.Client.ListEventAttendanceWithResponse(ctx, ev, nil, cw.as("organizer A")); att.JSON200 == nil || len(att.JSON200.Items) != 0 {
			t.Fatalf("the dry run wrote: %s", att.Body)
		}

		post, _ := cw.env.Client.ConvertCheckInsWithResponse(ctx, ev, nil, cw.as("organizer A"))
		if post.JSON200 == nil || post.JSON200.Roster.Totals.Created != 2 || post.JSON200.Roster.PostingID == nil {
			t.Fatalf("convert: %d %s", post.StatusCode(), post.Body)
		}
		credits := map[string]string{}
		var patAttendance string
		for _, row := range post.JSON200.Roster.Rows {
			credits[value(row.Member.ID)] = strings.Join(row.Sessions, ",") + " " + value(row.Ceus)
			if value(row.Member.ID) == pat.ID {
				patAttendance = value(row.AttendanceID)
			}
		}
		if credits[lee.ID] != "S1 1.00" || credits[pat.ID] != "S2 1.00" || len(credits) != 2 {
			t.Errorf("credits: %v", credits)
		}
		hist, _ := cw.env.Client.GetAttendanceHistoryWithResponse(ctx, patAttendance, nil, cw.as("organizer A"))
		if hist.JSON200 == nil || len(hist.JSON200.Items) != 1 || !strings.HasPrefix(value(hist.JSON200.Items[0].Reason), "converted from check-ins: ") ||
			hist.JSON200.Evidence == nil || len(hist.JSON200.Evidence.CheckIns) != 4 {
			t.Fatalf("history: %s", hist.Body)
		}
		// The member sees their own evidence too (a dispute starts from it).
		cw.env.CreateUser(t, recert.User{Email: "pat.lee@example.org", Role: recert.RoleMember, MemberID: pat.ID})
		own, _ := cw.env.Client.GetAttendanceHistoryWithResponse(ctx, patAttendance, nil, apitest.Bearer(cw.env.Login(t, "pat.lee@example.org")))
		if own.JSON200 == nil || own.JSON200.Evidence == nil {
			t.Errorf("the member's own history: %s", own.Body)
		}

		// The certificate prints the rule that decided presence.
		pdf, _ := cw.env.Client.GetCertificatePDFWithResponse(ctx, patAttendance, nil, cw.as("organizer A"))
		if pdf.StatusCode() != 200 {
			t.Fatalf("certificate: %d %s", pdf.StatusCode(), pdf.Body)
		}
		if text := strings.Join(strings.Fields(rendertest.Text(t, pdf.Body)), " "); !strings.Contains(text, "at least 80% of its scheduled time") {
			t.Errorf("the certificate does not print the presence rule:\n%s", text)
		}

		again, _ := cw.env.Client.ConvertCheckInsWithResponse(ctx, ev, nil, cw.as("organizer A"))
		if again.JSON200 == nil || again.JSON200.Roster.Totals.Unchanged != 2 || again.JSON200.Roster.Totals.Created+again.JSON200.Roster.Totals.Updated != 0 ||
			again.JSON200.Roster.PostingID != nil {
			t.Fatalf("convert again: %s", again.Body)
		}
		if h, _ := cw.env.Client.GetAttendanceHistoryWithResponse(ctx, patAttendance, nil, cw.as("organizer A")); h.JSON200 == nil || len(h.JSON200.Items) != 1 {
			t.Errorf("converting again wrote history: %s", h.Body)
		}
	})
}

// TestCheckInConvertRefusedWithoutPolicy: no presence policy, no credit from check-ins.
func TestCheckInConvertRefusedWithoutPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		res, _ := w.env.Client.ConvertCheckInsWithResponse(t.Context(), w.event.ID, nil, w.as("organizer A"))
		if res.StatusCode() != 409 || res.ApplicationProblemJSON409 == nil || !strings.Contains(value(res.ApplicationProblemJSON409.Detail), "no presence policy") {
			t.Errorf("convert without a policy: %d %s", res.StatusCode(), res.Body)
		}
	})
}

// TestCheckInConvertMinutes: under minutes_present, 40 minutes earn 0.80 of a 1.00 CEU
// session (the attendance holds the session at 0.80), and 52 minutes are capped at 1.00.
func TestCheckInConvertMinutes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		cw := newCheckInWorld(t, st, api.CheckInRulesPresencePolicyMinutesPresent, 0)
		ctx, ev := t.Context(), cw.event.ID
		lee, kim := cw.member(t, "Lee Rejoin"), cw.member(t, "Kim Early")
		if imp, _ := cw.env.Client.ImportParticipantsWithBodyWithResponse(ctx, ev, "S1", "text/csv", strings.NewReader(zoomReport), cw.as("organizer A")); imp.JSON200 == nil {
			t.Fatalf("import: %s", imp.Body)
		}
		post, _ := cw.env.Client.ConvertCheckInsWithResponse(ctx, ev, nil, cw.as("organizer A"))
		if post.JSON200 == nil {
			t.Fatalf("convert: %d %s", post.StatusCode(), post.Body)
		}
		credits := map[string]string{}
		for _, row := range post.JSON200.Roster.Rows {
			credits[value(row.Member.ID)] = strings.Join(row.Sessions, ",") + " " + value(row.Ceus)
		}
		if credits[lee.ID] != "S1 1.00" || credits[kim.ID] != "S1 0.80" {
			t.Errorf("credits: %v", credits)
		}
	})
}
