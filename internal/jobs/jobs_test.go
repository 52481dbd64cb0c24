package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/jobs"
	"github.com/recert-dev/recert/internal/store"
)

type pingArgs struct {
	Name string `json:"name"`
}

func (pingArgs) Kind() string { return "test_ping" }

// pingWorker fails each job's first failures attempts, then records it.
type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	failures int
	mu       sync.Mutex
	attempts map[string]int
	done     chan string
}

func (w *pingWorker) Work(_ context.Context, j *river.Job[pingArgs]) error {
	w.mu.Lock()
	w.attempts[j.Args.Name]++
	n := w.attempts[j.Args.Name]
	w.mu.Unlock()
	if n <= w.failures {
		return errors.New("not yet")
	}
	w.done <- j.Args.Name
	return nil
}

// fastRetry retries after 10ms, so a test sees retries without waiting River's backoff.
type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(10 * time.Millisecond) }

func start(t *testing.T, st *store.Store, w *pingWorker) *jobs.Runner {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	r, err := jobs.New(st, jobs.Config{Workers: workers, PollInterval: 20 * time.Millisecond, RetryPolicy: fastRetry{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return r
}

func TestJobsCommitWithTheChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := &pingWorker{failures: 2, attempts: map[string]int{}, done: make(chan string, 10)}
		r := start(t, st, w)
		ctx := t.Context()
		rollback := errors.New("roll back")
		err := st.InTx(ctx, func(ctx context.Context) error {
			if err := r.Enqueue(ctx, pingArgs{Name: "rolled back"}, nil); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("InTx: %v", err)
		}
		if err := st.InTx(ctx, func(ctx context.Context) error {
			return r.Enqueue(ctx, pingArgs{Name: "committed"}, nil)
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case name := <-w.done:
			if name != "committed" {
				t.Fatalf("worked %q", name)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the committed job was not worked")
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.attempts["committed"] != 3 || w.attempts["rolled back"] != 0 {
			t.Errorf("attempts %v; want the committed job tried 3 times and the rolled-back one never", w.attempts)
		}
	})
}

type slowArgs struct{}

func (slowArgs) Kind() string { return "test_slow" }

// slowWorker takes a while, as a mail server might.
type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	started, finished chan struct{}
}

func (w *slowWorker) Work(ctx context.Context, _ *river.Job[slowArgs]) error {
	close(w.started)
	select {
	case <-time.After(300 * time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	close(w.finished)
	return nil
}

// Stopping drains: a job being worked finishes before Stop returns.
func TestStopDrainsRunningJobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := &slowWorker{started: make(chan struct{}), finished: make(chan struct{})}
		workers := river.NewWorkers()
		river.AddWorker(workers, w)
		r, err := jobs.New(st, jobs.Config{Workers: workers, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := r.Enqueue(t.Context(), slowArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		select {
		case <-w.started:
		case <-time.After(20 * time.Second):
			t.Fatal("the job never started")
		}
		if err := r.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-w.finished:
		default:
			t.Fatal("Stop returned before the running job finished")
		}
	})
}
