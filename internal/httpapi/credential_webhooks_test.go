package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestCredentialWebhooks checks a sponsor's app hears that a credential was issued, and that
// it was revoked when its attendance was corrected and, for the next one, revoked.
func TestCredentialWebhooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.StartWith(t, st, func(c *config.Config) { c.WebhookAllowPrivate = true })
		w := newWorld(t, env)
		ctx := t.Context()
		r := newReceiver(t, 0)
		res, _ := env.Client.CreateWebhookWithResponse(ctx, api.WebhookInput{URL: r.URL,
			EventTypes: []api.WebhookEventType{"credential.issued", "credential.revoked"}}, w.as("organizer A"))
		if res.JSON201 == nil {
			t.Fatalf("subscribe: %s", res.Body)
		}
		r.mu.Lock()
		r.secret = res.JSON201.Secret
		r.mu.Unlock()

		first := w.credentialID(t)
		issued := r.waitFor(t, func(e event) bool { return e.Type == "credential.issued" && e.Data["credential_id"] == first })
		if issued.Data["attendance_id"] != w.attendance.ID || issued.Data["member_id"] != w.member.ID || issued.Data["event_id"] != w.event.ID {
			t.Errorf("credential.issued %+v", issued.Data)
		}
		w.credentialID(t) // asked again: the same credential, no second event

		fixed, _ := env.Client.CorrectAttendanceWithResponse(ctx, w.attendance.ID, api.AttendanceCorrection{
			Sessions: []string{w.event.Sessions[0].ID}, Reason: "left at the break"}, w.as("organizer A"))
		if fixed.JSON200 == nil {
			t.Fatalf("correct: %s", fixed.Body)
		}
		revoked := r.waitFor(t, func(e event) bool { return e.Type == "credential.revoked" && e.Data["credential_id"] == first })
		if revoked.Data["reason"] != "left at the break" {
			t.Errorf("credential.revoked %+v", revoked.Data)
		}
		second := w.credentialID(t)
		r.waitFor(t, func(e event) bool { return e.Type == "credential.issued" && e.Data["credential_id"] == second })
		if r, _ := env.Client.RevokeAttendanceWithResponse(ctx, w.attendance.ID, &api.RevokeAttendanceParams{Reason: "not present"}, w.as("organizer A")); r.StatusCode() != http.StatusOK {
			t.Fatalf("revoke: %s", r.Body)
		}
		r.waitFor(t, func(e event) bool { return e.Type == "credential.revoked" && e.Data["credential_id"] == second })

		got := r.wait(t)
		issuedFirst := 0
		for _, e := range got {
			if e.Type == "credential.issued" && e.Data["credential_id"] == first {
				issuedFirst++
			}
		}
		if issuedFirst != 1 {
			t.Errorf("credential.issued for %s %d times, want once", first, issuedFirst)
		}
	})
}
