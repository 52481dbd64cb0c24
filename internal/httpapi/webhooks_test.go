package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// receiver is an app's endpoint: it verifies each signature with its own HMAC code and keeps
// what it accepted; it answers 503 to the first failures attempts of the first message it
// gets (failing).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	failures int
	failing  string
	seen     []string // every webhook-id that reached it, failed attempts included
	got      []event
}

type event struct {
	ID   string
	Type string         `json:"type"`
	Data map[string]any `json:"data"`
}

func newReceiver(t *testing.T, failures int) *receiver {
	r := &receiver{failures: failures}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	// The header may carry several signatures, separated by spaces: one must be ours.
	signed := slices.ContainsFunc(strings.Fields(req.Header.Get("webhook-signature")), func(sig string) bool {
		return hmac.Equal([]byte(sig), []byte(want))
	})
	if err != nil || !signed {
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	r.seen = append(r.seen, id)
	if r.failing == "" {
		r.failing = id
	}
	if r.failures > 0 && id == r.failing {
		r.failures--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	var e event
	if err := json.Unmarshal(body, &e); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e.ID = id
	r.got = append(r.got, e)
}

// wait returns what the receiver accepted once it has every type in want (or fails).
func (r *receiver) wait(t *testing.T, want ...string) []event {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r.mu.Lock()
		got := slices.Clone(r.got)
		r.mu.Unlock()
		if !slices.ContainsFunc(want, func(w string) bool { return !slices.ContainsFunc(got, func(e event) bool { return e.Type == w }) }) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("receiver got %+v (ids seen: %v), want every one of %v", got, r.seen, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitID waits until the message that failed at first is accepted.
func (r *receiver) waitID(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r.mu.Lock()
		done := slices.ContainsFunc(r.got, func(e event) bool { return e.ID == r.failing })
		r.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was never accepted", r.failing)
		}
	}
}

// waitFor returns the first accepted event that matches.
func (r *receiver) waitFor(t *testing.T, match func(event) bool) event {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r.mu.Lock()
		i := slices.IndexFunc(r.got, match)
		var e event
		if i >= 0 {
			e = r.got[i]
		}
		got := slices.Clone(r.got)
		r.mu.Unlock()
		if i >= 0 {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("no matching event in %+v", got)
		}
	}
}

var allEventTypes = []api.WebhookEventType{"attendance.posted", "attendance.corrected", "attendance.revoked",
	"dispute.filed", "dispute.decided", "activity.reviewed"}

func subscribe(t *testing.T, env *apitest.Env, r *receiver, as api.RequestEditorFn) api.WebhookWithSecret {
	t.Helper()
	res, err := env.Client.CreateWebhookWithResponse(t.Context(), api.WebhookInput{URL: r.URL + "/hooks", EventTypes: allEventTypes}, as)
	if err != nil || res.JSON201 == nil || !strings.HasPrefix(res.JSON201.Secret, "whsec_") {
		t.Fatalf("subscribe: %v %s", err, res.Body)
	}
	r.mu.Lock()
	r.secret = res.JSON201.Secret
	r.mu.Unlock()
	return *res.JSON201
}

// Every event type reaches the subscribers that may read its object, signed; a receiver
// failing twice gets the same webhook-id again until it succeeds, and the log shows it.
func TestWebhooksAreSignedRetriedAndLogged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.StartWith(t, st, func(c *config.Config) {
			c.WebhookAllowPrivate, c.WebhookRetryBase = true, 20*time.Millisecond
		})
		w := newWorld(t, env)
		ctx := t.Context()
		orgA, orgB, registry := newReceiver(t, 2), newReceiver(t, 0), newReceiver(t, 0)
		subA := subscribe(t, env, orgA, w.as("organizer A"))
		subscribe(t, env, orgB, w.as("organizer B"))
		subscribe(t, env, registry, w.as("admin"))

		abcp := w.member.ABCPID
		roster, err := env.Client.PostRosterWithResponse(ctx, w.event.ID, nil, api.RosterInput{Rows: []api.RosterRowInput{
			{ABCPID: &abcp, Sessions: []string{w.event.Sessions[0].ID}}}}, w.as("organizer A"))
		if err != nil || roster.StatusCode() != http.StatusOK {
			t.Fatalf("roster: %v %s", err, roster.Body)
		}
		fresh := w.freshAttendance(t)
		if r, _ := env.Client.CorrectAttendanceWithResponse(ctx, fresh.ID, api.AttendanceCorrection{
			Sessions: []string{w.event.Sessions[0].ID}, Reason: "left early"}, w.as("organizer A")); r.StatusCode() != http.StatusOK {
			t.Fatalf("correct: %s", r.Body)
		}
		if r, _ := env.Client.RevokeAttendanceWithResponse(ctx, fresh.ID, &api.RevokeAttendanceParams{Reason: "wrong person"}, w.as("organizer A")); r.StatusCode() != http.StatusOK {
			t.Fatalf("revoke: %s", r.Body)
		}
		filed, _ := env.Client.CreateDisputeWithResponse(ctx, w.publishedEvent(t).ID, api.DisputeInput{Kind: "missing", Message: "I was there"}, w.as("member"))
		if filed.JSON201 == nil {
			t.Fatalf("dispute: %s", filed.Body)
		}
		if r, _ := env.Client.ResolveDisputeWithResponse(ctx, filed.JSON201.ID, api.DisputeResolution{Decision: "rejected", Reason: ptr("no record")}, w.as("organizer A")); r.StatusCode() != http.StatusOK {
			t.Fatalf("decide: %s", r.Body)
		}
		if r, _ := env.Client.ReviewActivityWithResponse(ctx, w.member.ID, w.activity(t).ID, api.ActivityReview{Decision: "verified"}, w.as("admin")); r.StatusCode() != http.StatusOK {
			t.Fatalf("review: %s", r.Body)
		}

		gotA := orgA.wait(t, "attendance.posted", "attendance.corrected", "attendance.revoked", "dispute.filed", "dispute.decided")
		registry.wait(t, "attendance.posted", "attendance.corrected", "attendance.revoked", "dispute.filed", "dispute.decided", "activity.reviewed")
		posted := gotA[slices.IndexFunc(gotA, func(e event) bool { return e.Type == "attendance.posted" })]
		if posted.Data["event_id"] != w.event.ID || posted.Data["posting_id"] != *roster.JSON200.PostingID {
			t.Errorf("attendance.posted data: %v", posted.Data)
		}
		if slices.ContainsFunc(gotA, func(e event) bool { return e.Type == "activity.reviewed" }) {
			t.Error("an organization's subscription got a member's activity review, which it cannot read")
		}
		orgB.mu.Lock()
		if len(orgB.seen) != 0 {
			t.Errorf("organization B's subscription got organization A's events: %v", orgB.seen)
		}
		orgB.mu.Unlock()

		// The first delivery failed twice, then went through, with the same id each time.
		orgA.waitID(t)
		orgA.mu.Lock()
		first := orgA.failing
		if n := len(slices.DeleteFunc(slices.Clone(orgA.seen), func(id string) bool { return id != first })); n != 3 {
			t.Errorf("%s reached the receiver %d times, want 3 (two failures, then success)", first, n)
		}
		orgA.mu.Unlock()
		// Two from the roster (posted, and the member's corrected attendance), four from the rest.
		// The worker logs an attempt after the receiver has answered it: wait for the log.
		var d api.WebhookDelivery
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			log, _ := env.Client.ListWebhookDeliveriesWithResponse(ctx, subA.ID, nil, w.as("organizer A"))
			if log.JSON200 == nil || len(log.JSON200.Items) != 6 {
				t.Fatalf("delivery log: %s", log.Body)
			}
			d = log.JSON200.Items[slices.IndexFunc(log.JSON200.Items, func(d api.WebhookDelivery) bool { return d.ID == first })]
			if d.Status == "delivered" || time.Now().After(deadline) {
				break
			}
		}
		if d.Attempts != 3 || d.Status != "delivered" || value(d.LastStatusCode) != 200 || d.DeliveredAt == nil {
			t.Errorf("the retried delivery's log: %+v", d)
		}

		// A manual redelivery carries the same id, signed with the secret of the moment.
		rotated, _ := env.Client.RotateWebhookSecretWithResponse(ctx, subA.ID, w.as("organizer A"))
		if rotated.JSON200 == nil || rotated.JSON200.Secret == subA.Secret {
			t.Fatalf("rotate: %s", rotated.Body)
		}
		if until := rotated.JSON200.PreviousSecretExpiresAt; until == nil || until.Sub(time.Now()) < 23*time.Hour || until.Sub(time.Now()) > 25*time.Hour {
			t.Errorf("the rotated-out secret signs until %v, want in 24 hours", until)
		}
		// For a day the old secret signs beside the new one: a consumer still holding the old
		// secret verifies the redelivery, and so does one holding the new.
		for _, secret := range []string{subA.Secret, rotated.JSON200.Secret} {
			orgA.mu.Lock()
			orgA.secret, orgA.got = secret, nil
			orgA.mu.Unlock()
			again, _ := env.Client.RedeliverWebhookWithResponse(ctx, subA.ID, first, w.as("organizer A"))
			if again.StatusCode() != http.StatusAccepted {
				t.Fatalf("redeliver: %s", again.Body)
			}
			redone, _ := env.Client.ListWebhookDeliveriesWithResponse(ctx, subA.ID, nil, w.as("organizer A"))
			i := slices.IndexFunc(redone.JSON200.Items, func(d api.WebhookDelivery) bool { return d.ID == first })
			want := string(redone.JSON200.Items[i].EventType)
			if got := orgA.wait(t, want); got[0].ID != first {
				t.Errorf("redelivered with id %s, want %s", got[0].ID, first)
			}
		}
	})
}

// Destinations on private, loopback or link-local addresses are refused unless allowed.
func TestWebhookDestinationsMustBePublic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		for _, url := range []string{"http://127.0.0.1:8080/h", "http://10.1.2.3/h", "http://169.254.169.254/latest", "http://[::1]/h", "ftp://example.org/h"} {
			res, _ := env.Client.CreateWebhookWithResponse(t.Context(), api.WebhookInput{URL: url, EventTypes: allEventTypes[:1]}, w.as("organizer A"))
			if res.StatusCode() != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", url, res.StatusCode(), res.Body)
			}
		}
		// A name is checked where it resolves, at delivery: localhost is refused there.
		r := newReceiver(t, 0)
		local := strings.Replace(r.URL, "127.0.0.1", "localhost", 1) + "/hooks"
		created, _ := env.Client.CreateWebhookWithResponse(t.Context(), api.WebhookInput{URL: local, EventTypes: allEventTypes}, w.as("organizer A"))
		if created.JSON201 == nil {
			t.Fatalf("subscribe: %s", created.Body)
		}
		sub := created.JSON201
		abcp := w.otherMember.ABCPID // attendance.posted
		if res, _ := env.Client.PostRosterWithResponse(t.Context(), w.event.ID, nil, api.RosterInput{Rows: []api.RosterRowInput{{ABCPID: &abcp, Sessions: []string{"S1"}}}},
			w.as("organizer A")); res.StatusCode() != http.StatusOK {
			t.Fatalf("roster: %s", res.Body)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			log, _ := env.Client.ListWebhookDeliveriesWithResponse(t.Context(), sub.ID, nil, w.as("organizer A"))
			if log.JSON200 != nil && len(log.JSON200.Items) == 1 && log.JSON200.Items[0].Attempts > 0 {
				if d := log.JSON200.Items[0]; !strings.Contains(value(d.LastError), "not a public address") || d.Status == "delivered" {
					t.Errorf("delivery to localhost: %+v", d)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no attempt logged: %s", log.Body)
			}
			time.Sleep(20 * time.Millisecond)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if len(r.seen) != 0 {
			t.Errorf("the receiver on loopback was reached: %v", r.seen)
		}
	})
}

// A subscription whose deliveries have all failed for 24 hours is disabled and its
// organizers e-mailed; its owner enables it again.
func TestFailingWebhookIsDisabledAndOwnerTold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.StartWith(t, st, func(c *config.Config) { c.WebhookAllowPrivate = true })
		w := newWorld(t, env)
		ctx := t.Context()
		r := newReceiver(t, 1000)
		sub := subscribe(t, env, r, w.as("organizer A"))
		since := time.Now().Add(-25 * time.Hour)
		if _, err := st.UpdateWebhook(ctx, sub.ID, func(h *recert.Webhook) error { h.FailingSince = &since; return nil }); err != nil {
			t.Fatal(err)
		}
		if r, _ := env.Client.RevokeAttendanceWithResponse(ctx, w.attendance.ID, &api.RevokeAttendanceParams{Reason: "duplicate"}, w.as("organizer A")); r.StatusCode() != http.StatusOK {
			t.Fatalf("revoke: %s", r.Body)
		}
		mail := env.Outbox(t, "org-a@example.org", 1)[0]
		if mail.Subject != "A webhook subscription was disabled" || !strings.Contains(mail.Text, sub.ID) || strings.Contains(mail.Text, "/v1/") {
			t.Errorf("mail: %+v", mail)
		}
		got, _ := env.Client.GetWebhookWithResponse(ctx, sub.ID, nil, w.as("organizer A"))
		if got.JSON200 == nil || got.JSON200.Status != "disabled" || value(got.JSON200.DisabledReason) == "" {
			t.Fatalf("after a day of failures: %s", got.Body)
		}
		on, _ := env.Client.UpdateWebhookWithResponse(ctx, sub.ID, api.WebhookUpdate{Enabled: ptr(true)}, w.as("organizer A"))
		if on.JSON200 == nil || on.JSON200.Status != "active" || on.JSON200.FailingSince != nil {
			t.Errorf("enabled again: %s", on.Body)
		}
	})
}

// After a write commits, a job evaluates the members it touched as each subscriber's owner
// sees them, and tells of every period whose status changed.
func TestProgressStatusChangedWebhook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.StartWith(t, st, func(c *config.Config) { c.WebhookAllowPrivate = true })
		w := newWorld(t, env)
		ctx := t.Context()
		if _, err := st.UpdateMember(ctx, w.member.ID, 0, "test", func(m *recert.Member) error {
			m.CertificationDate, m.ABCPCycle = recert.NewDate(2025, 1, 10), 1
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		r := newReceiver(t, 0)
		res, _ := env.Client.CreateWebhookWithResponse(ctx, api.WebhookInput{URL: r.URL, EventTypes: []api.WebhookEventType{"progress.status_changed"}}, w.as("organizer A"))
		if res.JSON201 == nil {
			t.Fatalf("subscribe: %s", res.Body)
		}
		r.mu.Lock()
		r.secret = res.JSON201.Secret
		r.mu.Unlock()
		big, err := st.CreateEvent(ctx, recert.Event{OrganizationID: w.orgA.ID, Title: "Annual Congress", Format: "in_person", TimeZone: "America/Chicago",
			StartDate: recert.NewDate(2026, 3, 2), EndDate: recert.NewDate(2026, 3, 6), Category: "I", ApprovalRef: "ABCP-2026-0302",
			Sessions: []recert.Session{{Title: "Everything", Date: recert.NewDate(2026, 3, 2), CEUs: 6000}}}, "test")
		if err != nil {
			t.Fatal(err)
		}
		if big, err = st.SetEventStatus(ctx, big.ID, recert.EventPublished, "test"); err != nil {
			t.Fatal(err)
		}
		abcp := w.member.ABCPID
		post := func(eventID string) {
			t.Helper()
			res, err := env.Client.PostRosterWithResponse(ctx, eventID, nil, api.RosterInput{Rows: []api.RosterRowInput{{ABCPID: &abcp}}}, w.as("organizer A"))
			if err != nil || res.StatusCode() != http.StatusOK {
				t.Fatalf("roster: %v %s", err, res.Body)
			}
		}
		post(big.ID)
		const held = "2026-03-02" // the congress: its period is the one that changes
		current := func(e event) bool {
			return e.Type == "progress.status_changed" && e.Data["program_id"] == "abcp-ccp-ceu" && e.Data["member_id"] == w.member.ID &&
				e.Data["period_start"].(string) <= held && held <= e.Data["period_end"].(string)
		}
		first := r.waitFor(t, current)
		if first.Data["previous_status"] != nil {
			t.Fatalf("the first event about a period has a previous status: %+v", first)
		}
		// Revoking the credit changes the status back, and the event says from what.
		att, found, err := st.AttendanceOf(ctx, big.ID, w.member.ID)
		if err != nil || !found {
			t.Fatal(err)
		}
		if res, _ := env.Client.RevokeAttendanceWithResponse(ctx, att.ID, &api.RevokeAttendanceParams{Reason: "wrong member"}, w.as("organizer A")); res.StatusCode() != http.StatusOK {
			t.Fatalf("revoke: %s", res.Body)
		}
		again := r.waitFor(t, func(e event) bool { return current(e) && e.Data["previous_status"] != nil })
		if again.Data["previous_status"] != first.Data["status"] || again.Data["status"] == first.Data["status"] {
			t.Errorf("after revoking: %+v (status was %v)", again, first.Data["status"])
		}
	})
}
