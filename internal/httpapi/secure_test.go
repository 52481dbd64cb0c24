package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/app"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/httpapi"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// TestSecurityHeaders checks the headers on public, authenticated, documentation and error
// responses, Cache-Control on authenticated ones, and that CORS and HSTS are off by default.
func TestSecurityHeaders(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	admin := env.CreateUser(t, recert.User{Email: apitest.Email(t, "admin"), Role: recert.RoleAdmin})
	token := env.Login(t, admin.Email)
	cases := []struct {
		name, path, token, csp, cacheControl string
		status                               int
	}{
		{"public", "/healthz", "", "default-src 'none'", "", 200},
		{"authenticated", "/v1/organizations", token, "default-src 'none'", "no-store", 200},
		{"authenticated problem", "/v1/organizations/org_aaaaaaaaaaaaaaaaaaaaaaaa", token, "default-src 'none'", "no-store", 404},
		{"unknown path", "/nowhere", "", "default-src 'none'", "", 404},
		{"documentation", "/docs", "", "script-src 'self'", "", 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), "GET", env.URL+c.path, nil)
			req.Header.Set("Origin", "https://evil.example")
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			res, err := env.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			h := res.Header
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d", res.StatusCode, c.status)
			}
			want := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
				"Referrer-Policy": "no-referrer", "Cache-Control": c.cacheControl,
				"Strict-Transport-Security": "", "Access-Control-Allow-Origin": ""}
			for k, v := range want {
				if h.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, h.Get(k), v)
				}
			}
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, c.csp) {
				t.Errorf("Content-Security-Policy = %q, want frame-ancestors 'none' and %s", csp, c.csp)
			}
		})
	}
}

// TestHSTSAndCORSByConfiguration: with an https public URL HSTS is sent, and only the
// configured origins get CORS answers, preflight included.
func TestHSTSAndCORSByConfiguration(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite), app.Option(func(o *httpapi.Options) {
		o.HSTS, o.CORSOrigins = true, []string{"https://app.example.org"}
	}))
	for _, c := range []struct{ origin, want string }{
		{"https://app.example.org", "https://app.example.org"},
		{"https://evil.example", ""},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), "OPTIONS", env.URL+"/v1/organizations", nil)
		req.Header.Set("Origin", c.origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		res, err := http.DefaultClient.Do(req) // a preflight is outside the contract
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != c.want {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin %q, want %q", c.origin, got, c.want)
		}
		if c.want != "" && (res.StatusCode != http.StatusNoContent || !strings.Contains(strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), "authorization")) {
			t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", env.URL+"/healthz", nil)
	req.Header.Set("Origin", "https://app.example.org")
	res, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.org" || !strings.HasPrefix(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("headers %v", res.Header)
	}
}

// TestLargeHeadersAreAProblem: headers over the API's limit get a 431 problem, not the HTTP
// server's plain-text refusal.
func TestLargeHeadersAreAProblem(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	req, _ := http.NewRequestWithContext(t.Context(), "GET", env.URL+"/healthz", nil)
	req.Header.Set("X-Padding", strings.Repeat("a", httpapi.MaxHeaderBytes))
	res, err := http.DefaultClient.Do(req) // 431 is not among /healthz's answers in the contract
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s, want a 431 problem", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if p := apitest.Problem(t, res); p.Status != http.StatusRequestHeaderFieldsTooLarge || p.RequestID == nil {
		t.Errorf("problem %+v", p)
	}
}

// TestCertificateIsRevalidated: a certificate may be kept privately and revalidated with
// its ETag; other personal answers are never stored.
func TestCertificateIsRevalidated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		env := apitest.Start(t, st)
		w := newWorld(t, env)
		get := func(ifNoneMatch string) *http.Response {
			req, _ := http.NewRequestWithContext(t.Context(), "GET", env.URL+"/v1/attendance/"+w.attendance.ID+"/certificate", nil)
			req.Header.Set("Authorization", "Bearer "+w.tokens["member"])
			if ifNoneMatch != "" {
				req.Header.Set("If-None-Match", ifNoneMatch)
			}
			res, err := env.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		first := get("")
		etag := first.Header.Get("ETag")
		if first.StatusCode != http.StatusOK || etag == "" || first.Header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("first: %d ETag %q Cache-Control %q", first.StatusCode, etag, first.Header.Get("Cache-Control"))
		}
		if again := get(etag); again.StatusCode != http.StatusNotModified || again.Header.Get("ETag") != etag {
			t.Errorf("with its ETag: %d %q, want 304", again.StatusCode, again.Header.Get("ETag"))
		}
		if other := get(`"something-else"`); other.StatusCode != http.StatusOK {
			t.Errorf("with another ETag: %d, want 200", other.StatusCode)
		}
		list, _ := env.Client.ListMemberAttendanceWithResponse(t.Context(), w.member.ID, nil, w.as("member"))
		if cc := list.HTTPResponse.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("attendance list Cache-Control %q, want no-store", cc)
		}
	})
}

// TestCallersRequestIDIsKeptOnlyWhenPlain: a caller's X-Request-Id is echoed only when it is
// a plain token; anything else is replaced by one of ours.
func TestCallersRequestIDIsKeptOnlyWhenPlain(t *testing.T) {
	env := apitest.Start(t, dbtest.New(t, store.SQLite))
	for in, keep := range map[string]bool{"trace-42.a:b_c": true, "two words": false, "\xff\xfe": false, strings.Repeat("a", 65): false} {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", env.URL+"/healthz", nil)
		req.Header.Set("X-Request-Id", in)
		res, err := env.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := res.Header.Get("X-Request-Id")
		if (got == in) != keep || got == "" {
			t.Errorf("X-Request-Id %q answered %q (keep %v)", in, got, keep)
		}
	}
}
