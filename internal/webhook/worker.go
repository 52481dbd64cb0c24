package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// Store is what delivering reads and writes; internal/store implements it.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	Event(ctx context.Context, id string) (recert.Event, error)
	Subscribers(ctx context.Context, eventType, orgID string) ([]recert.Webhook, error)
	Webhook(ctx context.Context, id string) (recert.Webhook, error)
	UpdateWebhook(ctx context.Context, id string, change func(*recert.Webhook) error) (recert.Webhook, error)
	CreateDelivery(ctx context.Context, d recert.WebhookDelivery) (recert.WebhookDelivery, error)
	Delivery(ctx context.Context, id string) (recert.WebhookDelivery, error)
	ResetDelivery(ctx context.Context, id string) (recert.WebhookDelivery, error)
	RecordAttempt(ctx context.Context, deliveryID string, a recert.WebhookAttempt) (recert.Webhook, error)
}

// Enqueuer inserts a job in the transaction of ctx; internal/jobs implements it.
type Enqueuer interface {
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// EventArgs is the job that turns a notice into one delivery per subscriber.
type EventArgs struct {
	ledger.Notice
}

// Kind names the job.
func (EventArgs) Kind() string { return "webhook_event" }

// DeliveryArgs is the job that sends one delivery.
type DeliveryArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind names the job.
func (DeliveryArgs) Kind() string { return "webhook_delivery" }

// Config tunes delivery.
type Config struct {
	AllowPrivate bool          // destinations on private, loopback and link-local addresses
	RetryBase    time.Duration // the first retry's delay; later ones grow sixfold, to 12 h (default 5 s)
	Outbox       ledger.Outbox // told when a failing subscription is disabled
	// Standing and Progress evaluate members for progress.status_changed, which is
	// delivered only when both are set.
	Standing ledger.Standing
	Progress ProgressStore
}

// Deliverer holds the workers of webhook jobs and queues their work.
type Deliverer struct {
	store    Store
	jobs     Enqueuer
	client   *http.Client
	backoff  []time.Duration
	outbox   ledger.Outbox
	standing ledger.Standing
	progress ProgressStore
}

// New returns a Deliverer; SetJobs must give it its queue before it works.
func New(st Store, cfg Config) *Deliverer {
	if cfg.RetryBase == 0 {
		cfg.RetryBase = 5 * time.Second
	}
	if cfg.Outbox == nil {
		cfg.Outbox = ledger.Discard{}
	}
	return &Deliverer{store: st, client: Client(cfg.AllowPrivate, 15*time.Second), backoff: Backoff(cfg.RetryBase), outbox: cfg.Outbox,
		standing: cfg.Standing, progress: cfg.Progress}
}

// SetJobs gives the deliverer the queue its jobs go to.
func (d *Deliverer) SetJobs(jobs Enqueuer) { d.jobs = jobs }

// Backoff is the delay before each retry: base, growing sixfold to at most 12 hours, as many
// as add up to a day (with a 5 s base: 5 s, 30 s, 3 min, 18 min, 1.8 h, 10.8 h, 12 h).
func Backoff(base time.Duration) []time.Duration {
	var out []time.Duration
	var sum time.Duration
	day := time.Duration(float64(24*time.Hour) * float64(base) / float64(5*time.Second)) // a day at a 5 s base
	for d := base; sum < day; d = min(d*6, day/2) {
		out = append(out, d)
		sum += d
	}
	return out
}

// Workers registers the webhook workers.
func (d *Deliverer) Workers(w *river.Workers) {
	river.AddWorker(w, &eventWorker{d: d})
	river.AddWorker(w, &deliveryWorker{d: d})
	river.AddWorker(w, &progressWorker{d: d})
}

// webhookKinds are the notices subscribers may receive.
var webhookKinds = map[string]bool{
	ledger.NoticeAttendancePosted: true, ledger.NoticeAttendanceCorrected: true, ledger.NoticeAttendanceRevoked: true,
	ledger.NoticeDisputeFiled: true, ledger.NoticeDisputeDecided: true, ledger.NoticeActivityReviewed: true,
	ledger.NoticeCredentialIssued: true, ledger.NoticeCredentialRevoked: true,
}

// Notify queues the webhook events among the notices, and the look for progress changes
// they may have caused, in the transaction of ctx. A roster's event names its posting, not
// its members (a roster of 10,000 would carry them all); the look for progress changes is
// queued only while someone subscribes to them.
func (d *Deliverer) Notify(ctx context.Context, notices ...ledger.Notice) error {
	var jobs []river.InsertManyParams
	for _, n := range notices {
		if !webhookKinds[n.Type] {
			continue
		}
		n.MemberIDs = nil
		jobs = append(jobs, river.InsertManyParams{Args: EventArgs{Notice: n}})
	}
	if many, ok := d.jobs.(interface {
		EnqueueMany(ctx context.Context, jobs []river.InsertManyParams) error
	}); ok && len(jobs) > 1 {
		if err := many.EnqueueMany(ctx, jobs); err != nil {
			return err
		}
	} else {
		for _, j := range jobs {
			if err := d.jobs.Enqueue(ctx, j.Args, nil); err != nil {
				return err
			}
		}
	}
	members := membersOf(notices)
	if len(members) == 0 || d.standing == nil || d.progress == nil {
		return nil
	}
	if subs, err := d.progress.WebhooksFor(ctx, progressChanged); err != nil || len(subs) == 0 {
		return err
	}
	return d.jobs.Enqueue(ctx, ProgressArgs{MemberIDs: members}, nil)
}

// Redeliver sends a delivery again, with the same webhook-id.
func (d *Deliverer) Redeliver(ctx context.Context, deliveryID string) (recert.WebhookDelivery, error) {
	var out recert.WebhookDelivery
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if out, err = d.store.ResetDelivery(ctx, deliveryID); err != nil {
			return err
		}
		return d.jobs.Enqueue(ctx, DeliveryArgs{DeliveryID: deliveryID}, d.deliveryOpts())
	})
	return out, err
}

func (d *Deliverer) deliveryOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: len(d.backoff) + 1}
}

type eventWorker struct {
	river.WorkerDefaults[EventArgs]
	d *Deliverer
}

// Work records one delivery per subscriber and queues each, all in one transaction, after
// the change that caused the event committed.
func (w *eventWorker) Work(ctx context.Context, job *river.Job[EventArgs]) error {
	n := job.Args.Notice
	orgID := ""
	if n.EventID != "" {
		e, err := w.d.store.Event(ctx, n.EventID)
		if err != nil {
			return err
		}
		orgID = e.OrganizationID
	}
	body, err := json.Marshal(payload{Type: n.Type, Timestamp: job.CreatedAt.UTC(), Data: dataOf(n)})
	if err != nil {
		return err
	}
	return w.d.store.InTx(ctx, func(ctx context.Context) error {
		subs, err := w.d.store.Subscribers(ctx, n.Type, orgID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			del, err := w.d.store.CreateDelivery(ctx, recert.WebhookDelivery{SubscriptionID: s.ID, EventType: n.Type, Payload: body})
			if err != nil {
				return err
			}
			if err := w.d.jobs.Enqueue(ctx, DeliveryArgs{DeliveryID: del.ID}, w.d.deliveryOpts()); err != nil {
				return err
			}
		}
		return nil
	})
}

type payload struct {
	Type      string         `json:"type"`
	Timestamp time.Time      `json:"timestamp"`
	Data      map[string]any `json:"data"`
}

// dataOf names the objects an event is about; the receiver reads them through the API.
func dataOf(n ledger.Notice) map[string]any {
	d := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	set("event_id", n.EventID)
	set("member_id", n.MemberID)
	set("attendance_id", n.AttendanceID)
	set("dispute_id", n.DisputeID)
	set("activity_id", n.ActivityID)
	set("posting_id", n.PostingID)
	set("credential_id", n.CredentialID)
	set("reason", n.Reason)
	set("decision", n.Decision)
	set("ceus", n.CEUs)
	if n.CEUs != "" {
		d["session_ids"] = append([]string{}, n.SessionIDs...)
	}
	if n.RevokedOn != "" {
		d["reinstated"] = true
		d["revoked_on"] = n.RevokedOn
	}
	if n.Counts != nil {
		d["counts"] = n.Counts
	}
	return d
}

type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	d *Deliverer
}

// NextRetry spaces the attempts by the backoff schedule.
func (w *deliveryWorker) NextRetry(job *river.Job[DeliveryArgs]) time.Time {
	return time.Now().Add(w.d.backoff[min(max(job.Attempt-1, 0), len(w.d.backoff)-1)])
}

// Work sends the delivery, signed afresh, and logs the attempt. A subscription that has
// failed for a day is disabled and its organizers told.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[DeliveryArgs]) error {
	del, err := w.d.store.Delivery(ctx, job.Args.DeliveryID)
	if recert.ErrorCode(err) == recert.ENOTFOUND {
		return nil // the subscription was deleted, and its log with it
	} else if err != nil {
		return err
	}
	sub, err := w.d.store.Webhook(ctx, del.SubscriptionID)
	if err != nil {
		return err
	}
	if sub.Status != recert.WebhookActive {
		return nil
	}
	a := w.d.send(ctx, sub, del)
	a.Final = a.Error != "" && job.Attempt >= job.MaxAttempts
	after, err := w.d.store.RecordAttempt(ctx, del.ID, a)
	if err != nil || a.Error == "" {
		return err
	}
	if after.FailingSince != nil && time.Since(*after.FailingSince) >= 24*time.Hour {
		return w.d.disable(ctx, after)
	}
	return fmt.Errorf("delivery %s to %s: %s", del.ID, sub.URL, a.Error)
}

// send makes one attempt.
func (d *Deliverer) send(ctx context.Context, sub recert.Webhook, del recert.WebhookDelivery) recert.WebhookAttempt {
	now := time.Now()
	sig, err := SignWith(sub.SigningSecrets(now), del.ID, now, del.Payload)
	if err != nil {
		return recert.WebhookAttempt{Error: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(del.Payload))
	if err != nil {
		return recert.WebhookAttempt{Error: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Recert-Webhooks/1")
	req.Header.Set("webhook-id", del.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	res, err := d.client.Do(req)
	if err != nil {
		return recert.WebhookAttempt{Error: err.Error()}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	_ = res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return recert.WebhookAttempt{StatusCode: res.StatusCode, Error: "answered " + res.Status}
	}
	return recert.WebhookAttempt{StatusCode: res.StatusCode}
}

// disable stops a subscription that has failed for a day and tells its organizers.
func (d *Deliverer) disable(ctx context.Context, sub recert.Webhook) error {
	return d.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := d.store.UpdateWebhook(ctx, sub.ID, func(w *recert.Webhook) error {
			w.Status, w.DisabledReason = recert.WebhookDisabled, "every delivery failed for 24 hours"
			return nil
		}); err != nil {
			return err
		}
		return d.outbox.Notify(ctx, ledger.Notice{Type: ledger.NoticeWebhookDisabled, OrganizationID: sub.OrganizationID, WebhookID: sub.ID})
	})
}
