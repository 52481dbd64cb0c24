package ledger

import (
	"slices"

	"github.com/recert-dev/recert/internal/progress"
)

// ProgramStanding is where a member stands in one program: its current period (else its first),
// or, for a program that waits for the member's setup, what it waits for.
type ProgramStanding struct {
	// Program is the result's own (a page of standings copies no program).
	Program *progress.Program
	Status  progress.Status
	// Setup says what the program waits for; empty when it has a period.
	Setup string
	// Period and Summary are the current period's, when there is one.
	Period  progress.PeriodInfo
	Summary progress.Summary
	// Remaining is what a CEU program's total still needs; Activities a clinical program's.
	Remaining  progress.Units
	Activities *int
	CEU        bool
}

// Standings is the member's standing in each program that has one: a program that cannot be
// evaluated for a reason other than setup, or that has no period, is left out.
func (r Result) Standings() []ProgramStanding {
	out := make([]ProgramStanding, 0, len(r.Programs))
	for i := range r.Programs {
		e := &r.Programs[i]
		s := ProgramStanding{Program: e.Program}
		switch {
		case e.Problem != nil:
			sentence, ok := progress.SetupSentence(e.Problem)
			if !ok {
				continue
			}
			s.Status, s.Setup = progress.StatusNeedsSetup, sentence
		case e.CEU != nil:
			i := current(e.CEU.Periods, func(p progress.PeriodResult) progress.PeriodInfo { return p.PeriodInfo })
			if i < 0 {
				continue
			}
			per := e.CEU.Periods[i]
			s.CEU, s.Remaining = true, per.Remaining
			s.Status, s.Period, s.Summary = per.Status, per.PeriodInfo, per.Summary
		case e.Clinical != nil:
			i := current(e.Clinical.Periods, func(p progress.ClinicalPeriodResult) progress.PeriodInfo { return p.PeriodInfo })
			if i < 0 {
				continue
			}
			per := e.Clinical.Periods[i]
			s.Activities = &per.Remaining.Total
			s.Status, s.Period, s.Summary = per.Status, per.PeriodInfo, per.Summary
		default:
			continue
		}
		out = append(out, s)
	}
	return out
}

// current is the index of the current period, else of the first; -1 when there is none.
func current[P any](periods []P, info func(P) progress.PeriodInfo) int {
	if len(periods) == 0 {
		return -1
	}
	return max(0, slices.IndexFunc(periods, func(p P) bool { return info(p).Relation == progress.Current }))
}
