package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/httpapi"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// emptyPostgres creates an empty database for the test and returns its URL.
func emptyPostgres(t *testing.T) string {
	t.Helper()
	admin := os.Getenv(dbtest.EnvURL)
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set", dbtest.EnvURL)
		}
		t.Skipf("%s is not set", dbtest.EnvURL)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := strings.ToLower(recert.NewID("instances"))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			_ = c.Close(context.Background())
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// instance is one running copy of the service.
type instance struct{ url string }

// startInstance does what a starting replica does: migrate, create the first
// administrator if there is none, and serve.
func startInstance(t *testing.T, dbURL, keyFile string) (*instance, error) {
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.OpenPostgres(dbURL)
	if err != nil {
		cancel()
		return nil, err
	}
	cfg := testConfig(t)
	cfg.SigningKeyFile, cfg.AdminEmail, cfg.AdminPassword = keyFile, "admin@example.org", "the registry's own passphrase"
	log := slog.New(slog.DiscardHandler)
	if err := st.Migrate(ctx); err != nil {
		cancel()
		return nil, err
	}
	if err := bootstrapAdmin(ctx, cfg, st, cheap, log); err != nil {
		cancel()
		return nil, err
	}
	srv, err := NewServer(ctx, cfg, st, log, WithPasswordParams(cheap),
		WithRateLimits(httpapi.RateLimit{PerMinute: 1, Burst: 3}, httpapi.RateLimit{PerMinute: 600, Burst: 600}))
	if err != nil {
		cancel()
		return nil, err
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = st.Close()
	})
	return &instance{url: "http://" + ln.Addr().String()}, nil
}

func do(t *testing.T, method, u, token, ctype, body string, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// TestTwoInstances runs two replicas on one PostgreSQL database, started at once: they
// migrate and create the first administrator once, accept each other's tokens, apply one
// Idempotency-Key once, and share the sign-in limits.
func TestTwoInstances(t *testing.T) {
	dbURL := emptyPostgres(t)
	keyFile := t.TempDir() + "/signing-key.pem"
	// Replicas share one signing key, as a deployment gives each the same RECERT_SIGNING_KEY.
	if _, err := auth.LoadOrCreateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	insts := make([]*instance, 2)
	errs := make([]error, 2)
	for i := range insts {
		wg.Add(1)
		go func() { defer wg.Done(); insts[i], errs[i] = startInstance(t, dbURL, keyFile) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	a, b := insts[0], insts[1]

	status, _, body := do(t, http.MethodPost, a.url+"/v1/auth/token", "", "application/x-www-form-urlencoded",
		url.Values{"grant_type": {"password"}, "username": {"admin@example.org"}, "password": {"the registry's own passphrase"}}.Encode())
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("sign in on A: %d %s", status, body)
	}
	if status, _, body := do(t, http.MethodGet, b.url+"/v1/me", tok.AccessToken, "", ""); status != 200 {
		t.Fatalf("A's token on B: %d %s", status, body)
	}
	if status, _, body := do(t, http.MethodGet, a.url+"/v1/users", tok.AccessToken, "", ""); status != 200 || strings.Count(string(body), `"role":"admin"`) != 1 {
		t.Errorf("administrators: %d %s", status, body)
	}

	t.Run("one Idempotency-Key sent to both at once applies once", func(t *testing.T) {
		var org, ev struct{ ID string }
		_, _, body := do(t, http.MethodPost, a.url+"/v1/organizations", tok.AccessToken, "application/json", `{"name":"Two Replicas Society","code":"TWO"}`)
		_ = json.Unmarshal(body, &org)
		_, _, body = do(t, http.MethodPost, a.url+"/v1/organizations/"+org.ID+"/events", tok.AccessToken, "application/json",
			`{"title":"Meeting","format":"in_person","time_zone":"America/Chicago","start_date":"2026-04-17","end_date":"2026-04-17","category":"I",
			"sessions":[{"title":"A","date":"2026-04-17","ceus":"1.00"}]}`)
		_ = json.Unmarshal(body, &ev)
		if s, _, b := do(t, http.MethodPost, a.url+"/v1/events/"+ev.ID+"/publish", tok.AccessToken, "", ""); s != 200 {
			t.Fatalf("publish: %d %s", s, b)
		}
		var rows strings.Builder
		rows.WriteString("abcp_id,name\n")
		for i := range 300 {
			fmt.Fprintf(&rows, "%06d,Attendee %d\n", 300000+i, i)
		}
		statuses := make([]int, 2)
		bodies := make([][]byte, 2)
		var wg sync.WaitGroup
		for i, inst := range []*instance{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i], _, bodies[i] = do(t, http.MethodPost, inst.url+"/v1/events/"+ev.ID+"/attendance", tok.AccessToken, "text/csv",
					rows.String(), "Idempotency-Key", "two-replicas-1")
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != 200 && s != 409 {
				t.Errorf("instance %d: %d %s", i, s, bodies[i])
			}
		}
		_, _, list := do(t, http.MethodGet, b.url+"/v1/events/"+ev.ID+"/postings", tok.AccessToken, "", "")
		if n := strings.Count(string(list), `"id":"pst_`); n != 1 {
			t.Errorf("postings: %d %s", n, list)
		}
		if strings.Count(string(bodies[0])+string(bodies[1]), `"created":300`) < 1 {
			t.Errorf("results: %s / %s", bodies[0], bodies[1])
		}
	})

	t.Run("a write on one instance changes progress cached on the other", func(t *testing.T) {
		var org, ev, m struct{ ID string }
		_, _, body := do(t, http.MethodPost, a.url+"/v1/organizations", tok.AccessToken, "application/json", `{"name":"Cache Society","code":"CACHE"}`)
		_ = json.Unmarshal(body, &org)
		_, _, body = do(t, http.MethodPost, a.url+"/v1/organizations/"+org.ID+"/events", tok.AccessToken, "application/json",
			`{"title":"Cache Meeting","format":"in_person","time_zone":"America/Chicago","start_date":"2026-05-01","end_date":"2026-05-01","category":"I",
			"sessions":[{"title":"A","date":"2026-05-01","ceus":"2.00"}]}`)
		_ = json.Unmarshal(body, &ev)
		_, _, body = do(t, http.MethodPost, a.url+"/v1/members", tok.AccessToken, "application/json",
			`{"name":"Cached Member","abcp_id":"455001","abcp_cycle":1,"certification_date":"2024-03-01"}`)
		if err := json.Unmarshal(body, &m); err != nil || m.ID == "" {
			t.Fatalf("member: %s", body)
		}
		progress := func() string {
			t.Helper()
			s, _, body := do(t, http.MethodGet, b.url+"/v1/members/"+m.ID+"/progress?as_of=2026-06-01", tok.AccessToken, "", "")
			if s != 200 {
				t.Fatalf("progress on B: %d %s", s, body)
			}
			return string(body)
		}
		before := progress()
		if again := progress(); again != before {
			t.Fatalf("the same question twice, nothing written, two answers:\n%s\n%s", before, again)
		}
		if s, _, b := do(t, http.MethodPost, a.url+"/v1/events/"+ev.ID+"/publish", tok.AccessToken, "", ""); s != 200 {
			t.Fatalf("publish: %d %s", s, b)
		}
		if s, _, b := do(t, http.MethodPost, a.url+"/v1/events/"+ev.ID+"/attendance", tok.AccessToken, "text/csv",
			"abcp_id,name\n455001,Cached Member\n", "Idempotency-Key", "cache-1"); s != 200 {
			t.Fatalf("roster on A: %d %s", s, b)
		}
		if after := progress(); after == before || !strings.Contains(after, `"counted":"2.00"`) {
			t.Errorf("B still answers as before the roster posted on A:\n%s", after)
		}
	})

	t.Run("sign-in limits hold across instances", func(t *testing.T) {
		var got []int
		for i := range 5 {
			inst := []*instance{a, b}[i%2]
			s, _, _ := do(t, http.MethodPost, inst.url+"/v1/auth/token", "", "application/x-www-form-urlencoded",
				url.Values{"grant_type": {"password"}, "username": {"nobody@example.org"}, "password": {"wrong"}}.Encode())
			got = append(got, s)
		}
		// The burst of 3 was spent by the first sign-in and two of these, whichever instance took them.
		if got[len(got)-1] != http.StatusTooManyRequests {
			t.Errorf("statuses across A and B: %v", got)
		}
	})
}
