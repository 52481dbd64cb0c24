package faults_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestReadReplica runs the service with reads on a streaming replica of the fault cluster
// (RECERT_REPLICA_PG_URL, a superuser URL on it; RECERT_REPLICA_PG_CTL runs pg_ctl on it).
// With the replica's replay paused: a caller reads back their own write at once (from the
// primary), another caller does not see it (their reads are the replica's), unless they send
// the writer's Recert-Read-After; once replay resumes they see it. With the replica stopped,
// reads still succeed.
func TestReadReplica(t *testing.T) {
	replicaAdmin, replicaCtl := os.Getenv("RECERT_REPLICA_PG_URL"), os.Getenv("RECERT_REPLICA_PG_CTL")
	if replicaAdmin == "" || replicaCtl == "" {
		t.Skip("RECERT_REPLICA_PG_URL and RECERT_REPLICA_PG_CTL are not set: no read replica (.ci/run starts one)")
	}
	admin, _ := faultCluster(t)
	dbURL := newDatabase(t, admin)
	// The replica replays the whole cluster: the database appears there once replayed.
	readURL := onReplica(t, dbURL, replicaAdmin)
	replica := waitForDatabase(t, readURL)

	s := startService(t, serviceEnv(t, map[string]string{"RECERT_DATABASE_URL": dbURL, "RECERT_DATABASE_READ_URL": readURL}))
	a := s.token
	var b struct{ ID string }
	s.call(t, http.MethodPost, "/v1/users", map[string]any{"email": "second@faults.example.org", "name": "Second Registrar",
		"role": "admin", "password": "harbor lights over quiet water"}, &b)
	bToken := signInAs(t, s, "second@faults.example.org", "harbor lights over quiet water")
	waitForReplay(t, connect(t, dbURL), replica)

	exec1 := func(sql string) {
		t.Helper()
		if _, err := replica.Exec(context.Background(), sql); err != nil {
			t.Fatalf("%s on the replica: %v", sql, err)
		}
	}
	exec1("SELECT pg_wal_replay_pause()")
	t.Cleanup(func() { _, _ = replica.Exec(context.Background(), "SELECT pg_wal_replay_resume()") })

	created := s.do(context.Background(), http.MethodPost, "/v1/organizations", a, "application/json",
		`{"name": "Replica Perfusion Society", "code": "REPLICA"}`)
	var org struct{ ID string }
	if created.status != http.StatusCreated || json.Unmarshal(created.body, &org) != nil {
		t.Fatalf("create an organization: %v", created)
	}
	readAfter := created.header.Get("Recert-Read-After")
	if readAfter == "" {
		t.Errorf("the answer to a write has no Recert-Read-After header: %v", created.header)
	}
	get := func(token string, headers ...string) result {
		return s.do(context.Background(), http.MethodGet, "/v1/organizations/"+org.ID, token, "", "", headers...)
	}
	if r := get(a); r.status != http.StatusOK {
		t.Errorf("the writer reading their own write at once: %v; want 200 (from the primary)", r)
	}
	if r := get(bToken); r.status != http.StatusNotFound {
		t.Errorf("another caller, replay paused: %v; want 404 (the replica does not have it yet)", r)
	}
	if r := get(bToken, "Recert-Read-After", readAfter); r.status != http.StatusOK {
		t.Errorf("another caller sending Recert-Read-After %s: %v; want 200", readAfter, r)
	}

	exec1("SELECT pg_wal_replay_resume()")
	deadline := time.Now().Add(15 * time.Second)
	for r := get(bToken); r.status != http.StatusOK; r = get(bToken) {
		if time.Now().After(deadline) {
			t.Fatalf("another caller, replay resumed: %v; want 200", r)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The replica stops: reads go to the primary, writes and reads go on.
	out, err := exec.Command(replicaCtl, "stop", "-m", "fast").CombinedOutput()
	if err != nil {
		t.Fatalf("stop the replica: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(replicaCtl, "start").Run() })
	for i := range 3 {
		if r := get(bToken); r.status != http.StatusOK || r.took > 2*time.Second {
			t.Errorf("read %d with the replica stopped: %v; want 200 at once", i, r)
		}
		if r := s.do(context.Background(), http.MethodGet, "/v1/organizations", bToken, "", ""); r.status != http.StatusOK {
			t.Errorf("list %d with the replica stopped: %v; want 200", i, r)
		}
	}
	renamed := s.do(context.Background(), http.MethodPatch, "/v1/organizations/"+org.ID, a, "application/json", `{"name": "Primary Perfusion Society"}`)
	if renamed.status != http.StatusOK {
		t.Errorf("a write with the replica stopped: %v", renamed)
	}
	if r := get(a); r.status != http.StatusOK {
		t.Errorf("reading it back with the replica stopped: %v", r)
	}
}

// onReplica is dbURL's database on the replica.
func onReplica(t *testing.T, dbURL, replicaAdmin string) string {
	t.Helper()
	u, err := url.Parse(replicaAdmin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + dbName(dbURL)
	return u.String()
}

// waitForDatabase connects to a database on the replica once it is there.
func waitForDatabase(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		conn, err := pgx.Connect(context.Background(), dbURL)
		if err == nil {
			t.Cleanup(func() { _ = conn.Close(context.Background()) })
			return conn
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database did not appear on the replica: %v", err)
		}
	}
}

// waitForReplay waits until the replica has replayed everything the primary has written.
func waitForReplay(t *testing.T, primary, replica *pgx.Conn) {
	t.Helper()
	var lsn string
	if err := primary.QueryRow(context.Background(), "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var done bool
		err := replica.QueryRow(context.Background(), "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&done)
		if err == nil && done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not replay up to %s: %v", lsn, err)
		}
	}
}

// signInAs returns an access token for the account.
func signInAs(t *testing.T, s *service, email, password string) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {email}, "password": {password}}
	r := s.do(context.Background(), http.MethodPost, "/v1/auth/token", "", "application/x-www-form-urlencoded", form.Encode())
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &tok) != nil {
		t.Fatalf("sign in as %s: %v", email, r)
	}
	return tok.AccessToken
}
