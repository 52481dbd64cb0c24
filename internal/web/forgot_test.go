package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestForgotPassword: from the sign-in page a person asks for a link, which sets a new
// password once; an unknown address gets the same answer; a used link says so before any
// form, with a way to ask for another. Apps the member approved stay connected unless the
// member ticks the box that disconnects them.
func TestForgotPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		if _, body := b.get("/app/sign-in"); !strings.Contains(body, `href="/app/forgot"`) {
			t.Fatalf("the sign-in page has no way to reset a password:\n%s", body)
		}
		var answers []string
		for _, email := range []string{w.member, "nobody@example.org"} {
			res, body := b.post("/app/forgot", url.Values{"email": {email}})
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "we have e-mailed it a link") {
				t.Fatalf("forgot for %s: %d\n%s", email, res.StatusCode, body)
			}
			answers = append(answers, strings.ReplaceAll(body, email, "…"))
		}
		if answers[0] != answers[1] {
			t.Error("the answer differs for an address without an account")
		}
		token := apitest.Link(t, w.env.Outbox(t, w.member, 1)[0], "/app/reset?token=")
		path := "/app/reset?token=" + url.QueryEscape(token)
		if res, body := b.get(path); res.StatusCode != http.StatusOK || !strings.Contains(body, `name="password"`) {
			t.Fatalf("reset page: %d\n%s", res.StatusCode, body)
		}
		if _, body := b.get(path); !strings.Contains(body, `name="end_app_grants"`) {
			t.Errorf("the reset page does not offer to disconnect apps:\n%s", body)
		}
		grants := approveApp(t, w, st)
		const fresh = "a new passphrase for Renée 7"
		if res, body := b.post("/app/reset", url.Values{"token": {token}, "password": {fresh}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d\n%s", res.StatusCode, body)
		}
		if n := grants(); n != 1 {
			t.Errorf("%d grants after a new password without the box ticked, want 1", n)
		}
		res, _ := b.post("/app/sign-in", url.Values{"email": {w.member}, "password": {fresh}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/dashboard" {
			t.Errorf("sign in with the new password: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		b.post("/app/forgot", url.Values{"email": {w.member}})
		second := apitest.Link(t, w.env.Outbox(t, w.member, 2)[1], "/app/reset?token=")
		b.get("/app/reset?token=" + url.QueryEscape(second))
		if res, body := b.post("/app/reset", url.Values{"token": {second}, "password": {fresh + "!"}, "end_app_grants": {"yes"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password, disconnecting apps: %d\n%s", res.StatusCode, body)
		}
		if n := grants(); n != 0 {
			t.Errorf("%d grants after a new password with the box ticked, want 0", n)
		}
		again := w.browser(t)
		if res, body := again.get(path); res.StatusCode != http.StatusOK || strings.Contains(body, `name="password"`) ||
			!strings.Contains(body, "has been used or has expired") || !strings.Contains(body, `href="/app/forgot"`) {
			t.Errorf("a used link: %d\n%s", res.StatusCode, body)
		}
	})
}

// approveApp records the member's approval of an app and returns how many of the member's
// grants are live.
func approveApp(t *testing.T, w *world, st *store.Store) func() int {
	t.Helper()
	ctx := t.Context()
	u, _, err := st.UserByEmail(ctx, w.member)
	if err != nil {
		t.Fatal(err)
	}
	app, err := st.CreateApp(ctx, recert.App{Name: "CE Tracker", OwnerID: u.ID, RedirectURIs: []string{"https://tracker.example.org/cb"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	grant := recert.Grant{ID: recert.NewID(recert.PrefixSignIn), UserID: u.ID, AppID: app.ID, Scopes: []string{"progress:read"}}
	if err := st.StartGrant(ctx, grant); err != nil {
		t.Fatal(err)
	}
	return func() int {
		gs, err := st.Grants(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(gs)
	}
}
