package notify

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/recert-dev/recert/internal/ledger"
)

// Enqueuer inserts a job in the transaction of ctx; internal/jobs implements it.
type Enqueuer interface {
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Queue is the ledger's Outbox: each notice becomes a job in the change's transaction.
type Queue struct {
	jobs Enqueuer
}

// NewQueue returns an Outbox over jobs.
func NewQueue(jobs Enqueuer) *Queue { return &Queue{jobs: jobs} }

// ManyEnqueuer inserts many jobs at once; internal/jobs implements it.
type ManyEnqueuer interface {
	EnqueueMany(ctx context.Context, jobs []river.InsertManyParams) error
}

// Notify enqueues one job per notice: in one insert when the queue takes many at once.
func (q *Queue) Notify(ctx context.Context, notices ...ledger.Notice) error {
	if many, ok := q.jobs.(ManyEnqueuer); ok && len(notices) > 1 {
		var jobs []river.InsertManyParams
		for _, n := range notices {
			if mailed(n) {
				jobs = append(jobs, river.InsertManyParams{Args: NoticeArgs{Notice: n}})
			}
		}
		return many.EnqueueMany(ctx, jobs)
	}
	for _, n := range notices {
		if !mailed(n) {
			continue
		}
		if err := q.jobs.Enqueue(ctx, NoticeArgs{Notice: n}, nil); err != nil {
			return err
		}
	}
	return nil
}

// mailed reports whether a notice is e-mailed. Some are for apps only: a posted roster (the
// members it concerns hear of their own changes), the attendance an accepted dispute
// corrected (the member's mail is the dispute's decision, saying the same), a credential
// issued or revoked (the member asked for it, or heard of the revocation or correction).
func mailed(n ledger.Notice) bool {
	switch n.Type {
	case ledger.NoticeCredentialIssued, ledger.NoticeCredentialRevoked:
		return false
	}
	return n.Type != ledger.NoticeAttendancePosted && (n.Type != ledger.NoticeAttendanceCorrected || n.DisputeID == "")
}
