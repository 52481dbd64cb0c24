package ledger

import (
	"context"
	"encoding/json"
	"time"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// ReportStore is what a member's own reports write beyond RecordsStore.
type ReportStore interface {
	WithdrawActivity(ctx context.Context, id, actor string) error
	WithdrawClinicalEntry(ctx context.Context, id, actor string) error
	CreateLeave(ctx context.Context, l recert.Leave, actor string) (recert.Leave, error)
}

// ReportActivity records an activity the member reports, with its document when doc is not
// nil, in one transaction.
func (r *Records) ReportActivity(ctx context.Context, a recert.Activity, doc []byte, actor string) (recert.Activity, error) {
	var created recert.Activity
	err := r.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if created, err = r.store.CreateActivity(ctx, a, actor); err != nil || doc == nil {
			return err
		}
		_, err = r.AddEvidence(ctx, recert.Evidence{MemberID: a.MemberID, ActivityID: created.ID}, doc, actor)
		return err
	})
	return created, err
}

// ReplaceActivity replaces a reported activity with in; a reviewed one goes back to review.
func (r *Records) ReplaceActivity(ctx context.Context, id string, in recert.Activity, actor string) (recert.Activity, error) {
	return r.store.UpdateActivity(ctx, id, "updated", "", actor, func(a *recert.Activity) error {
		in.ID, in.MemberID, in.Version, in.Audit = a.ID, a.MemberID, a.Version, a.Audit
		in.ReviewStatus, in.ReviewReason = recert.ReviewPending, ""
		*a = in
		return nil
	})
}

// WithdrawActivity withdraws an activity; it stays on record.
func (r *Records) WithdrawActivity(ctx context.Context, id, actor string) error {
	return r.reports.WithdrawActivity(ctx, id, actor)
}

// LogClinicalEntry records one clinical entry.
func (r *Records) LogClinicalEntry(ctx context.Context, e recert.ClinicalEntry, actor string) (recert.ClinicalEntry, error) {
	return r.store.CreateClinicalEntry(ctx, e, actor)
}

// WithdrawClinicalEntry withdraws a clinical entry; it stays on record.
func (r *Records) WithdrawClinicalEntry(ctx context.Context, id, actor string) error {
	return r.reports.WithdrawClinicalEntry(ctx, id, actor)
}

// maxLeave bounds one leave period; relief is at most 26 weeks a year anyway.
const maxLeave = 2 * 366 * 24 * time.Hour

// RequestLeave records a leave period, to be approved by an administrator.
func (r *Records) RequestLeave(ctx context.Context, l recert.Leave, actor string) (recert.Leave, error) {
	switch {
	case l.End.Time().Before(l.Start.Time()):
		return l, FieldError("#/end", "ends before it starts")
	case l.End.Time().Sub(l.Start.Time()) > maxLeave:
		return l, FieldError("#/end", "a leave period is at most two years; report longer leave in parts")
	}
	return r.reports.CreateLeave(ctx, l, actor)
}

// ProgramStore stores program versions.
type ProgramStore interface {
	AddProgram(ctx context.Context, id string, version int, document []byte, actor string) error
}

// AddProgram stores a validated program, or a new version of one: each version higher than
// the last, so that evaluations made under an earlier one stay as they were.
func (p *Progress) AddProgram(ctx context.Context, prog progress.Program, actor string) error {
	programs, err := p.Catalogue(ctx)
	if err != nil {
		return err
	}
	for _, q := range programs {
		if q.ID == prog.ID && q.Version >= prog.Version {
			return recert.Errorf(recert.ECONFLICT, "program %s already has version %d; a new version must be higher", prog.ID, q.Version)
		}
	}
	canonical, err := json.Marshal(prog)
	if err != nil {
		return err
	}
	return p.programs.AddProgram(ctx, prog.ID, prog.Version, canonical, actor)
}
