package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestForgotPassword: from the sign-in page a person asks for a link, which sets a new
// password once; an unknown address gets the same answer; a used link says so before any
// form, with a way to ask for another.
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
		const fresh = "a new passphrase for Renée 7"
		if res, body := b.post("/app/reset", url.Values{"token": {token}, "password": {fresh}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d\n%s", res.StatusCode, body)
		}
		res, _ := b.post("/app/sign-in", url.Values{"email": {w.member}, "password": {fresh}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/dashboard" {
			t.Errorf("sign in with the new password: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		again := w.browser(t)
		if res, body := again.get(path); res.StatusCode != http.StatusOK || strings.Contains(body, `name="password"`) ||
			!strings.Contains(body, "has been used or has expired") || !strings.Contains(body, `href="/app/forgot"`) {
			t.Errorf("a used link: %d\n%s", res.StatusCode, body)
		}
	})
}
