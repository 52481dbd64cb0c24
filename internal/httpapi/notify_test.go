package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/notify/mailtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// Each change that concerns a person reaches them by e-mail through a real SMTP server,
// once its write commits; a roster that rolls back sends nothing.
func TestChangesAreMailedToThePeopleTheyConcern(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		smtp := mailtest.Start(t)
		env := apitest.StartWith(t, st, func(c *config.Config) {
			c.SMTPURL, c.MailFrom, c.JobPollInterval = smtp.URL, "CE Registry <ce@example.org>", 20*time.Millisecond
		})
		w := newWorld(t, env)
		ctx := context.Background()
		lee, err := st.CreateMember(ctx, recert.Member{Name: "Lee Notified", Email: "lee@example.org", ABCPID: "777777"}, w.orgA.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		env.CreateUser(t, recert.User{Email: "lee@example.org", Name: "Lee Notified", Role: recert.RoleMember, MemberID: lee.ID})
		leeToken := env.Login(t, "lee@example.org")
		a := w.attend(t, w.event, lee)
		first := w.event.Sessions[0].ID
		abcp := "777777"

		// A roster with a rejected row writes nothing, so it tells nobody anything.
		res, err := env.Client.PostRosterWithResponse(ctx, w.event.ID, nil, api.RosterInput{Rows: []api.RosterRowInput{
			{ABCPID: &abcp, Sessions: []string{first}}, {ABCPID: &abcp, Sessions: []string{"no-such-session"}},
		}}, w.as("organizer A"))
		if err != nil || res.StatusCode() == http.StatusOK {
			t.Fatalf("rejected roster: %v %d %s", err, res.StatusCode(), res.Body)
		}
		res, err = env.Client.PostRosterWithResponse(ctx, w.event.ID, nil, api.RosterInput{Rows: []api.RosterRowInput{
			{ABCPID: &abcp, Sessions: []string{first}},
		}}, w.as("organizer A"))
		if err != nil || res.StatusCode() != http.StatusOK {
			t.Fatalf("roster: %v %d %s", err, res.StatusCode(), res.Body)
		}
		steps := []struct {
			name string
			do   func() (int, error)
		}{
			{"correct", func() (int, error) {
				r, err := env.Client.CorrectAttendanceWithResponse(ctx, a.ID, api.AttendanceCorrection{
					Sessions: []string{first, w.event.Sessions[1].ID}, Reason: "sign-in sheet found"}, w.as("organizer A"))
				return r.StatusCode(), err
			}},
			{"revoke", func() (int, error) {
				r, err := env.Client.RevokeAttendanceWithResponse(ctx, a.ID, &api.RevokeAttendanceParams{Reason: "badge scanned for the wrong person"}, w.as("organizer A"))
				return r.StatusCode(), err
			}},
			{"dispute", func() (int, error) {
				r, err := env.Client.CreateDisputeWithResponse(ctx, w.event.ID, api.DisputeInput{Kind: "missing", Message: "I was at both sessions"}, apitest.Bearer(leeToken))
				if err == nil && r.JSON201 != nil {
					r2, err := env.Client.ResolveDisputeWithResponse(ctx, r.JSON201.ID, api.DisputeResolution{Decision: "rejected", Reason: ptr("no sign-in record")}, w.as("organizer A"))
					return r2.StatusCode(), err
				}
				return r.StatusCode(), err
			}},
			{"review", func() (int, error) {
				act, err := st.CreateActivity(ctx, recert.Activity{MemberID: lee.ID, Type: "publication", Date: recert.Date{Year: 2026, Month: 1, Day: 5},
					CEUs: 500, Category: "I", Title: "Case report", DocumentationStatus: "none"}, "test")
				if err != nil {
					return 0, err
				}
				r, err := env.Client.ReviewActivityWithResponse(ctx, lee.ID, act.ID, api.ActivityReview{Decision: "rejected", Reason: ptr("no copy of the article")}, w.as("admin"))
				return r.StatusCode(), err
			}},
		}
		for _, s := range steps {
			if code, err := s.do(); err != nil || code >= 300 {
				t.Fatalf("%s: %v %d", s.name, err, code)
			}
		}

		got := smtp.Wait(6)
		want := []struct{ to, subject, text string }{
			{"lee@example.org", "Your attendance at Spring Meeting was corrected", "posted by roster"},
			{"lee@example.org", "Your attendance at Spring Meeting was corrected", "sign-in sheet found"},
			{"lee@example.org", "Your attendance at Spring Meeting was revoked", "badge scanned for the wrong person"},
			{"org-a@example.org", "Lee Notified disputes their attendance at Spring Meeting", "I was at both sessions"},
			{"lee@example.org", "Your dispute about Spring Meeting was rejected", "no sign-in record"},
			{"lee@example.org", `Your activity "Case report" was rejected`, "no copy of the article"},
		}
		ids := map[string]bool{}
		for _, m := range got {
			ids[m.MessageID] = true
			if m.From != "ce@example.org" || !strings.Contains(m.HTML, "<p>") || m.MessageID == "" {
				t.Errorf("message %q: from %q, id %q, html %q", m.Subject, m.From, m.MessageID, m.HTML)
			}
		}
		for _, wm := range want {
			i := slices.IndexFunc(got, func(m mailtest.Mail) bool {
				return slices.Equal(m.To, []string{wm.to}) && m.Subject == wm.subject && strings.Contains(m.Text, wm.text) && strings.Contains(m.HTML, wm.text)
			})
			if i < 0 {
				t.Errorf("no message to %s %q saying %q in %+v", wm.to, wm.subject, wm.text, got)
				continue
			}
			got = slices.Delete(got, i, i+1)
		}
		if len(got) != 0 || len(ids) != len(want) {
			t.Errorf("unexpected messages (the rolled-back roster must send none): %+v; %d distinct ids", got, len(ids))
		}
	})
}

// A password reset goes by e-mailed link only, tells nobody whether an address has an
// account, works once, and ends the account's sign-ins.
func TestPasswordResetByEmailedLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		ctx := t.Context()
		email := apitest.Email(t, "forgetful")
		env.CreateUser(t, recert.User{Email: email, Role: recert.RoleAdmin})
		for _, addr := range []string{email, "nobody@example.org"} {
			res, err := env.Client.RequestPasswordResetWithResponse(ctx, api.PasswordResetRequest{Email: openapi_types.Email(addr)})
			if err != nil || res.StatusCode() != http.StatusAccepted || len(res.Body) != 0 {
				t.Fatalf("reset for %s: %v %d %s", addr, err, res.StatusCode(), res.Body)
			}
		}
		m := env.Outbox(t, email, 1)[0]
		if m.Subject != "Reset your Recert password" || !strings.Contains(m.HTML, "/app/reset?token=rcp_") {
			t.Fatalf("reset mail: %+v", m)
		}
		token := apitest.Link(t, m, "/app/reset?token=")
		const fresh = "a wholly new passphrase"
		for i, want := range []int{http.StatusNoContent, http.StatusUnprocessableEntity} {
			res, err := env.Client.ResetPasswordWithResponse(ctx, api.PasswordReset{Token: token, Password: fresh})
			if err != nil || res.StatusCode() != want {
				t.Fatalf("reset %d: %v %d %s", i, err, res.StatusCode(), res.Body)
			}
		}
		ok, _ := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "password", Username: &email, Password: ptr(fresh)})
		old, _ := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "password", Username: &email, Password: ptr(apitest.Password)})
		if ok.StatusCode() != http.StatusOK || old.StatusCode() != http.StatusBadRequest {
			t.Errorf("sign in with the new password: %d, the old one: %d", ok.StatusCode(), old.StatusCode())
		}
		page, err := http.Get(env.URL + "/app/reset?token=" + token)
		if err != nil || page.StatusCode != http.StatusOK || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("reset page: %v %+v", err, page)
		}
		_ = page.Body.Close()
	})
}

// An administrator invites a member with no address on record by entering one; an
// organizer cannot, and the invitation's token is never in the answer.
func TestClaimInvitationNeedsAnAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := t.Context()
		m, err := st.CreateMember(ctx, recert.Member{Name: "No Address"}, w.orgA.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		res, _ := env.Client.CreateClaimTokenWithResponse(ctx, m.ID, api.ClaimInvitationInput{}, w.as("organizer A"))
		if res.StatusCode() != http.StatusUnprocessableEntity {
			t.Fatalf("invite without an address: %d %s", res.StatusCode(), res.Body)
		}
		addr := openapi_types.Email(apitest.Email(t, "entered"))
		res, _ = env.Client.CreateClaimTokenWithResponse(ctx, m.ID, api.ClaimInvitationInput{Email: &addr}, w.as("organizer A"))
		if res.StatusCode() != http.StatusUnprocessableEntity {
			t.Fatalf("an organizer entered an address: %d %s", res.StatusCode(), res.Body)
		}
		res, _ = env.Client.CreateClaimTokenWithResponse(ctx, m.ID, api.ClaimInvitationInput{Email: &addr}, w.as("admin"))
		if res.JSON202 == nil || res.JSON202.Email != addr || strings.Contains(string(res.Body), "rcc_") {
			t.Fatalf("admin invitation: %d %s", res.StatusCode(), res.Body)
		}
		mail := env.Outbox(t, string(addr), 1)[0]
		if mail.Subject != "Your continuing-education record is waiting for you" || !strings.Contains(mail.Text, "Hello No Address") {
			t.Errorf("invitation: %+v", mail)
		}
		claimed, _ := env.Client.ClaimMemberWithResponse(ctx, api.ClaimRequest{ClaimToken: apitest.Link(t, mail, "/app/claim?token="),
			Email: addr, Password: apitest.Password})
		if claimed.JSON201 == nil || value(claimed.JSON201.MemberID) != m.ID {
			t.Fatalf("claim: %d %s", claimed.StatusCode(), claimed.Body)
		}
	})
}

// A person turns deadline reminders off and on through /v1/me.
func TestReminderPreference(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		me, _ := env.Client.GetMeWithResponse(t.Context(), nil, w.as("member"))
		if me.JSON200 == nil || me.JSON200.Preferences == nil || !me.JSON200.Preferences.DeadlineReminders {
			t.Fatalf("default preferences: %s", me.Body)
		}
		var off api.MeUpdate
		off.Preferences.DeadlineReminders = ptr(false)
		res, _ := env.Client.UpdateMeWithResponse(t.Context(), off, w.as("member"))
		if res.JSON200 == nil || res.JSON200.Preferences.DeadlineReminders {
			t.Fatalf("turned off: %s", res.Body)
		}
		me, _ = env.Client.GetMeWithResponse(t.Context(), nil, w.as("member"))
		if me.JSON200.Preferences.DeadlineReminders {
			t.Errorf("reminders still on after turning them off: %s", me.Body)
		}
	})
}

// A member moves their account to a new address: the current password is required, nothing
// changes until the link sent to the new address is followed, the old address is told, and
// the link works once. A member cannot set their record's address directly.
func TestEmailChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		ctx := t.Context()
		as := w.as("member")
		old := "pat@example.org"
		taken := apitest.Email(t, "taken")
		env.CreateUser(t, recert.User{Email: taken, Role: recert.RoleAdmin})
		fresh := apitest.Email(t, "moved")

		res, err := env.Client.RequestEmailChangeWithResponse(ctx, api.EmailChangeRequest{Email: openapi_types.Email(fresh), Password: "not my password"}, as)
		if err != nil || res.StatusCode() != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "#/password") {
			t.Fatalf("wrong password: %v %d %s", err, res.StatusCode(), res.Body)
		}
		res, err = env.Client.RequestEmailChangeWithResponse(ctx, api.EmailChangeRequest{Email: openapi_types.Email(taken), Password: apitest.Password}, as)
		if err != nil || res.StatusCode() != http.StatusConflict {
			t.Fatalf("taken address: %v %d %s", err, res.StatusCode(), res.Body)
		}
		res, err = env.Client.RequestEmailChangeWithResponse(ctx, api.EmailChangeRequest{Email: openapi_types.Email(fresh), Password: apitest.Password}, as)
		if err != nil || res.StatusCode() != http.StatusAccepted || res.JSON202 == nil || string(res.JSON202.Email) != fresh {
			t.Fatalf("request: %v %d %s", err, res.StatusCode(), res.Body)
		}
		m := env.Outbox(t, fresh, 1)[0]
		token := apitest.Link(t, m, "/app/email?token=")
		// Until the link is followed, the old address signs in.
		if me, _ := env.Client.GetMeWithResponse(ctx, nil, as); me.JSON200 == nil || me.JSON200.User == nil || string(me.JSON200.User.Email) != old {
			t.Fatalf("before confirming: %s", me.Body)
		}
		for i, want := range []int{http.StatusNoContent, http.StatusUnprocessableEntity} {
			res, err := env.Client.ConfirmEmailChangeWithResponse(ctx, api.EmailChangeConfirm{Token: token})
			if err != nil || res.StatusCode() != want {
				t.Fatalf("confirm %d: %v %d %s", i, err, res.StatusCode(), res.Body)
			}
		}
		told := env.Outbox(t, old, 1)[0]
		if told.Subject != "Your Recert e-mail address was changed" {
			t.Errorf("the old address is told: %+v", told)
		}
		rec, err := st.Member(ctx, w.member.ID)
		if err != nil || rec.Email != fresh {
			t.Errorf("the record's address: %q %v", rec.Email, err)
		}
		ok, _ := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "password", Username: &fresh, Password: ptr(apitest.Password)})
		gone, _ := env.Client.CreateTokenWithFormdataBodyWithResponse(ctx, api.TokenRequest{GrantType: "password", Username: &old, Password: ptr(apitest.Password)})
		if ok.StatusCode() != http.StatusOK || gone.StatusCode() != http.StatusBadRequest {
			t.Errorf("sign in with the new address: %d, the old one: %d", ok.StatusCode(), gone.StatusCode())
		}
		patch, err := env.Client.UpdateMemberWithResponse(ctx, w.member.ID, &api.UpdateMemberParams{}, api.MemberUpdate{Email: ptr(openapi_types.Email(taken))}, as)
		if err != nil || patch.StatusCode() != http.StatusForbidden {
			t.Errorf("a member sets their record's address directly: %v %d %s", err, patch.StatusCode(), patch.Body)
		}
	})
}
