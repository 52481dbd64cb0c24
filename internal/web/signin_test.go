package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestCopiedSessionEndsWithSignOut: a copy of the session cookie taken before signing out
// neither loads a page nor submits a form after it.
func TestCopiedSessionEndsWithSignOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)
		b.signIn(w.organizer)
		stolen, token := b.cookie("recert_session"), b.csrf()
		if res, _ := b.post("/app/sign-out", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", res.StatusCode)
		}
		thief := w.browser(t)
		thief.setCookie(stolen)
		if res, _ := thief.get("/app/events"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the copied cookie loaded a page after sign-out: %d", res.StatusCode)
		}
		res, _ := thief.post("/app/clients", url.Values{"csrf_token": {token}, "name": {"Exfiltrate"}, "organization_id": {w.org.ID}, "scope": {"events:read"}})
		if res.StatusCode == http.StatusCreated {
			t.Errorf("the copied cookie submitted a form after sign-out: %d", res.StatusCode)
		}
	})
}

// TestPlantedCSRFCookieIsRefused reproduces the attack on the double-submit cookie: the
// victim's session with a recert_csrf cookie and form field the attacker chose must not
// create an API client; and a form sent from another site is refused even with the token.
func TestPlantedCSRFCookieIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		victim := w.browser(t)
		victim.signIn(w.admin)
		const planted = "AttackerChosenValueAttackerChosenValue12345" // 43 characters, as ours
		victim.setCookie(&http.Cookie{Name: "recert_csrf", Value: planted, Path: "/app"})
		form := url.Values{"csrf_token": {planted}, "name": {"Attacker app"}, "organization_id": {w.org.ID}, "scope": {"members:read"}}
		if res, _ := victim.post("/app/clients", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("planted CSRF cookie: %d, want 403", res.StatusCode)
		}
		// The page's own token, sent from another site, is refused too.
		form.Set("csrf_token", victim.csrf())
		for _, h := range []map[string]string{{"Origin": "https://evil.example"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}} {
			res, _ := victim.postWith("/app/clients", form, h)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("a form sent with %v: %d, want 403", h, res.StatusCode)
			}
		}
		if list, _, err := st.Clients(t.Context(), recert.Page{Limit: 10}, recert.AllOrganizations()); err != nil || len(list) != 0 {
			t.Fatalf("clients after the attacks: %d %v", len(list), err)
		}
		// The same form from the page itself goes through.
		if res, body := victim.postWith("/app/clients", form, map[string]string{"Origin": w.env.URL, "Sec-Fetch-Site": "same-origin"}); res.StatusCode != http.StatusCreated {
			t.Errorf("the page's own form: %d\n%s", res.StatusCode, body)
		}
	})
}

// TestNoGetChangesState opens every page route without parameters as a signed-in
// administrator and checks that none of them changes what the store holds.
func TestNoGetChangesState(t *testing.T) {
	now := time.Now()
	b, st, u := pagesAlone(t, "http://localhost:8080", &now)
	b.signIn(u.Email)
	before, opened := tableCounts(t, st), 0
	for _, r := range b.routes {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/app") || strings.ContainsAny(r.Path, ":*") {
			continue
		}
		b.get(r.Path)
		opened++
	}
	if opened < 10 {
		t.Fatalf("opened %d pages: are the routes read?", opened)
	}
	if after := tableCounts(t, st); !equalCounts(before, after) {
		t.Errorf("GET requests changed the store: %v -> %v", before, after)
	}
}

func tableCounts(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"organizations", "users", "members", "events", "attendance", "activities", "api_clients", "webhook_subscriptions", "disputes"} {
		var n int64
		if err := st.DB().Table(table).Count(&n).Error; err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}
