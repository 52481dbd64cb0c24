package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/app"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/httpapi"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
	"github.com/recert-dev/recert/internal/web"
)

func TestSignInSessionCSRFAndSignOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		b := w.browser(t)

		res, body := b.get("/app/sign-in")
		if res.StatusCode != 200 || !strings.Contains(body, `name="csrf_token"`) {
			t.Fatalf("sign-in page: %d\n%s", res.StatusCode, body)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("the pages' CSP = %q", csp)
		}
		// A form without the CSRF value, or with another, is refused before anything else.
		for _, token := range []string{"", "forged-forged-forged-forged-forged-forged-1"} {
			res, _ = b.post("/app/sign-in", url.Values{"csrf_token": {token}, "email": {w.organizer}, "password": {apitest.Password}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("sign-in with csrf %q: %d, want 403", token, res.StatusCode)
			}
		}
		res, body = b.post("/app/sign-in", url.Values{"email": {w.organizer}, "password": {"wrong password"}})
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "The email or password is wrong") {
			t.Errorf("wrong password: %d\n%s", res.StatusCode, body)
		}
		res, _ = b.post("/app/sign-in", url.Values{"email": {w.organizer}, "password": {apitest.Password}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/events" {
			t.Fatalf("sign in: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		var session *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "recert_session" {
				session = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/app" {
			t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure over http, Path=/app", session)
		}
		// The session cookie is not an access token: the API refuses it.
		req, _ := http.NewRequest(http.MethodGet, w.env.URL+"/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+session.Value)
		if res, _ := b.do(req); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("the API took the session cookie as a token: %d", res.StatusCode)
		}

		if res, body = b.get("/app/events"); res.StatusCode != 200 || !strings.Contains(body, "Fall Meeting") || !strings.Contains(body, "Tue-AM") {
			t.Errorf("events page: %d\n%s", res.StatusCode, body)
		}
		// An organizer does not see the administrator's or a member's pages.
		for _, p := range []string{"/app/members", "/app/dashboard"} {
			if res, _ = b.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("organizer on %s: %d, want 404", p, res.StatusCode)
			}
		}

		if res, body = b.get("/app/no-such-page"); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "That page does not exist") {
			t.Errorf("unknown page: %d\n%s", res.StatusCode, body)
		}
		if res, _ = b.post("/app/sign-out", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", res.StatusCode)
		}
		if res, _ = b.get("/app/events"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/sign-in" {
			t.Errorf("after sign-out the events page answered %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// TestSignInLimits: the pages count sign-in attempts with the token endpoint, per account.
func TestSignInLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, app.WithRateLimits(httpapi.RateLimit{PerMinute: 6000, Burst: 1000}, httpapi.RateLimit{PerMinute: 1, Burst: 3}))
		// Two attempts at the token endpoint spend two of the account's three.
		for range 2 {
			res, err := http.PostForm(w.env.URL+"/v1/auth/token", url.Values{"grant_type": {"password"}, "username": {w.organizer}, "password": {"nope"}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
		}
		b := w.browser(t)
		res, _ := b.post("/app/sign-in", url.Values{"email": {w.organizer}, "password": {"nope"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("third attempt: %d, want 401", res.StatusCode)
		}
		res, body := b.post("/app/sign-in", url.Values{"email": {w.organizer}, "password": {apitest.Password}})
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many attempts") {
			t.Errorf("fourth attempt, right password: %d Retry-After %q, want 429\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
		}
	})
}

// pagesAlone serves the pages alone over st at publicURL, with a clock the test moves, and
// an administrator to sign in as.
func pagesAlone(t *testing.T, publicURL string, now *time.Time) (*browser, *store.Store, recert.User) {
	t.Helper()
	st := dbtest.New(t, store.SQLite)
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.NewKeySet(key, 0)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(apitest.Password, apitest.CheapPasswords)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(t.Context(), recert.User{Email: "ada@example.org", Name: "Ada", Role: recert.RoleAdmin}, hash, "test")
	if err != nil {
		t.Fatal(err)
	}
	lg, err := ledger.New(st, ledger.Config{PasswordParams: apitest.CheapPasswords, Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := web.New(web.Options{Store: st, Ledger: lg, Keys: keys, PublicURL: publicURL, PasswordParams: apitest.CheapPasswords,
		IPLimit: web.RateLimit{PerMinute: 60, Burst: 10}, AccountLimit: web.RateLimit{PerMinute: 60, Burst: 10},
		Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	pages.Mount(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, routes: e.Routes(), c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, st, u
}

// TestSecureCookiesOverHTTPS: a public https URL makes both cookies Secure.
func TestSecureCookiesOverHTTPS(t *testing.T) {
	now := time.Now()
	b, _, _ := pagesAlone(t, "https://recert.example.org", &now)
	res, _ := b.get("/app/sign-in")
	csrf := cookieNamed(res, "recert_csrf")
	if csrf == nil || !csrf.Secure || !csrf.HttpOnly {
		t.Fatalf("csrf cookie over https = %+v", csrf)
	}
	// The jar does not send Secure cookies over http: post the value by hand. Served over
	// https, a form from an http page of the same host is another site's.
	signIn := func(origin string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, b.base+"/app/sign-in", strings.NewReader(url.Values{"csrf_token": {csrf.Value},
			"email": {"ada@example.org"}, "password": {apitest.Password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		req.AddCookie(csrf)
		return b.do(req)
	}
	if res, _ := signIn("http://recert.example.org"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a form from an http origin: %d, want 403", res.StatusCode)
	}
	res, body := signIn("https://recert.example.org")
	session := cookieNamed(res, "recert_session")
	if res.StatusCode != http.StatusSeeOther || session == nil || !session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Errorf("sign in over https: %d, session cookie %+v\n%s", res.StatusCode, session, body)
	}
}

// TestSessionRenewsAndEnds: a page seen in the second half of the session renews it; an idle
// session expires; signing out everywhere ends it at once.
func TestSessionRenewsAndEnds(t *testing.T) {
	now := time.Now()
	b, st, u := pagesAlone(t, "http://localhost:8080", &now)
	b.signIn(u.Email)
	now = now.Add(5 * time.Minute) // a third of the 14.5 minutes: no renewal
	if res, _ := b.get("/app/members"); res.StatusCode != 200 || cookieNamed(res, "recert_session") != nil {
		t.Fatalf("early page: %d, renewed: %v", res.StatusCode, cookieNamed(res, "recert_session") != nil)
	}
	now = now.Add(5 * time.Minute) // past half: renewed
	if res, _ := b.get("/app/members"); res.StatusCode != 200 || cookieNamed(res, "recert_session") == nil {
		t.Fatalf("late page: %d, renewed: %v", res.StatusCode, cookieNamed(res, "recert_session") != nil)
	}
	now = now.Add(14 * time.Minute) // within the renewed session's life
	if res, _ := b.get("/app/members"); res.StatusCode != 200 {
		t.Fatalf("after renewal: %d", res.StatusCode)
	}
	now = now.Add(16 * time.Minute) // idle past it
	if res, _ := b.get("/app/members"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an idle session still works: %d", res.StatusCode)
	}

	b.signIn(u.Email)
	if _, err := st.UpdateUser(t.Context(), u.ID, recert.UserChange{SignOut: true}, "test"); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.get("/app/members"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a session outlived signing out everywhere: %d", res.StatusCode)
	}
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
