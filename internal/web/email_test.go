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

// TestEmailChangePages: a member asks for a new address on the profile (a wrong password is
// marked beside its field); opening the link changes nothing until confirmed; confirming
// moves the sign-in and the notices there and tells the old address; the link works once.
func TestEmailChangePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.member)
		const fresh = "renee@hospital.example.org"
		res, body := b.post("/app/profile/email", url.Values{"email": {fresh}, "password": {"not my password"}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="password-problem"`) || !strings.Contains(body, `value="`+fresh+`"`) {
			t.Fatalf("wrong password: %d\n%s", res.StatusCode, body)
		}
		res, body = b.post("/app/profile/email", url.Values{"email": {fresh}, "password": {"correct horse battery staple"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "A link is on its way to "+fresh) {
			t.Fatalf("request: %d\n%s", res.StatusCode, body)
		}
		token := apitest.Link(t, w.env.Outbox(t, fresh, 1)[0], "/app/email?token=")
		path := "/app/email?token=" + url.QueryEscape(token)
		if res, body := b.get(path); res.StatusCode != http.StatusOK || !strings.Contains(body, fresh) || !strings.Contains(body, `action="/app/email"`) {
			t.Fatalf("the link's page: %d\n%s", res.StatusCode, body)
		}
		if m, err := st.Member(t.Context(), w.renee.ID); err != nil || m.Email == fresh {
			t.Fatalf("opening the link changed the address: %q %v", m.Email, err)
		}
		if res, body := b.post("/app/email", url.Values{"token": {token}}); res.StatusCode != http.StatusOK || !strings.Contains(body, "Your e-mail address is changed") {
			t.Fatalf("confirm: %d\n%s", res.StatusCode, body)
		}
		if told := w.env.Outbox(t, w.member, 1)[0]; told.Subject != "Your Recert e-mail address was changed" {
			t.Errorf("the old address is told: %+v", told)
		}
		other := w.browser(t)
		if res, _ := other.post("/app/sign-in", url.Values{"email": {fresh}, "password": {"correct horse battery staple"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/dashboard" {
			t.Errorf("sign in with the new address: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body := other.get(path); res.StatusCode != http.StatusOK || !strings.Contains(body, "This link cannot be used") {
			t.Errorf("a used link: %d\n%s", res.StatusCode, body)
		}
	})
}
