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

// Notify enqueues one job per notice.
func (q *Queue) Notify(ctx context.Context, notices ...ledger.Notice) error {
	for _, n := range notices {
		if n.Type == ledger.NoticeAttendancePosted {
			continue // for apps only: the members it concerns hear of their own changes
		}
		if n.Type == ledger.NoticeAttendanceCorrected && n.DisputeID != "" {
			continue // for apps only: the member's mail is the dispute's decision, saying the same
		}
		if err := q.jobs.Enqueue(ctx, NoticeArgs{Notice: n}, nil); err != nil {
			return err
		}
	}
	return nil
}
