package faults_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"
)

// requestTimeout is the services' RECERT_REQUEST_TIMEOUT here: short, so that the tests
// waiting on it stay short, and long enough for a sign-in's password hash on a busy machine.
const requestTimeout = 4 * time.Second

// slack is how late past the request timeout an answer may come on a busy machine.
const slack = 2 * time.Second

// TestPostgresRestartUnderLoad restarts the cluster while members' progress is read and
// their activities written: during the outage every answer is 503 with Retry-After, none is
// a 500 or waits past the request timeout; once the server is back every request succeeds,
// and every write answered 201 is stored.
func TestPostgresRestartUnderLoad(t *testing.T) {
	admin, pgctl := faultCluster(t)
	dbURL := newDatabase(t, admin)
	s := startService(t, serviceEnv(t, map[string]string{"RECERT_DATABASE_URL": dbURL, "RECERT_REQUEST_TIMEOUT": requestTimeout.String()}))
	w := newWorld(t, s, 1)
	ids := members(t, s, w.events[0], 100000, 6)

	ctx, stop := context.WithCancel(context.Background())
	wait := load(ctx, len(ids), readsAndWrites(s, ids))
	time.Sleep(time.Second)
	pgctl("stop", "-m", "fast")
	time.Sleep(1500 * time.Millisecond)
	pgctl("start")
	up := time.Now()
	time.Sleep(2 * time.Second)
	stop()
	samples := wait()

	var unavailable, after int
	for _, x := range samples {
		ok := x.err == nil && (x.status == http.StatusOK || x.status == http.StatusCreated)
		switch {
		case x.err != nil || x.took > requestTimeout+slack:
			t.Errorf("%s: %v", x.what, x.result)
		case x.sent.After(up) && !ok:
			t.Errorf("%s after the restart: %v", x.what, x.result)
		case x.status == http.StatusServiceUnavailable && x.retryAfter != "":
			unavailable++
		case !ok:
			t.Errorf("%s during the outage: %v", x.what, x.result)
		}
		if x.sent.After(up) && ok {
			after++
		}
	}
	if unavailable == 0 || after < 10 {
		t.Errorf("%d answers 503 during the outage, %d succeeded after it; want some of each:%s", unavailable, after, tally(samples))
	}
	created := createdIDs(t, samples)
	conn := connect(t, dbURL)
	if n := count(t, conn, "SELECT count(*) FROM activities WHERE id = ANY($1)", created); n != len(created) {
		t.Errorf("%d of the %d activities answered 201 are stored", n, len(created))
	}
	t.Logf("%d requests:%s", len(samples), tally(samples))
}

// TestPostgresBackendKilledMidRoster terminates the PostgreSQL backend writing a large
// roster: the request answers 503, nothing of the roster is stored, and the same
// Idempotency-Key then posts it once, and replays it after.
func TestPostgresBackendKilledMidRoster(t *testing.T) {
	admin, _ := faultCluster(t)
	dbURL := newDatabase(t, admin)
	s := startService(t, serviceEnv(t, map[string]string{"RECERT_DATABASE_URL": dbURL}))
	w := newWorld(t, s, 1)
	event := w.events[0]
	// The most a roster takes, so that its transaction outlasts the watcher's 100 ms by far:
	// with 3,000 rows on a fast disk it could commit as the backend was being terminated.
	const rows = 10000
	body := roster(200000, rows)
	post := func() result {
		return s.do(context.Background(), http.MethodPost, "/v1/events/"+event+"/attendance", s.token, "application/json", body,
			"Idempotency-Key", "roster-killed-mid-way")
	}

	watch := connect(t, admin)
	var killed int
	posted := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// The writer is the backend of the test's database in a transaction that has written
		// for a while, and not the job runner's.
		for {
			select {
			case <-posted:
				return
			case <-time.After(10 * time.Millisecond):
			}
			err := watch.QueryRow(context.Background(), `
				SELECT pid FROM pg_stat_activity
				WHERE datname = $1 AND backend_xid IS NOT NULL AND now() - xact_start > interval '100 milliseconds'
				  AND query NOT ILIKE '%river%'
				ORDER BY xact_start LIMIT 1`, dbName(dbURL)).Scan(&killed)
			if err == nil {
				_, _ = watch.Exec(context.Background(), "SELECT pg_terminate_backend($1)", killed)
				return
			}
			killed = 0
		}
	}()
	first := post()
	close(posted)
	wg.Wait()
	if killed == 0 {
		t.Fatalf("no backend was seen writing the roster (it answered %v)", first)
	}
	if first.status != http.StatusServiceUnavailable || first.retryAfter == "" {
		t.Fatalf("the roster whose backend was killed: %v; want 503 with Retry-After", first)
	}

	conn := connect(t, dbURL)
	stored := func() (attendance, members, postings, keys int) {
		return count(t, conn, "SELECT count(*) FROM attendance WHERE event_id = $1", event),
			count(t, conn, "SELECT count(*) FROM members WHERE abcp_id BETWEEN '200000' AND '299999'"),
			count(t, conn, "SELECT count(*) FROM roster_postings WHERE event_id = $1", event),
			count(t, conn, `SELECT count(*) FROM idempotency_keys WHERE "key" = 'roster-killed-mid-way'`)
	}
	if a, m, p, k := stored(); a+m+p+k != 0 {
		t.Fatalf("after the kill: %d attendance, %d members, %d postings, %d idempotency keys stored; want none", a, m, p, k)
	}

	again := post()
	var res struct {
		Totals struct {
			Created        int `json:"created"`
			MembersCreated int `json:"members_created"`
		} `json:"totals"`
	}
	if again.status != http.StatusOK || json.Unmarshal(again.body, &res) != nil || res.Totals.Created != rows || res.Totals.MembersCreated != rows {
		t.Fatalf("the same key again: %v", again)
	}
	replay := post()
	if replay.status != http.StatusOK || replay.header.Get("Idempotent-Replayed") != "true" || string(replay.body) != string(again.body) {
		t.Errorf("the same key a third time: %v (Idempotent-Replayed %q)", replay, replay.header.Get("Idempotent-Replayed"))
	}
	if a, m, p, k := stored(); a != rows || m != rows || p != 1 || k != 1 {
		t.Errorf("after the retries: %d attendance, %d members, %d postings, %d idempotency keys; want %d, %d, 1, 1", a, m, p, k, rows, rows)
	}
}

// TestPostgresPoolExhausted holds a lock the members' reads wait on, and sends more of them
// than the pool has connections: the pool's every connection waits on the lock and answers
// 503 with Retry-After at the request timeout; the other requests wait for a connection for
// the pool acquire budget (half the time they have left) and answer 503 with Retry-After
// then; once the lock is released every request succeeds.
func TestPostgresPoolExhausted(t *testing.T) {
	admin, _ := faultCluster(t)
	dbURL := newDatabase(t, admin)
	s := startService(t, serviceEnv(t, map[string]string{"RECERT_DATABASE_URL": dbURL, "RECERT_REQUEST_TIMEOUT": requestTimeout.String()}))
	w := newWorld(t, s, 1)
	ids := members(t, s, w.events[0], 300000, 1)

	ctx := context.Background()
	conn := connect(t, dbURL)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE members IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	const pool, readers = 20, 30 // the store's connections, and more requests than that
	read := func() []result {
		results := make([]result, readers)
		var wg sync.WaitGroup
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = s.do(ctx, http.MethodGet, "/v1/members/"+ids[0], s.token, "", "")
			}()
		}
		wg.Wait()
		return results
	}
	watch := connect(t, admin)
	waiting := make(chan int, 1)
	go func() {
		most := 0
		for end := time.Now().Add(requestTimeout * 3 / 4); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			var n int
			_ = watch.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", dbName(dbURL)).Scan(&n)
			most = max(most, n)
		}
		waiting <- most
	}()
	var atDeadline, atAcquire int
	for i, r := range read() {
		if r.err != nil || r.status != http.StatusServiceUnavailable || r.retryAfter == "" ||
			r.took < requestTimeout/2-slack/4 || r.took > requestTimeout+slack {
			t.Errorf("request %d with the pool exhausted: %v; want 503 with Retry-After between %v and %v", i, r, requestTimeout/2, requestTimeout)
			continue
		}
		if r.took >= requestTimeout*3/4 {
			atDeadline++
		} else {
			atAcquire++
		}
	}
	if atDeadline != pool || atAcquire != readers-pool {
		t.Errorf("%d requests answered at the request timeout and %d at the acquire budget; want %d and %d", atDeadline, atAcquire, pool, readers-pool)
	}
	if n := <-waiting; n != pool {
		t.Errorf("%d connections waited on the lock at most; want the pool's %d", n, pool)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for i, r := range read() {
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("request %d after the lock was released: %v", i, r)
		}
	}
}
