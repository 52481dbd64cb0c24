package webhook

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// ProgressStore is what progress events read and record; internal/store implements it.
type ProgressStore interface {
	WebhooksFor(ctx context.Context, eventType string) ([]recert.Webhook, error)
	ProgressSeen(ctx context.Context, subscriptionID, memberID string) (map[string]string, error)
	SeeProgress(ctx context.Context, subscriptionID, memberID, programID string, periodStart recert.Date, status string) error
}

// progressChanged is the event type.
const progressChanged = "progress.status_changed"

// ProgressArgs is the job that looks, after a write committed, for the members whose
// progress status it changed.
type ProgressArgs struct {
	MemberIDs []string `json:"member_ids"`
}

// Kind names the job.
func (ProgressArgs) Kind() string { return "webhook_progress" }

// creditKinds are the notices after which a member's progress may have changed.
var creditKinds = map[string]bool{
	ledger.NoticeAttendancePosted: true, ledger.NoticeAttendanceCorrected: true, ledger.NoticeAttendanceRevoked: true,
	ledger.NoticeDisputeDecided: true, ledger.NoticeActivityReviewed: true,
}

// membersOf are the members whose credit the notices changed.
func membersOf(notices []ledger.Notice) []string {
	var out []string
	for _, n := range notices {
		if !creditKinds[n.Type] {
			continue
		}
		out = append(out, n.MemberIDs...)
		if n.MemberID != "" {
			out = append(out, n.MemberID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

type progressWorker struct {
	river.WorkerDefaults[ProgressArgs]
	d *Deliverer
}

// Work evaluates each member as each subscriber's owner sees them, and delivers an event for
// every program period whose status differs from the one that subscriber was last told (the
// first event about a period carries no previous status).
func (w *progressWorker) Work(ctx context.Context, job *river.Job[ProgressArgs]) error {
	subs, err := w.d.progress.WebhooksFor(ctx, progressChanged)
	if err != nil || len(subs) == 0 {
		return err
	}
	now := time.Now()
	for _, sub := range subs {
		for _, memberID := range job.Args.MemberIDs {
			if err := w.check(ctx, sub, memberID, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// owner is whom a subscription speaks for: the registry, or its organization.
func owner(sub recert.Webhook) recert.Principal {
	if sub.OrganizationID == "" {
		return recert.Principal{Subject: sub.CreatedBy, Role: recert.RoleAdmin}
	}
	return recert.Principal{Subject: sub.CreatedBy, Role: recert.RoleOrganizer, OrganizationIDs: []string{sub.OrganizationID}}
}

func (w *progressWorker) check(ctx context.Context, sub recert.Webhook, memberID string, now time.Time) error {
	periods, err := w.d.standing.Periods(ctx, memberID, owner(sub), now)
	if recert.ErrorCode(err) == recert.ENOTFOUND {
		return nil // not a member the owner may see
	} else if err != nil {
		return err
	}
	seen, err := w.d.progress.ProgressSeen(ctx, sub.ID, memberID)
	if err != nil {
		return err
	}
	return w.d.store.InTx(ctx, func(ctx context.Context) error {
		for _, p := range periods {
			before, known := seen[p.ProgramID+"/"+p.Start.String()]
			if known && before == p.Status {
				continue
			}
			data := map[string]any{"member_id": memberID, "program_id": p.ProgramID, "period_start": p.Start.String(),
				"period_end": p.End.String(), "status": p.Status}
			if known {
				data["previous_status"] = before
			}
			body, err := json.Marshal(payload{Type: progressChanged, Timestamp: now.UTC(), Data: data})
			if err != nil {
				return err
			}
			if err := w.d.progress.SeeProgress(ctx, sub.ID, memberID, p.ProgramID, p.Start, p.Status); err != nil {
				return err
			}
			del, err := w.d.store.CreateDelivery(ctx, recert.WebhookDelivery{SubscriptionID: sub.ID, EventType: progressChanged, Payload: body})
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
