package faults_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/store"
)

// TestSIGTERMUnderLoad sends the service's process SIGTERM while a large roster is being
// written and members' progress is read and their activities written: the roster and every
// request in flight complete, later ones are refused (the connection, or 503), the process
// exits 0 within the grace period, and every write answered is stored, no other.
func TestSIGTERMUnderLoad(t *testing.T) {
	const grace = 10 * time.Second
	env := serviceEnv(t, map[string]string{childEnv: "serve", "RECERT_SHUTDOWN_GRACE": grace.String()})
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	s := &service{url: waitForBanner(t, logs, done), logs: logs, dataDir: env["RECERT_DATA_DIR"]}
	s.token = s.signIn(t)
	w := newWorld(t, s, 2)
	ids := members(t, s, w.events[0], 100000, 4)

	ctx, stop := context.WithCancel(context.Background())
	wait := load(ctx, len(ids), readsAndWrites(s, ids))
	const rows = 3000
	rosterDone := make(chan result, 1)
	sent := &sentReader{Reader: strings.NewReader(roster(200000, rows)), done: make(chan struct{})}
	go func() {
		rosterDone <- s.send(http.MethodPost, "/v1/events/"+w.events[1]+"/attendance", "application/json", sent)
	}()
	<-sent.done // the handler asked for the body (100 Continue): the roster is in flight
	signalled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var exit error
	select {
	case exit = <-done:
	case <-time.After(grace + 5*time.Second):
		t.Fatalf("the process did not exit %v after SIGTERM:\n%s", grace+5*time.Second, logs)
	}
	exited := time.Now()
	time.Sleep(300 * time.Millisecond) // requests to a process that is gone
	stop()
	samples := wait()
	r := <-rosterDone

	if exit != nil || exited.Sub(signalled) > grace {
		t.Errorf("the process exited with %v after %v; want 0 within %v", exit, exited.Sub(signalled), grace)
	}
	if r.err != nil || r.status != http.StatusOK {
		t.Errorf("the roster in flight: %v", r)
	}
	if r.finished.Before(signalled) {
		t.Errorf("the roster finished %v before SIGTERM: it tested nothing", signalled.Sub(r.finished))
	}
	var refused, afterwards int
	for _, x := range samples {
		switch {
		case x.err == nil && (x.status/100 == 2 || x.status == http.StatusServiceUnavailable && x.retryAfter != ""):
		// Refused; reset, when the closed listener drops connections it had not accepted; or
		// closed unanswered (EOF), when net/http reads a request once shutting down and does
		// not run it. Every stored write was answered (below): none of these ran.
		case x.err != nil && x.finished.After(signalled) &&
			(errors.Is(x.err, syscall.ECONNREFUSED) || errors.Is(x.err, syscall.ECONNRESET) || errors.Is(x.err, io.EOF)):
			refused++
		default:
			t.Errorf("%s sent %v after SIGTERM: %v", x.what, x.sent.Sub(signalled).Round(time.Millisecond), x.result)
		}
		if x.sent.After(exited) {
			afterwards++
		}
	}
	if refused == 0 || afterwards == 0 {
		t.Errorf("%d requests refused, %d sent after the exit; want some of each:%s", refused, afterwards, tally(samples))
	}

	created := createdIDs(t, samples)
	var activities, attendance int64
	s.sql(t, &activities, "SELECT count(*) FROM activities")
	s.sql(t, &attendance, "SELECT count(*) FROM attendance WHERE event_id = ?", w.events[1])
	if activities != int64(len(created)) || attendance != rows {
		t.Errorf("stored %d activities and %d attendance rows; want the %d answered 201 and the roster's %d", activities, attendance, len(created), rows)
	}
	t.Logf("%d requests, SIGTERM to exit %v, roster %v, of which %v after SIGTERM:%s", len(samples), exited.Sub(signalled).Round(time.Millisecond),
		r.took.Round(time.Millisecond), r.finished.Sub(signalled).Round(time.Millisecond), tally(samples))
}

// TestSQLiteConcurrentWriters has many clients write at once to the embedded SQLite:
// activities and rosters, several to the same member or event. No client sees the
// database busy or locked: every answer is a success, and every write is stored.
func TestSQLiteConcurrentWriters(t *testing.T) {
	s := startService(t, serviceEnv(t, nil))
	w := newWorld(t, s, 3)
	ids := members(t, s, w.events[0], 100000, 8)

	const clients, writes, rosterRows = 16, 8, 20
	results := make([][]result, clients)
	rostersSent := make([]int, len(w.events))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range writes {
				var r result
				if n%4 == 3 {
					ev := (c + n) % len(w.events)
					r = s.do(context.Background(), http.MethodPost, "/v1/events/"+w.events[ev]+"/attendance", s.token,
						"application/json", roster(200000+(c*writes+n)*rosterRows, rosterRows))
					if r.status == http.StatusOK {
						mu.Lock()
						rostersSent[ev]++
						mu.Unlock()
					}
				} else {
					r = s.do(context.Background(), http.MethodPost, "/v1/members/"+ids[(c+n)%len(ids)]+"/activities", s.token,
						"application/json", activity(c*writes+n))
				}
				results[c] = append(results[c], r)
			}
		}()
	}
	wg.Wait()
	var samples []sample
	for c, rs := range results {
		for n, r := range rs {
			if r.err != nil || r.status/100 != 2 {
				t.Errorf("client %d, write %d: %v", c, n, r)
			}
			samples = append(samples, sample{what: "write", result: r})
		}
	}

	created := createdIDs(t, samples)
	var activities int64
	s.sql(t, &activities, "SELECT count(*) FROM activities")
	if activities != int64(len(created)) {
		t.Errorf("%d activities stored, %d answered 201", activities, len(created))
	}
	for i, ev := range w.events {
		want := rostersSent[i] * rosterRows
		if i == 0 {
			want += len(ids)
		}
		var n int64
		s.sql(t, &n, "SELECT count(*) FROM attendance WHERE event_id = ?", ev)
		if n != int64(want) {
			t.Errorf("event %d: %d attendance rows stored, want %d", i, n, want)
		}
	}
	t.Logf("%d writes:%s", len(samples), tally(samples))
}

// sql reads the service's SQLite database directly, as a second connection of its own.
func (s *service) sql(t *testing.T, out *int64, query string, args ...any) {
	t.Helper()
	if s.dataDir == "" {
		t.Fatal("not an SQLite service")
	}
	st, err := store.OpenSQLite(filepath.Join(s.dataDir, "recert.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DB().Raw(query, args...).Scan(out).Error; err != nil {
		t.Fatal(fmt.Errorf("%s: %w", query, err))
	}
}

// sentReader is a request body that says when it has all been read.
type sentReader struct {
	io.Reader
	done chan struct{}
	once sync.Once
}

func (r *sentReader) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	if err == io.EOF {
		r.once.Do(func() { close(r.done) })
	}
	return n, err
}
