package ledger

import (
	"context"
	"fmt"
	"slices"

	"github.com/recert-dev/recert/internal/progress"
	"github.com/recert-dev/recert/internal/recert"
)

// Change is what hypothetical credits change in one period of one program: the counted total
// and the status, before and after. A credit program counts Units (Counted*), a clinical
// program activities (Activities*).
type Change struct {
	ProgramID                       string
	ProgramName                     string
	Relation                        progress.Relation
	Start, End                      recert.Date
	StatusBefore, StatusAfter       progress.Status
	CountedBefore, CountedAfter     *progress.Units
	RemainingBefore, RemainingAfter *progress.Units
	ActivitiesBefore                *int
	ActivitiesAfter                 *int
	// Changed is true when the counted total or the status differs.
	Changed bool
	// Sentence says it in words.
	Sentence string
}

// Changes pairs each period of before with the same period (same program, same start) of
// after; a period only one of them has is left out.
func Changes(before, after Result) []Change {
	out := []Change{}
	for _, b := range before.Programs {
		i := slices.IndexFunc(after.Programs, func(a Evaluated) bool { return a.Program.ID == b.Program.ID })
		if i < 0 {
			continue
		}
		a := after.Programs[i]
		switch {
		case b.CEU != nil && a.CEU != nil:
			for _, pb := range b.CEU.Periods {
				if j := slices.IndexFunc(a.CEU.Periods, func(pa progress.PeriodResult) bool { return pa.Start == pb.Start }); j >= 0 {
					out = append(out, ceuChange(*b.Program, pb, a.CEU.Periods[j], b.CEU.Unit))
				}
			}
		case b.Clinical != nil && a.Clinical != nil:
			for _, pb := range b.Clinical.Periods {
				if j := slices.IndexFunc(a.Clinical.Periods, func(pa progress.ClinicalPeriodResult) bool { return pa.Start == pb.Start }); j >= 0 {
					out = append(out, clinicalChange(*b.Program, pb, a.Clinical.Periods[j]))
				}
			}
		}
	}
	return out
}

// ChangeEffect is what a change to a member's record would do to their progress: each
// period whose counted total or status would change, said in words; nothing is saved.
func (p *Progress) ChangeEffect(ctx context.Context, memberID string, c recert.MemberChange) ([]Change, error) {
	q := Query{MemberID: memberID, Scope: recert.AllOrganizations()}
	l, err := p.load(ctx, q, false)
	if err != nil {
		return nil, err
	}
	before, err := l.run(q, nil)
	if err != nil {
		return nil, err
	}
	q.Change = &c
	after, err := p.Evaluate(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, ch := range Changes(before, after) {
		if ch.Changed {
			out = append(out, ch)
		}
	}
	return out, nil
}

func ceuChange(p progress.Program, b, a progress.PeriodResult, u progress.Unit) Change {
	cb, ca := b.Counted+b.CarriedIn, a.Counted+a.CarriedIn
	c := Change{ProgramID: p.ID, ProgramName: p.Name, Relation: b.Relation, Start: b.Start, End: b.End,
		StatusBefore: b.Status, StatusAfter: a.Status, CountedBefore: &cb, CountedAfter: &ca,
		RemainingBefore: &b.Remaining, RemainingAfter: &a.Remaining}
	c.Changed = cb != ca || b.Status != a.Status
	unit := "CEUs"
	if u == progress.Hour60 {
		unit = "hours"
	}
	counted := fmt.Sprintf("%s → %s %s counted", cb, ca, unit)
	if cb == ca {
		counted = fmt.Sprintf("%s %s counted", ca, unit)
	}
	c.Sentence = changeWords(c, counted)
	return c
}

func clinicalChange(p progress.Program, b, a progress.ClinicalPeriodResult) Change {
	c := Change{ProgramID: p.ID, ProgramName: p.Name, Relation: b.Relation, Start: b.Start, End: b.End,
		StatusBefore: b.Status, StatusAfter: a.Status, ActivitiesBefore: &b.Counted.Total, ActivitiesAfter: &a.Counted.Total}
	c.Changed = b.Counted.Total != a.Counted.Total || b.Status != a.Status
	counted := fmt.Sprintf("%d → %d clinical activities counted", b.Counted.Total, a.Counted.Total)
	if b.Counted.Total == a.Counted.Total {
		counted = fmt.Sprintf("%d clinical activities counted", a.Counted.Total)
	}
	c.Sentence = changeWords(c, counted)
	return c
}

// changeWords says what changes in a period, for people.
func changeWords(c Change, counted string) string {
	period := fmt.Sprintf("%s, %s to %s", c.ProgramName, c.Start.Time().Format("2 January 2006"), c.End.Time().Format("2 January 2006"))
	if !c.Changed {
		return period + ": no change."
	}
	status := "status stays " + c.StatusAfter.Words()
	if c.StatusBefore != c.StatusAfter {
		status = fmt.Sprintf("%s → %s", c.StatusBefore.Words(), c.StatusAfter.Words())
	}
	return fmt.Sprintf("%s: %s; %s.", period, counted, status)
}

// EventCredits are the credits attending every session of an event would earn: the
// hypothetical credits of "if I attend this".
func EventCredits(e recert.Event) []progress.Credit {
	out := make([]progress.Credit, 0, len(e.Sessions))
	for _, sess := range e.Sessions {
		out = append(out, progress.Credit{ID: "what-if-" + sess.ID, Date: sess.Date,
			ActivityType: ActivityOf(e.Format), Category: progress.Category(e.Category), Amount: sess.CEUs,
			Topics: sess.Topics, ApprovalRef: e.ApprovalRef, Session: sess.ID, Source: e.ID,
			ApprovedBy: slices.Concat(e.ApprovedBy, sess.ApprovedBy)})
	}
	return out
}
