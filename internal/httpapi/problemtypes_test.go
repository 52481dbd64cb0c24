package httpapi_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestProblemTypes checks problems name their type under the configured public URL, and
// that each type's page is served by the service, explains the problem and runs no script.
func TestProblemTypes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		const public = "https://recert.example.org"
		env := apitest.StartWith(t, st, func(c *config.Config) { c.PublicURL = public })
		admin := env.CreateUser(t, recert.User{Email: apitest.Email(t, "admin"), Role: recert.RoleAdmin})
		as := apitest.Bearer(env.Login(t, admin.Email))
		ctx := t.Context()

		answers := map[string]func() (*http.Response, error){
			"not-found": func() (*http.Response, error) {
				r, err := env.Client.GetMember(ctx, "mem_aaaaaaaaaaaaaaaaaaaaaaaa", nil, as)
				return r, err
			},
			"unauthorized": func() (*http.Response, error) { return env.Client.GetMe(ctx, nil) },
			"bad-request": func() (*http.Response, error) {
				return env.Client.ListMembers(ctx, &api.ListMembersParams{Limit: ptr(100000)}, as)
			},
			"method-not-allowed": func() (*http.Response, error) {
				req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, env.URL+"/v1/version", nil)
				return env.HTTP.Do(req)
			},
		}
		for slug, call := range answers {
			res, err := call()
			if err != nil {
				t.Fatal(err)
			}
			p := apitest.Problem(t, res)
			if want := public + "/problems/" + slug; p.Type != want {
				t.Errorf("%d problem: type %q, want %q", p.Status, p.Type, want)
			}
			page := get(t, env, p.Type)
			if !strings.Contains(page, "<h1>"+p.Title+"</h1>") || !strings.Contains(page, "What to do") {
				t.Errorf("%s: the page does not explain the problem:\n%s", p.Type, page)
			}
			if strings.Contains(strings.ToLower(page), "<script") {
				t.Errorf("%s: the page runs a script", p.Type)
			}
		}

		res, err := env.Client.GetProblemType(ctx, "no-such-problem")
		if err != nil {
			t.Fatal(err)
		}
		if p := apitest.Problem(t, res); p.Status != http.StatusNotFound || p.Type != public+"/problems/not-found" {
			t.Errorf("an unknown problem type answers %d %s, want 404 not-found", p.Status, p.Type)
		}
	})
}

// get fetches the path of an absolute URI from the service under test.
func get(t *testing.T, env *apitest.Env, uri string) string {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	res, err := env.HTTP.Get(env.URL + u.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", u.Path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	// The pages' style sheet loads; no script may run.
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "script-src") {
		t.Errorf("GET %s: Content-Security-Policy %q", u.Path, csp)
	}
	return string(body)
}
