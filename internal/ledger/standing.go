package ledger

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/progress"
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

// Standings evaluates members' progress outside a request (reminders, calendar feeds,
// webhooks) through the same evaluation and the same visibility rules as the API.
type Standings struct {
	progress *Progress
	sight    *Sight
}

var _ Standing = (*Standings)(nil)

// Periods lists the member's programs' periods as of asOf, as viewer sees them.
func (st *Standings) Periods(ctx context.Context, memberID string, viewer recert.Principal, asOf time.Time) ([]PeriodStatus, error) {
	scope, err := st.sight.Member(ctx, viewer, memberID)
	if err != nil {
		return nil, err
	}
	res, err := st.progress.Evaluate(ctx, Query{MemberID: memberID, AsOf: progress.DateOf(asOf), Scope: scope, Brief: true})
	if err != nil {
		return nil, err
	}
	var out []PeriodStatus
	for _, e := range res.Programs {
		base := PeriodStatus{ProgramID: e.Program.ID, ProgramName: e.Program.Name}
		if e.CEU != nil {
			for _, per := range e.CEU.Periods {
				ps := withPeriod(base, per.PeriodInfo)
				ps.Unit, ps.Required, ps.Remaining = string(e.CEU.Unit), per.Required, per.Remaining
				out = append(out, ps)
			}
		}
		if e.Clinical != nil { // a clinical program's amounts are counts, not units
			for _, per := range e.Clinical.Periods {
				out = append(out, withPeriod(base, per.PeriodInfo))
			}
		}
	}
	return out, nil
}

func withPeriod(ps PeriodStatus, p progress.PeriodInfo) PeriodStatus {
	ps.Relation, ps.Start, ps.End, ps.Deadline, ps.Status = string(p.Relation), p.Start, p.End, p.Deadline, string(p.Status)
	return ps
}
