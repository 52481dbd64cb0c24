// Package jobs runs Recert's durable background work on River, on either engine: jobs are
// inserted in the transaction of the change that causes them, worked after it commits,
// retried with backoff when they fail, and drained when the service stops.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// Store is the database the jobs live in; internal/store implements it.
type Store interface {
	// JobDriver is River's driver for the engine, and a func that releases what it holds.
	JobDriver() (riverdriver.Driver[*sql.Tx], func() error, error)
	// SQLTx is the transaction ctx's store calls run in, or nil outside one.
	SQLTx(ctx context.Context) *sql.Tx
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// Config tunes the runner.
type Config struct {
	Workers      *river.Workers
	Periodic     []*river.PeriodicJob
	MaxWorkers   int                     // jobs worked at once; default 4
	PollInterval time.Duration           // how often to look for new jobs; default 1s
	RetryPolicy  river.ClientRetryPolicy // nil: River's, attempt⁴ seconds apart with jitter
	Logger       *slog.Logger
}

// Runner inserts and works jobs.
type Runner struct {
	client  *river.Client[*sql.Tx]
	store   Store
	release func() error
	started bool
}

// New builds a runner over st; it works nothing until Start.
func New(st Store, cfg Config) (*Runner, error) {
	driver, release, err := st.JobDriver()
	if err != nil {
		return nil, err
	}
	if cfg.MaxWorkers == 0 {
		cfg.MaxWorkers = 4
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	client, err := river.NewClient(driver, &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}},
		Workers:           cfg.Workers,
		PeriodicJobs:      cfg.Periodic,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, river.FetchCooldownDefault),
		// A job whose worker stopped with the process (a crash, a kill) is worked again.
		RescueStuckJobsAfter: 5 * time.Minute,
		Logger:               cfg.Logger,
		RetryPolicy:          cfg.RetryPolicy,
	})
	if err != nil {
		_ = release()
		return nil, fmt.Errorf("job client: %w", err)
	}
	return &Runner{client: client, store: st, release: release}, nil
}

// Start begins working jobs in the background.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	r.started = true
	return nil
}

// Stop stops taking jobs and waits for those being worked to finish; when ctx ends first it
// cancels them (they are worked again after a restart). Then it releases the connections.
func (r *Runner) Stop(ctx context.Context) error {
	var err error
	if r.started {
		if err = r.client.Stop(ctx); errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = r.client.StopAndCancel(cctx)
			cancel()
		}
		r.started = false
	}
	return errors.Join(err, r.release())
}

// Enqueue inserts a job in the transaction of ctx, so it is worked only if that commits;
// outside a transaction it inserts it in one of its own.
func (r *Runner) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	tx := r.store.SQLTx(ctx)
	if tx == nil {
		return r.store.InTx(ctx, func(ctx context.Context) error { return r.Enqueue(ctx, args, opts) })
	}
	if _, err := r.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// EnqueueMany inserts jobs in the transaction of ctx in one statement (or a few), for changes
// that tell many people at once (a withdrawn roster).
func (r *Runner) EnqueueMany(ctx context.Context, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	tx := r.store.SQLTx(ctx)
	if tx == nil {
		return r.store.InTx(ctx, func(ctx context.Context) error { return r.EnqueueMany(ctx, jobs) })
	}
	if _, err := r.client.InsertManyTx(ctx, tx, jobs); err != nil {
		return fmt.Errorf("enqueue %d %s jobs: %w", len(jobs), jobs[0].Args.Kind(), err)
	}
	return nil
}

// Client is River's client, for tests and for workers that insert follow-up jobs.
func (r *Runner) Client() *river.Client[*sql.Tx] { return r.client }
