package httpapi

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// Standing evaluates members' progress for work done outside a request (deadline
// reminders), through the same evaluation the progress operations answer with.
type Standing struct{ s *Server }

// NewStanding returns a Standing over the store and the use cases the service shares; a
// nil lg builds them over st.
func NewStanding(st Store, lg *ledger.Ledger) (*Standing, error) {
	if lg == nil {
		var err error
		if lg, err = ledger.New(st, ledger.Config{}); err != nil {
			return nil, err
		}
	}
	s := &Server{store: st, db: st, now: lg.Now, progress: lg.Progress}
	return &Standing{s: s}, nil
}

var _ ledger.Standing = (*Standing)(nil)

// Periods lists the member's programs' periods as of asOf, as viewer sees them.
func (st *Standing) Periods(ctx context.Context, memberID string, viewer recert.Principal, asOf time.Time) ([]ledger.PeriodStatus, error) {
	ctx = context.WithValue(ctx, principalKey{}, viewer)
	orgs, err := st.s.memberScope(ctx, memberID)
	if err != nil {
		return nil, err
	}
	res, err := st.s.progress.Evaluate(ctx, ledger.Query{MemberID: memberID, AsOf: progress.DateOf(asOf), OrganizationIDs: orgs})
	if err != nil {
		return nil, err
	}
	var out []ledger.PeriodStatus
	for _, e := range res.Programs {
		base := ledger.PeriodStatus{ProgramID: e.Program.ID, ProgramName: e.Program.Name}
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

func withPeriod(ps ledger.PeriodStatus, p progress.PeriodInfo) ledger.PeriodStatus {
	ps.Relation, ps.Start, ps.End, ps.Deadline, ps.Status = string(p.Relation), p.Start, p.End, p.Deadline, string(p.Status)
	return ps
}
