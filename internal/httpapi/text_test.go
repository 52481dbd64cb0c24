package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestBadTextIsRefusedAtTheEdge sends NUL characters and invalid UTF-8 in every place a
// request carries text, and bad cursors: each is a 400 problem pointing at the value, on
// both engines, and nothing is stored.
func TestBadTextIsRefusedAtTheEdge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		admin := env.CreateUser(t, recert.User{Email: apitest.Email(t, "admin"), Role: recert.RoleAdmin})
		token := env.Login(t, admin.Email)
		const form = "application/x-www-form-urlencoded"
		cursor := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		cases := []struct {
			name, method, target, contentType, body string
			header                                  [2]string
			location, pointer                       string
		}{
			{name: "NUL in a JSON string", method: "POST", target: "/v1/organizations", contentType: "application/json",
				body: `{"name":"a\u0000b","code":"NUL1"}`, location: "body", pointer: "#/name"},
			{name: "invalid UTF-8 in a JSON string", method: "POST", target: "/v1/organizations", contentType: "application/json",
				body: "{\"code\":\"BAD1\",\"name\":\"a\xffb\"}", location: "body", pointer: "#/name"},
			{name: "invalid UTF-8 in a JSON key", method: "POST", target: "/v1/organizations", contentType: "application/json",
				body: "{\"code\":\"BAD2\",\"name\":\"ok\",\"n\xff\":\"x\"}", location: "body", pointer: "#/n\uFFFD"},
			{name: "NUL in a query filter", method: "GET", target: "/v1/members?email=a%00b", location: "query", pointer: "#/email"},
			{name: "invalid UTF-8 in a query filter", method: "GET", target: "/v1/members?q=%ff", location: "query", pointer: "#/q"},
			{name: "NUL in a path parameter", method: "GET", target: "/v1/members/mem_%00", location: "path", pointer: "#/member_id"},
			{name: "invalid UTF-8 in a path parameter", method: "GET", target: "/v1/organizations/org_%ff%fe", location: "path", pointer: "#/organization_id"},
			{name: "NUL in a form field", method: "POST", target: "/v1/auth/token", contentType: form,
				body: "grant_type=password&username=a%00b&password=x", location: "body", pointer: "#/username"},
			{name: "invalid UTF-8 in a form field", method: "POST", target: "/v1/auth/token", contentType: form,
				body: "grant_type=client_credentials&client_id=%ff&client_secret=x", location: "body", pointer: "#/client_id"},
			{name: "invalid UTF-8 in a header value", method: "POST", target: "/v1/organizations", contentType: "application/json",
				body: `{"name":"Header","code":"HDR1"}`, header: [2]string{"Idempotency-Key", "k\xff"}, location: "header", pointer: "#/Idempotency-Key"},
			{name: "a cursor that is not base64", method: "GET", target: "/v1/organizations?cursor=a%21c", location: "query", pointer: "#/cursor"},
			{name: "a cursor this API never issued", method: "GET", target: "/v1/organizations?cursor=abc", location: "query", pointer: "#/cursor"},
			{name: "a cursor holding NUL", method: "GET", target: "/v1/users?cursor=" + cursor("usr_\x00"), location: "query", pointer: "#/cursor"},
			{name: "an event cursor with a bad id", method: "GET", target: "/v1/events?cursor=" + cursor("2026-01-01|x"), location: "query", pointer: "#/cursor"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				req, err := http.NewRequestWithContext(t.Context(), c.method, env.URL+c.target, strings.NewReader(c.body))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(c.target, "/v1/auth/") {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				if c.contentType != "" {
					req.Header.Set("Content-Type", c.contentType)
				}
				if c.header[0] != "" {
					req.Header.Set(c.header[0], c.header[1])
				}
				res, err := env.HTTP.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				if res.StatusCode != http.StatusBadRequest {
					t.Fatalf("status %d, want 400", res.StatusCode)
				}
				p := apitest.Problem(t, res)
				if len(p.Errors) == 0 || string(p.Errors[0].Location) != c.location || p.Errors[0].Pointer != c.pointer {
					t.Errorf("field errors %+v, want %s %s", p.Errors, c.location, c.pointer)
				}
			})
		}
		orgs, err := env.Client.ListOrganizationsWithResponse(t.Context(), nil, apitest.Bearer(token))
		if err != nil || orgs.JSON200 == nil || len(orgs.JSON200.Items) != 0 {
			t.Errorf("organizations stored from refused requests: %v %s", err, orgs.Body)
		}
	})
}
