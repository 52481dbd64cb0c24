package ledger

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// PeriodStatus is one credit period of one of a member's programs, as a viewer sees it.
type PeriodStatus struct {
	ProgramID   string
	ProgramName string
	Relation    string // previous, current or next
	Start, End  recert.Date
	Deadline    time.Time    // when the report is due
	Status      string       // complete, on_track, behind, deficient, upcoming
	Required    recert.Units // of the total, in Unit
	Remaining   recert.Units
	Unit        string
}

// Standing evaluates a member's progress outside a request, as viewer would see it.
type Standing interface {
	Periods(ctx context.Context, memberID string, viewer recert.Principal, asOf time.Time) ([]PeriodStatus, error)
}
