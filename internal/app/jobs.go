package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/jobs"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/notify"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/store"
	"github.com/recert-dev/recert/internal/webhook"
)

// newJobs builds the background work: the mailer (SMTP, or the outbox folder when no server
// is configured), the webhook deliverer, their workers, and the Outbox the use cases tell
// what changed.
func newJobs(cfg config.Config, st *store.Store, lg *ledger.Ledger, checkIn auth.SigningKey, log *slog.Logger) (*jobs.Runner, ledger.Outbox, *webhook.Deliverer, error) {
	var mailer notify.Mailer
	if cfg.SMTPURL != "" {
		m, err := notify.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("RECERT_SMTP_URL: %w", err)
		}
		mailer = m
	} else {
		m, err := notify.NewOutbox(filepath.Join(cfg.DataDir, "outbox"), cfg.MailFrom, log)
		if err != nil {
			return nil, nil, nil, err
		}
		mailer = m
	}
	workers := river.NewWorkers()
	notices := notify.NewWorker(st, mailer, cfg.PublicURL)
	if lg.Credentials != nil {
		publicURL := strings.TrimSuffix(cfg.PublicURL, "/")
		notices.WithCertificates(func(ctx context.Context, a recert.Attendance) ([]byte, string, error) {
			cred, err := lg.Credentials.Current(ctx, a)
			if err != nil {
				return nil, "", err
			}
			verify := openbadges.VerifyURL(publicURL, cred.ID)
			pdf, err := certificate.PDF(render.Letter, certificate.FromCredential(cred, verify))
			return pdf, verify, err
		})
	}
	if !checkIn.IsZero() {
		publicURL := strings.TrimSuffix(cfg.PublicURL, "/")
		notices.WithCheckInCodes(func(ctx context.Context, memberID string) ([]byte, error) {
			v, err := st.CheckInTokenVersion(ctx, memberID)
			if err != nil {
				return nil, err
			}
			return render.QRPNG(publicURL+"/app/c/"+checkIn.SignCheckIn(memberID, v), 8)
		})
	}
	river.AddWorker(workers, notices)
	standing := lg.Standing
	mail := &lateQueue{}
	hooks := webhook.New(st, webhook.Config{AllowPrivate: cfg.WebhookAllowPrivate, RetryBase: cfg.WebhookRetryBase,
		Outbox: notify.NewQueue(mail), Standing: standing, Progress: st})
	hooks.Workers(workers)
	reminders := notify.NewReminders(st, standing, notify.NewQueue(mail), nil)
	river.AddWorker(workers, reminders)
	runner, err := jobs.New(st, jobs.Config{Workers: workers, Periodic: []*river.PeriodicJob{reminders.Periodic()},
		PollInterval: cfg.JobPollInterval, Logger: log.With("component", "jobs")})
	if err != nil {
		return nil, nil, nil, err
	}
	mail.Runner = runner
	hooks.SetJobs(runner)
	return runner, outboxes{notify.NewQueue(runner), hooks}, hooks, nil
}

// lateOutbox is the jobs' outbox, for use cases built before the jobs.
type lateOutbox struct{ ledger.Outbox }

// lateQueue is the runner, for workers built before it.
type lateQueue struct{ *jobs.Runner }

// outboxes tells every outbox of a change.
type outboxes []ledger.Outbox

func (o outboxes) Notify(ctx context.Context, notices ...ledger.Notice) error {
	for _, x := range o {
		if err := x.Notify(ctx, notices...); err != nil {
			return err
		}
	}
	return nil
}

// webhookQueue is what the API asks of webhooks: destination checks and redelivery.
type webhookQueue struct {
	*webhook.Deliverer
	allowPrivate bool
}

// CheckURL says whether raw may be a webhook's destination.
func (q webhookQueue) CheckURL(raw string) error { return webhook.CheckURL(raw, q.allowPrivate) }

// NewSecret returns a fresh signing secret.
func (webhookQueue) NewSecret() string { return webhook.NewSecret() }
