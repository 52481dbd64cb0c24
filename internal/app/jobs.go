package app

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/jobs"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/notify"
	"github.com/recert-dev/recert/internal/store"
)

// newJobs builds the background work: the mailer (SMTP, or the outbox folder when no server
// is configured), its workers, and the Outbox the use cases tell what changed.
func newJobs(cfg config.Config, st *store.Store, log *slog.Logger) (*jobs.Runner, ledger.Outbox, error) {
	var mailer notify.Mailer
	if cfg.SMTPURL != "" {
		m, err := notify.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, nil, fmt.Errorf("RECERT_SMTP_URL: %w", err)
		}
		mailer = m
	} else {
		m, err := notify.NewOutbox(filepath.Join(cfg.DataDir, "outbox"), cfg.MailFrom, log)
		if err != nil {
			return nil, nil, err
		}
		mailer = m
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, notify.NewWorker(st, mailer, cfg.PublicURL))
	runner, err := jobs.New(st, jobs.Config{Workers: workers, PollInterval: cfg.JobPollInterval, Logger: log.With("component", "jobs")})
	if err != nil {
		return nil, nil, err
	}
	return runner, notify.NewQueue(runner), nil
}
