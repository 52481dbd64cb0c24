package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/recert-dev/recert/internal/app"
	"github.com/recert-dev/recert/internal/recert"
)

// childEnv, set to "serve", makes this test binary run the service instead of the tests, so
// that a test can send a real process SIGTERM without building the binary first.
const childEnv = "RECERT_FAULTS_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "serve" {
		if err := app.Run(context.Background(), []string{"recert", "serve"}, os.Getenv, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	adminEmail    = "admin@faults.example.org"
	adminPassword = "a registry under test"
)

// serviceEnv is the configuration every service under test starts with; extra adds to it.
func serviceEnv(t *testing.T, extra map[string]string) map[string]string {
	dir := t.TempDir()
	env := map[string]string{
		"RECERT_LISTEN_ADDR":      "127.0.0.1:0",
		"RECERT_ADMIN_ADDR":       "off",
		"RECERT_DATA_DIR":         dir,
		"RECERT_SIGNING_KEY_FILE": dir + "/signing-key.pem",
		"RECERT_ADMIN_EMAIL":      adminEmail,
		"RECERT_ADMIN_PASSWORD":   adminPassword,
		"RECERT_LOG_FORMAT":       "json",
		"RECERT_LOG_LEVEL":        "info", // the start line names the port
		"RECERT_SHUTDOWN_GRACE":   "10s",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// service is a running Recert and an administrator's token on it.
type service struct {
	url, token string
	logs       *syncBuffer
	dataDir    string // of its SQLite database, when it has no PostgreSQL one
}

// startService runs app.Run in this process until the test ends.
func startService(t *testing.T, env map[string]string) *service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, []string{"recert", "serve"}, func(k string) string { return env[k] }, logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the service stopped with %v", err)
		}
	})
	s := &service{url: waitForBanner(t, logs, done), logs: logs}
	if env["RECERT_DATABASE_URL"] == "" {
		s.dataDir = env["RECERT_DATA_DIR"]
	}
	s.token = s.signIn(t)
	return s
}

var banner = regexp.MustCompile(`the API is at (http://[^ "/]+)/v1/`)

// waitForBanner returns the service's base URL once its start line is logged.
func waitForBanner(t *testing.T, logs *syncBuffer, done <-chan error) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := banner.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("the service stopped: %v\n%s", err, logs)
		default:
		}
	}
	t.Fatalf("the service did not start:\n%s", logs)
	return ""
}

func (s *service) signIn(t *testing.T) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {adminEmail}, "password": {adminPassword}}
	r := s.do(context.Background(), http.MethodPost, "/v1/auth/token", "", "application/x-www-form-urlencoded", form.Encode())
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if r.err != nil || r.status != http.StatusOK || json.Unmarshal(r.body, &tok) != nil {
		t.Fatalf("sign in: %v %d %s", r.err, r.status, r.body)
	}
	return tok.AccessToken
}

// result is what one request got.
type result struct {
	status     int
	retryAfter string
	body       []byte
	err        error
	took       time.Duration
	finished   time.Time
	header     http.Header
}

func (r result) String() string {
	if r.err != nil {
		return fmt.Sprintf("error after %v: %v", r.took.Round(time.Millisecond), r.err)
	}
	return fmt.Sprintf("%d after %v (Retry-After %q): %.300s", r.status, r.took.Round(time.Millisecond), r.retryAfter, r.body)
}

// client sends every request on a connection of its own: a request never finds a
// connection the server closed while it was idle, so every error is the request's own.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true, ExpectContinueTimeout: 10 * time.Second}, Timeout: 30 * time.Second}

// do sends a request with token ("" for none), body of type ctype (when not empty) and
// headers (name, value, ...).
func (s *service) do(ctx context.Context, method, path, token, ctype, body string, headers ...string) result {
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, strings.NewReader(body))
	if err != nil {
		return result{err: err}
	}
	if body != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return roundTrip(req)
}

// send sends a body read from r as the administrator, once the server asks for it
// (Expect: 100-continue): when r is first read, the server is handling the request.
func (s *service) send(method, path, ctype string, r io.Reader) result {
	req, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		return result{err: err}
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Expect", "100-continue")
	return roundTrip(req)
}

func roundTrip(req *http.Request) result {
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return result{err: err, took: time.Since(start), finished: time.Now()}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return result{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: b, err: err,
		took: time.Since(start), finished: time.Now(), header: res.Header}
}

// call sends a JSON request as the administrator, wants a 2xx and decodes the answer into out.
func (s *service) call(t *testing.T, method, path string, in, out any) {
	t.Helper()
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			t.Fatal(err)
		}
	}
	r := s.do(context.Background(), method, path, s.token, "application/json", string(body))
	if r.err != nil || r.status/100 != 2 {
		t.Fatalf("%s %s: %v", method, path, r)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// world is what the tests write to: an organization and its published events.
type world struct {
	org    string
	events []string
}

// newWorld creates an organization and n published events of four sessions each.
func newWorld(t *testing.T, s *service, n int) *world {
	t.Helper()
	w := &world{}
	var org struct{ ID string }
	s.call(t, http.MethodPost, "/v1/organizations", map[string]any{"name": "Fault Perfusion Society", "code": "FAULT"}, &org)
	w.org = org.ID
	for i := range n {
		sessions := make([]map[string]any, 4)
		for j := range sessions {
			sessions[j] = map[string]any{"title": fmt.Sprintf("Session %d", j+1), "date": "2026-03-14", "ceus": "0.25"}
		}
		var ev struct{ ID string }
		s.call(t, http.MethodPost, "/v1/organizations/"+org.ID+"/events", map[string]any{"title": fmt.Sprintf("Meeting %d", i),
			"format": "in_person", "time_zone": "America/Chicago", "start_date": "2026-03-14", "end_date": "2026-03-14",
			"category": "I", "approval_ref": "ABCP-FAULT", "sessions": sessions}, &ev)
		s.call(t, http.MethodPost, "/v1/events/"+ev.ID+"/publish", nil, nil)
		w.events = append(w.events, ev.ID)
	}
	return w
}

// roster is a JSON roster of n new attendees numbered from first, at every session.
func roster(first, n int) string {
	rows := make([]map[string]any, n)
	for i := range rows {
		no := first + i
		rows[i] = map[string]any{"abcp_id": fmt.Sprintf("%06d", no), "name": fmt.Sprintf("Attendee %d", no),
			"email": fmt.Sprintf("attendee%d@faults.example.org", no), "sessions": []string{"S1", "S2", "S3", "S4"}}
	}
	b, _ := json.Marshal(map[string]any{"rows": rows})
	return string(b)
}

// members posts a roster of n new members to the event and returns their ids, each
// enrolled in ABCP so that their progress can be asked for.
func members(t *testing.T, s *service, event string, first, n int) []string {
	t.Helper()
	r := s.do(context.Background(), http.MethodPost, "/v1/events/"+event+"/attendance", s.token, "application/json", roster(first, n))
	var res struct {
		Rows []struct {
			Member struct{ ID string } `json:"member"`
		} `json:"rows"`
	}
	if r.err != nil || r.status != http.StatusOK || json.Unmarshal(r.body, &res) != nil || len(res.Rows) != n {
		t.Fatalf("roster of %d members: %v", n, r)
	}
	ids := make([]string, n)
	for i, row := range res.Rows {
		ids[i] = row.Member.ID
		s.call(t, http.MethodPatch, "/v1/members/"+ids[i], map[string]any{"abcp_cycle": 1 + i%3, "certification_date": "2012-10-01"}, nil)
	}
	return ids
}

// activity is a self-reported publication, a write that touches the member's ledger.
func activity(n int) string {
	return fmt.Sprintf(`{"type":"publication","date":"2026-02-01","ceus":"1.00","title":"Fault paper %d","citation":"J Extra Corpor Technol 58(%d)"}`, n, n)
}

// faultCluster is the private PostgreSQL cluster the tests may restart: a superuser URL on
// it, and a function running pg_ctl there.
func faultCluster(t *testing.T) (string, func(args ...string)) {
	t.Helper()
	admin, ctl := os.Getenv("RECERT_FAULT_PG_URL"), os.Getenv("RECERT_FAULT_PG_CTL")
	if admin == "" || ctl == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but RECERT_FAULT_PG_URL or RECERT_FAULT_PG_CTL is not set (.ci/run starts a private cluster)")
		}
		t.Skip("RECERT_FAULT_PG_URL and RECERT_FAULT_PG_CTL are not set: no private PostgreSQL cluster to restart")
	}
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command(ctl, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", ctl, strings.Join(args, " "), err, out)
		}
	}
	return admin, run
}

// newDatabase creates an empty database on the cluster for the test and returns its URL.
func newDatabase(t *testing.T, admin string) string {
	t.Helper()
	ctx := context.Background()
	name := strings.ToLower(recert.NewID("faults"))
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// connect opens a connection of the test's own to a database.
func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func count(t *testing.T, conn *pgx.Conn, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// syncBuffer collects what the service logs while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// isDeadline reports whether the client gave up waiting.
func isDeadline(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || strings.Contains(fmt.Sprint(err), "Client.Timeout")
}

// dbName is the database a PostgreSQL URL names.
func dbName(dbURL string) string {
	u, _ := url.Parse(dbURL)
	return strings.TrimPrefix(u.Path, "/")
}
