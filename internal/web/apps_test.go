package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestAppPages: registering an app tells each problem beside its field and shows a
// confidential app's secret once; sign-in continues only to an authorize link; a member
// revokes only their own grants; only administrators suspend apps, and a suspended app's
// consent page says so without redirecting.
func TestAppPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := t.Context()
		member := w.browser(t)
		member.signIn(w.member)

		res, body := member.post("/app/apps", url.Values{"name": {""}, "redirect_uris": {"ftp://x.example.org/cb"}, "kind": {"public"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="name-problem"`) ||
			!strings.Contains(body, `id="redirect_uris-problem"`) {
			t.Errorf("bad registration: %d\n%s", res.StatusCode, body)
		}
		res, body = member.post("/app/apps", url.Values{"name": {"CV Builder"}, "redirect_uris": {"https://cv.example.org/cb\nhttps://cv.example.org/cb2"}, "kind": {"confidential"}})
		if res.StatusCode != http.StatusCreated || !strings.Contains(body, `id="secret" readonly value="rcs_`) {
			t.Fatalf("registration: %d\n%s", res.StatusCode, body)
		}
		u, _, err := st.UserByEmail(ctx, w.member)
		if err != nil {
			t.Fatal(err)
		}
		apps, err := st.Apps(ctx, u.ID)
		if err != nil || len(apps) != 1 || !apps[0].Confidential || len(apps[0].RedirectURIs) != 2 {
			t.Fatalf("apps: %+v %v", apps, err)
		}
		_, body = member.get("/app/apps")
		if strings.Contains(body, "rcs_") {
			t.Error("the secret is shown again")
		}

		stranger := w.browser(t)
		res, body = stranger.post("/app/sign-in", url.Values{"email": {w.member}, "password": {"correct horse battery staple"}, "next": {"https://evil.example.org/"}})
		if loc := res.Header.Get("Location"); loc != "/app/dashboard" {
			t.Errorf("sign-in with a foreign next went to %q\n%s", loc, body)
		}

		// Another member's grant is not this member's to revoke.
		other := w.env.CreateUser(t, recert.User{Email: "olga-login@example.org", Name: "Olga", Role: recert.RoleMember})
		grant := recert.Grant{ID: recert.NewID(recert.PrefixSignIn), UserID: other.ID, AppID: apps[0].ID, Scopes: []string{"progress:read"}}
		if err := st.StartGrant(ctx, grant); err != nil {
			t.Fatal(err)
		}
		if res, _ := member.post("/app/profile/apps/"+grant.ID+"/revoke", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("revoking another member's grant: %d", res.StatusCode)
		}
		if gs, _ := st.Grants(ctx, other.ID); len(gs) != 1 {
			t.Errorf("the other member's grants: %+v", gs)
		}

		if res, _ := member.post("/app/apps/"+apps[0].ID+"/suspension", url.Values{"suspended": {"true"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("a member suspending: %d", res.StatusCode)
		}
		admin := w.browser(t)
		admin.signIn(w.admin)
		if res, _ := admin.post("/app/apps/"+apps[0].ID+"/suspension", url.Values{"suspended": {"true"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("an administrator suspending: %d", res.StatusCode)
		}
		q := url.Values{"response_type": {"code"}, "client_id": {apps[0].ID}, "redirect_uri": {"https://cv.example.org/cb"},
			"scope": {"progress:read"}, "code_challenge": {strings.Repeat("A", 43)}, "code_challenge_method": {"S256"}}
		res, body = member.get("/app/oauth/authorize?" + q.Encode())
		if res.StatusCode != http.StatusBadRequest || res.Header.Get("Location") != "" || !strings.Contains(body, "suspended") {
			t.Errorf("a suspended app's consent page: %d %q", res.StatusCode, res.Header.Get("Location"))
		}

		// Only its owner (or an administrator) deletes an app, ending every grant to it.
		stranger.signIn("olga-login@example.org")
		if res, _ := stranger.post("/app/apps/"+apps[0].ID+"/delete", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another member deleting the app: %d", res.StatusCode)
		}
		if _, body := member.get("/app/apps"); !strings.Contains(body, `action="/app/apps/`+apps[0].ID+`/delete"`) {
			t.Errorf("the owner is offered no delete button:\n%s", body)
		}
		res, _ = member.post("/app/apps/"+apps[0].ID+"/delete", url.Values{})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/app/apps?done=app-deleted" {
			t.Errorf("the owner deleting the app: %d to %q", res.StatusCode, loc)
		}
		if left, _ := st.Apps(ctx, u.ID); len(left) != 0 {
			t.Errorf("apps after deletion: %+v", left)
		}
		if gs, _ := st.Grants(ctx, other.ID); len(gs) != 0 {
			t.Errorf("grants to a deleted app: %+v", gs)
		}
	})
}
