package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/notify/mailtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestEveryChangeIsTold: a withdrawn roster e-mails each member once, naming the event and the
// reason, and sends attendance.revoked per attendance; a member without a login gets a claim
// link, never a page they cannot open. An accepted dispute sends attendance.corrected and a
// dispute.decided carrying the decision and what the attendance now earns, in one mail. A
// re-posted roster that reinstates a revocation says so.
func TestEveryChangeIsTold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		smtp := mailtest.Start(t)
		env := apitest.StartWith(t, st, func(c *config.Config) {
			c.SMTPURL, c.MailFrom, c.JobPollInterval = smtp.URL, "CE Registry <ce@example.org>", 20*time.Millisecond
			c.WebhookAllowPrivate, c.WebhookRetryBase = true, 20*time.Millisecond
		})
		w := newWorld(t, env)
		ctx := context.Background()
		recv := newReceiver(t, 0)
		subscribe(t, env, recv, w.as("organizer A"))
		lee, err := st.CreateMember(ctx, recert.Member{Name: "Lee Login", Email: "lee@example.org", ABCPID: "777777"}, w.orgA.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		env.CreateUser(t, recert.User{Email: "lee@example.org", Name: "lee@example.org", Role: recert.RoleMember, MemberID: lee.ID})
		leeToken := env.Login(t, "lee@example.org")
		kim, err := st.CreateMember(ctx, recert.Member{Name: "Kim Nologin", Email: "kim@example.org", ABCPID: "888888"}, w.orgA.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		first := w.event.Sessions[0].ID
		rows := []api.RosterRowInput{{ABCPID: &lee.ABCPID, Sessions: []string{first}}, {ABCPID: &kim.ABCPID, Sessions: []string{first}}}
		posted, _ := env.Client.PostRosterWithResponse(ctx, w.event.ID, nil, api.RosterInput{Rows: rows}, w.as("organizer A"))
		if posted.JSON200 == nil || posted.JSON200.PostingID == nil {
			t.Fatalf("roster: %s", posted.Body)
		}
		postingID := *posted.JSON200.PostingID
		leeAtt, kimAtt := posted.JSON200.Rows[0].AttendanceID, posted.JSON200.Rows[1].AttendanceID

		// Withdrawal.
		wd, _ := env.Client.WithdrawRosterPostingWithResponse(ctx, w.event.ID, postingID, api.WithdrawRosterPostingJSONRequestBody{Reason: "posted to the wrong event"}, w.as("organizer A"))
		if wd.StatusCode() != http.StatusOK {
			t.Fatalf("withdraw: %d %s", wd.StatusCode(), wd.Body)
		}
		mails := smtp.Wait(2)
		for _, m := range mails {
			if m.Subject != "Your attendance at Spring Meeting was revoked" || !strings.Contains(m.Text, "posted to the wrong event") || strings.Contains(m.Text, "/v1/") {
				t.Errorf("withdrawal mail: %+v", m)
			}
			switch m.To[0] {
			case "lee@example.org":
				if !strings.Contains(m.Text, "Hello Lee Login,") || !strings.Contains(m.Text, "/app/credits") {
					t.Errorf("to a member with a login: %s", m.Text)
				}
			case "kim@example.org":
				if !strings.Contains(m.Text, "Hello Kim Nologin,") || !strings.Contains(m.Text, "/app/claim?token=rcc_") {
					t.Errorf("to a member without a login: %s", m.Text)
				}
			default:
				t.Errorf("withdrawal mail to %v", m.To)
			}
		}
		for _, id := range []string{*leeAtt, *kimAtt} {
			e := recv.waitFor(t, func(e event) bool { return e.Type == "attendance.revoked" && e.Data["attendance_id"] == id })
			if e.Data["reason"] != "posted to the wrong event" || e.Data["posting_id"] != postingID || e.Data["event_id"] != w.event.ID {
				t.Errorf("attendance.revoked: %v", e.Data)
			}
		}
		// The claim link works, and is never in a webhook payload.
		token := kimClaimToken(t, mails)
		if err := st.CheckClaimToken(ctx, auth.HashSecret(token)); err != nil {
			t.Errorf("claim link of the mail: %v", err)
		}
		recv.mu.Lock()
		for _, e := range recv.got {
			checkWebhookEvent(t, e)
			for _, v := range e.Data {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "rcc_") {
					t.Errorf("a claim token in a webhook payload: %v", e)
				}
			}
		}
		recv.mu.Unlock()

		// An accepted dispute.
		filed, _ := env.Client.CreateDisputeWithResponse(ctx, w.event.ID, api.DisputeInput{Kind: "missing", Sessions: []string{first},
			Message: "I was there"}, apitest.Bearer(leeToken))
		if filed.JSON201 == nil {
			t.Fatalf("dispute: %s", filed.Body)
		}
		if r, _ := env.Client.ResolveDisputeWithResponse(ctx, filed.JSON201.ID, api.DisputeResolution{Decision: "accepted"}, w.as("organizer A")); r.StatusCode() != http.StatusOK {
			t.Fatalf("accept: %s", r.Body)
		}
		corrected := recv.waitFor(t, func(e event) bool {
			return e.Type == "attendance.corrected" && e.Data["dispute_id"] == filed.JSON201.ID
		})
		if corrected.Data["attendance_id"] != *leeAtt || corrected.Data["ceus"] != "3.00" || !slices.Equal(strs(corrected.Data["session_ids"]), []string{first}) {
			t.Errorf("attendance.corrected: %v", corrected.Data)
		}
		decided := recv.waitFor(t, func(e event) bool { return e.Type == "dispute.decided" })
		if decided.Data["decision"] != "accepted" || decided.Data["ceus"] != "3.00" || !slices.Equal(strs(decided.Data["session_ids"]), []string{first}) {
			t.Errorf("dispute.decided: %v", decided.Data)
		}

		// A re-posted roster reinstates Kim's revoked attendance, over the withdrawal.
		override := true
		again, _ := env.Client.PostRosterWithResponse(ctx, w.event.ID, &api.PostRosterParams{Override: &override},
			api.RosterInput{Rows: rows[1:]}, w.as("organizer A"))
		if again.JSON200 == nil {
			t.Fatalf("re-post: %s", again.Body)
		}
		reinstated := recv.waitFor(t, func(e event) bool { return e.Type == "attendance.corrected" && e.Data["attendance_id"] == *kimAtt })
		if reinstated.Data["reinstated"] != true || reinstated.Data["revoked_on"] == nil {
			t.Errorf("reinstating attendance.corrected: %v", reinstated.Data)
		}

		// A review carries its decision (to the registry's subscription: an organization's
		// does not read members' own activities).
		registry := newReceiver(t, 0)
		subscribe(t, env, registry, w.as("admin"))
		act := w.activity(t)
		if r, _ := env.Client.ReviewActivityWithResponse(ctx, w.member.ID, act.ID, api.ActivityReview{Decision: "verified"}, w.as("admin")); r.StatusCode() != http.StatusOK {
			t.Fatalf("review: %s", r.Body)
		}
		reviewed := registry.waitFor(t, func(e event) bool { return e.Type == "activity.reviewed" })
		if reviewed.Data["decision"] != "verified" || reviewed.Data["activity_id"] != act.ID {
			t.Errorf("activity.reviewed: %v", reviewed.Data)
		}
		checkWebhookEvent(t, reviewed)

		// Mails: the dispute to the organizer, its decision to Lee (one mail, with the CEUs),
		// the reinstatement to Kim.
		mails = smtp.Wait(5)[2:]
		want := []struct{ to, subject, text string }{
			{"org-a@example.org", "Lee Login disputes their attendance at Spring Meeting", "/app/dispute-inbox"},
			{"lee@example.org", "Your dispute about Spring Meeting was accepted", "now earns 3.00 CEUs"},
			{"kim@example.org", "Your attendance at Spring Meeting counts again", "was reversed by a re-posted roster"},
		}
		for _, wm := range want {
			if !slices.ContainsFunc(mails, func(m mailtest.Mail) bool {
				return m.To[0] == wm.to && m.Subject == wm.subject && strings.Contains(m.Text, wm.text)
			}) {
				t.Errorf("no mail to %s %q saying %q in %+v", wm.to, wm.subject, wm.text, mails)
			}
		}
		recv.mu.Lock()
		for _, e := range recv.got {
			checkWebhookEvent(t, e)
		}
		recv.mu.Unlock()
		// Kim's newer claim link voids the older one.
		if err := st.CheckClaimToken(ctx, auth.HashSecret(token)); recert.ErrorCode(err) != recert.EINVALID {
			t.Errorf("the older claim link still works: %v", err)
		}
		if err := st.CheckClaimToken(ctx, auth.HashSecret(kimClaimToken(t, mails))); err != nil {
			t.Errorf("the newer claim link: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(smtp.Wait(5)); n != 5 {
			t.Errorf("%d mails, want 5 (one per member per change)", n)
		}
	})
}

func kimClaimToken(t *testing.T, mails []mailtest.Mail) string {
	t.Helper()
	for _, m := range mails {
		if m.To[0] == "kim@example.org" {
			_, rest, ok := strings.Cut(m.Text, "/app/claim?token=")
			if ok {
				return strings.Fields(rest)[0]
			}
		}
	}
	t.Fatal("no claim link")
	return ""
}

func strs(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			s, _ := x.(string)
			out = append(out, s)
		}
	}
	return out
}

// checkWebhookEvent validates a received event against the contract's WebhookEvent.
func checkWebhookEvent(t *testing.T, e event) {
	t.Helper()
	// The contract as served: the embedded spec of the generated code leaves out schemas no
	// operation names, as this one.
	spec, err := openapi3.NewLoader().LoadFromData(api.ContractYAML)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"type": e.Type, "timestamp": time.Now().UTC().Format(time.RFC3339), "data": e.Data}
	if err := spec.Components.Schemas["WebhookEvent"].Value.VisitJSON(body); err != nil {
		t.Errorf("%s: %v: %v", e.Type, e.Data, err)
	}
	for k := range e.Data {
		if _, ok := spec.Components.Schemas["WebhookEventData"].Value.Properties[k]; !ok {
			t.Errorf("%s: %q is not in the contract", e.Type, k)
		}
	}
}
