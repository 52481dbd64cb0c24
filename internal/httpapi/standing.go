package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// Standing evaluates members' progress for work done outside a request (deadline
// reminders), through the same evaluation the progress operations answer with.
type Standing struct{ s *Server }

// NewStanding returns a Standing over the store.
func NewStanding(st Store) (*Standing, error) {
	builtIn, err := progress.BuiltIn()
	if err != nil {
		return nil, fmt.Errorf("built-in programs: %w", err)
	}
	return &Standing{s: &Server{store: st, db: st, builtIn: builtIn, now: func() time.Time { return time.Now().UTC() }}}, nil
}

var _ ledger.Standing = (*Standing)(nil)

// Periods lists the member's programs' periods as of asOf, as viewer sees them.
func (st *Standing) Periods(ctx context.Context, memberID string, viewer recert.Principal, asOf time.Time) ([]ledger.PeriodStatus, error) {
	ctx = context.WithValue(ctx, principalKey{}, viewer)
	res, err := st.s.progress(ctx, memberID, progressQuery{asOf: &openapi_types.Date{Time: asOf}}, nil)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Programs []struct {
			ProgramID   string `json:"program_id"`
			ProgramName string `json:"program_name"`
			Unit        string `json:"unit"`
			Periods     []struct {
				progress.PeriodInfo
				Required  json.RawMessage `json:"required"`
				Remaining json.RawMessage `json:"remaining"`
			} `json:"periods"`
		} `json:"programs"`
	}
	if err := json.Unmarshal(res.body, &doc); err != nil {
		return nil, err
	}
	var out []ledger.PeriodStatus
	for _, p := range doc.Programs {
		for _, pe := range p.Periods {
			out = append(out, ledger.PeriodStatus{ProgramID: p.ProgramID, ProgramName: p.ProgramName, Unit: p.Unit,
				Relation: string(pe.Relation), Start: pe.Start, End: pe.End, Deadline: pe.Deadline, Status: string(pe.Status),
				Required: amount(pe.Required), Remaining: amount(pe.Remaining)})
		}
	}
	return out, nil
}

// amount reads a credit program's amount; a clinical program's (an object of counts) is 0.
func amount(raw json.RawMessage) recert.Units {
	var u recert.Units
	_ = json.Unmarshal(raw, &u)
	return u
}
