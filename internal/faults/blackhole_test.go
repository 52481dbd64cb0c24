package faults_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blackhole is a TCP proxy to a database that can stop answering without refusing: in
// blackhole mode it still accepts connections, and holds every byte either side sends until
// the blackhole lifts, as TCP does when the database's host hangs or its network drops
// packets for a while (the peers' kernels keep the bytes and deliver them later). The
// service's connections stay open and silent; only its own timeouts can end its waits.
type blackhole struct {
	ln     net.Listener
	target string
	on     atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

// newBlackhole proxies a listener on 127.0.0.1 to target (host:port) until the test ends.
func newBlackhole(t *testing.T, target string) *blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln, target: target}
	go b.accept()
	t.Cleanup(b.close)
	return b
}

// url is dbURL with its host and port replaced by the proxy's.
func (b *blackhole) url(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = b.ln.Addr().String()
	return u.String()
}

func (b *blackhole) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", b.target)
		if err != nil {
			c.Close()
			continue
		}
		b.mu.Lock()
		b.conns = append(b.conns, c, up)
		b.mu.Unlock()
		go b.copy(up, c)
		go b.copy(c, up)
	}
}

// copy moves bytes from src to dst, holding them while the blackhole is on.
func (b *blackhole) copy(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for b.on.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (b *blackhole) close() {
	b.ln.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Close()
	}
}

// TestPostgresBlackholeUnderLoad makes the database accept connections but never answer
// while members' progress is read, their activities written and the administrator signs in:
// every request answers within the request timeout (and a little slack), with 503 and
// Retry-After while the database is silent, and the service recovers within two seconds of
// the database answering again. It logs the figures: the longest wait, and how long after
// the database came back the last failure was sent.
func TestPostgresBlackholeUnderLoad(t *testing.T) {
	admin, _ := faultCluster(t)
	dbURL := newDatabase(t, admin)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newBlackhole(t, u.Host)
	s := startService(t, serviceEnv(t, map[string]string{"RECERT_DATABASE_URL": proxy.url(t, dbURL), "RECERT_REQUEST_TIMEOUT": requestTimeout.String()}))
	w := newWorld(t, s, 1)
	ids := members(t, s, w.events[0], 400000, 24) // more clients than the pool's 20 connections

	const outage, recovery, after = 3 * requestTimeout, 2 * time.Second, 4 * time.Second
	ctx, stop := context.WithCancel(context.Background())
	rw := readsAndWrites(s, ids)
	signIns := signInEvery(s, 1500*time.Millisecond)
	wait := load(ctx, len(ids)+1, func(worker, n int) (string, result) {
		if worker == len(ids) {
			return signIns(ctx)
		}
		return rw(worker, n)
	})
	time.Sleep(time.Second)
	proxy.on.Store(true)
	down := time.Now()
	time.Sleep(outage)
	proxy.on.Store(false)
	up := time.Now()
	time.Sleep(recovery + after)
	stop()
	samples := wait()

	var longest time.Duration
	var unavailable, succeededAfter, failedAfter int
	var lastFailure time.Duration     // after up, when the last failed request was sent
	var lastFailed time.Duration      // after up, when the last failure was answered (sent before up)
	firstSuccess := time.Duration(-1) // after up, when the first success was answered
	for _, x := range samples {
		ok := x.err == nil && (x.status == http.StatusOK || x.status == http.StatusCreated)
		longest = max(longest, x.took)
		if d := x.finished.Sub(up); d > 0 && ok && (firstSuccess < 0 || d < firstSuccess) {
			firstSuccess = d
		}
		if d := x.finished.Sub(up); d > 0 && !ok {
			lastFailed = max(lastFailed, d)
		}
		if x.err != nil || x.took > requestTimeout+slack {
			t.Errorf("%s sent %v into the outage: %v", x.what, x.sent.Sub(down).Round(time.Millisecond), x.result)
			continue
		}
		if x.sent.After(up) {
			if ok {
				succeededAfter++
			} else {
				failedAfter++
				lastFailure = max(lastFailure, x.sent.Sub(up))
				if x.sent.After(up.Add(recovery)) {
					t.Errorf("%s sent %v after the database answered again: %v", x.what, x.sent.Sub(up).Round(time.Millisecond), x.result)
				}
			}
		}
		switch {
		case ok:
		case x.status == http.StatusServiceUnavailable && x.retryAfter != "":
			unavailable++
		default:
			t.Errorf("%s sent %v into the outage: %v; want a success or 503 with Retry-After", x.what, x.sent.Sub(down).Round(time.Millisecond), x.result)
		}
	}
	if firstSuccess < 0 || firstSuccess > recovery {
		t.Errorf("the first success came %v after the database answered again; want one within %v", firstSuccess, recovery)
	}
	if unavailable == 0 || succeededAfter < 10 {
		t.Errorf("%d answers 503 during the outage, %d succeeded after it; want some of each:%s", unavailable, succeededAfter, tally(samples))
	}
	created := createdIDs(t, samples)
	conn := connect(t, dbURL)
	if n := count(t, conn, "SELECT count(*) FROM activities WHERE id = ANY($1)", created); n != len(created) {
		t.Errorf("%d of the %d activities answered 201 are stored", n, len(created))
	}
	t.Logf("blackhole of %v under %d concurrent clients: %d requests, longest answer %v (request timeout %v), "+
		"p99 of those sent during the outage %v, %d answered 503 with Retry-After; after the database answered again: "+
		"the first success %v later, the last failure answered %v later (a request waiting since the outage), "+
		"of the requests sent after it %d answered 2xx and %d did not (the last of those sent %v after it):%s",
		outage, len(ids)+1, len(samples), longest.Round(time.Millisecond), requestTimeout,
		p99(samples, down, up).Round(time.Millisecond), unavailable,
		firstSuccess.Round(time.Millisecond), lastFailed.Round(time.Millisecond),
		succeededAfter, failedAfter, lastFailure.Round(time.Millisecond), tally(samples))
}

// signInEvery returns a sender of password sign-ins, one every interval at most (more would
// meet the per-account limit, 429, which is not what this test is about).
func signInEvery(s *service, interval time.Duration) func(ctx context.Context) (string, result) {
	next := time.Now()
	return func(ctx context.Context) (string, result) {
		select {
		case <-time.After(time.Until(next)):
		case <-ctx.Done():
		}
		next = time.Now().Add(interval)
		form := url.Values{"grant_type": {"password"}, "username": {adminEmail}, "password": {adminPassword}}
		return "POST token", s.do(context.Background(), http.MethodPost, "/v1/auth/token", "", "application/x-www-form-urlencoded", form.Encode())
	}
}

// p99 is the 99th percentile of the time taken by the requests sent between from and to.
func p99(samples []sample, from, to time.Time) time.Duration {
	var took []time.Duration
	for _, x := range samples {
		if !x.sent.Before(from) && x.sent.Before(to) {
			took = append(took, x.took)
		}
	}
	if len(took) == 0 {
		return 0
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	return took[len(took)*99/100]
}
