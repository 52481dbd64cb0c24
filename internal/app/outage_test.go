package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestDatabaseOutageIsServiceUnavailable cuts the connection between the service and
// PostgreSQL and checks every class of route: public operations, the token endpoint and
// authenticated operations answer 503 problems with Retry-After, logged at ERROR; a valid
// token is never answered 401 or 403 because its caller cannot be loaded.
func TestDatabaseOutageIsServiceUnavailable(t *testing.T) {
	u, err := url.Parse(dbtest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.addr
	st, err := store.OpenPostgres(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	env := apitest.Start(t, st)

	admin := env.CreateUser(t, recert.User{Email: apitest.Email(t, "admin"), Role: recert.RoleAdmin})
	token := env.Login(t, admin.Email)
	form := func(v url.Values) (string, string) { return "application/x-www-form-urlencoded", v.Encode() }
	cases := []struct {
		name, method, path, token, contentType, body string
	}{
		{name: "public list", method: "GET", path: "/v1/programs"},
		{name: "public version", method: "GET", path: "/v1/version"},
		{name: "authenticated read", method: "GET", path: "/v1/organizations", token: token},
		{name: "authenticated read by id", method: "GET", path: "/v1/users/" + admin.ID, token: token},
		{name: "authenticated write", method: "POST", path: "/v1/organizations", token: token,
			contentType: "application/json", body: `{"name":"Outage Society"}`},
	}
	secret, _ := auth.NewSecret(auth.PrefixClientSecret)
	refresh, _ := auth.NewSecret(auth.PrefixRefreshToken)
	for _, grant := range []url.Values{
		{"grant_type": {"password"}, "username": {admin.Email}, "password": {apitest.Password}},
		{"grant_type": {"client_credentials"}, "client_id": {"cli_aaaaaaaaaaaaaaaaaaaaaaaa"}, "client_secret": {secret}},
		{"grant_type": {"refresh_token"}, "refresh_token": {refresh}},
	} {
		ct, body := form(grant)
		cases = append(cases, struct{ name, method, path, token, contentType, body string }{
			name: "token " + grant.Get("grant_type"), method: "POST", path: "/v1/auth/token", contentType: ct, body: body})
	}

	p.stop()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), c.method, env.URL+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			res, err := env.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
				t.Fatalf("status %d, Retry-After %q; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
			}
			if pr := apitest.Problem(t, res); pr.Status != http.StatusServiceUnavailable {
				t.Fatalf("problem status %d", pr.Status)
			}
		})
	}
	logs := env.Logs()
	if n := strings.Count(logs, `"level":"ERROR","msg":"request","request_id"`); n < len(cases) {
		t.Errorf("%d requests logged at ERROR, want %d:\n%s", n, len(cases), logs)
	}
	// The database comes back before the service stops, so that its jobs can drain: a job
	// caught by the outage otherwise holds the stop until the grace period ends.
	p.start(t)
}
