package progress

import (
	"cmp"
	"fmt"
	"slices"
)

// EvaluateClinical computes a member's progress under a clinical-activity program as of a date:
// for the previous, current and next periods, the required numbers (standard, first year,
// reduced by approved leave, or replaced by an administrator override), the primary and
// secondary activities logged and counted, what the secondary maximum removed, what remains,
// and the status of Decision 8.
//
// Errors: a *ValidationError for an invalid program, entry or fact; ErrWrongKind for a credit
// program.
func EvaluateClinical(p Program, f Facts, entries []ClinicalEntry, asOf Date) (ClinicalEvaluation, error) {
	return EvaluateClinicalAt(p, f, entries, asOf, asOf)
}

// EvaluateClinicalAt is EvaluateClinical of the periods around the one containing at, judged as
// of asOf (Decision 20; see EvaluateAt).
func EvaluateClinicalAt(p Program, f Facts, entries []ClinicalEntry, at, asOf Date) (ClinicalEvaluation, error) {
	return EvaluateClinicalWith(p, f, entries, at, asOf, Options{})
}

// EvaluateClinicalWith is EvaluateClinicalAt reporting the periods o chooses.
func EvaluateClinicalWith(p Program, f Facts, entries []ClinicalEntry, at, asOf Date, o Options) (ClinicalEvaluation, error) {
	if p.Kind != KindClinical {
		return ClinicalEvaluation{}, fmt.Errorf("%w: %s is a %q program; use Evaluate", ErrWrongKind, p.ID, p.Kind)
	}
	s, err := prepare(p, f, asOf)
	if err != nil {
		return ClinicalEvaluation{}, err
	}
	if err := validateClinical(entries); err != nil {
		return ClinicalEvaluation{}, err
	}
	s.track = trackingStart(f, func(yield func(Date) bool) {
		for _, e := range entries {
			if !yield(e.Date) {
				return
			}
		}
	})
	e := ClinicalEvaluation{ProgramID: p.ID, ProgramVersion: p.Version, AsOf: asOf, TrackingSince: s.track, Periods: []ClinicalPeriodResult{}}
	if !at.Valid() {
		return ClinicalEvaluation{}, &ValidationError{Errors: []FieldError{{Pointer: "#/period", Message: "is not a valid date"}}}
	}
	var buf [3]period
	reported := o.reported(plan(p, f, s.layout, at, &buf))
	e.Periods = make([]ClinicalPeriodResult, 0, len(reported))
	for _, pd := range reported {
		e.Periods = append(e.Periods, s.clinicalPeriod(pd, entries))
	}
	return e, nil
}

// clinicalPeriod counts the entries of one period against its requirement.
func (s setup) clinicalPeriod(pd period, entries []ClinicalEntry) ClinicalPeriodResult {
	req := s.clinicalRequirement(pd)
	res := ClinicalPeriodResult{Requirement: req, Entries: []EntryResult{}}
	var in []ClinicalEntry
	for _, e := range entries {
		if pd.contains(e.Date) {
			in = append(in, e)
		}
	}
	slices.SortFunc(in, func(a, b ClinicalEntry) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(b.Count, a.Count), cmp.Compare(a.ID, b.ID))
	})
	left := req.SecondaryMax
	for _, e := range in {
		er := EntryResult{ID: e.ID, Date: e.Date, Type: e.Type, Role: e.Role, Count: e.Count, Counted: e.Count}
		if e.Role == Secondary {
			er.Counted = min(e.Count, left)
			er.Excess = e.Count - er.Counted
			left -= er.Counted
			res.Logged.Secondary += e.Count
			res.Counted.Secondary += er.Counted
		} else {
			res.Logged.Primary += e.Count
			res.Counted.Primary += e.Count
		}
		res.Excess += er.Excess
		res.Entries = append(res.Entries, er)
	}
	res.Logged.Total = res.Logged.Primary + res.Logged.Secondary
	res.Counted.Total = res.Counted.Primary + res.Counted.Secondary
	res.Remaining = ClinicalRemaining{
		Primary: max(0, req.PrimaryMin-res.Counted.Primary),
		Total:   max(0, req.Total-res.Counted.Total),
	}
	met := res.Remaining == ClinicalRemaining{}
	res.PeriodInfo = s.info(pd, met, req.Basis == BasisExempt, int64(res.Counted.Total)*100, int64(req.Total)*100, int64(s.p.paceTolerance()))
	if s.track.IsZero() && (res.Status == StatusOnTrack || res.Status == StatusBehind) {
		res.Status = StatusNotTracked // Decision 19: the clinical log is kept elsewhere so far
	}
	if res.MetBy != "" {
		res.Remaining = ClinicalRemaining{} // Decision 15: met by certification means met
	}
	if pace, _ := s.paceSpan(pd); s.open(pd) && res.Status != StatusComplete && res.Status != StatusNotTracked {
		target := int(paceTarget(pace, s.asOf, int64(req.Total)))
		res.PaceTarget = &target
	}
	res.Summary = s.clinicalSummary(res)
	return res
}

// clinicalRequirement picks the numbers of a period: standard or first-year (or exempt), then
// approved leave, then an administrator override, which wins because the ABCP office issues the
// binding numbers (Decision 9).
func (s setup) clinicalRequirement(pd period) ClinicalRequirement {
	c := s.p.Clinical
	req := numbers(BasisStandard, c.Total, c.PrimaryMin, c.SecondaryMax)
	switch {
	case pd.first && c.FirstYear != nil && inWindow(s.f.CertifiedOn, c.FirstYear):
		fy := c.FirstYear
		req = numbers(BasisFirstYear, fy.Total, fy.PrimaryMin, fy.SecondaryMax)
	case pd.first && s.p.FirstPeriodExempt:
		req = ClinicalRequirement{Basis: BasisExempt, Verified: true}
	}
	if c.Leave != nil && req.Basis != BasisExempt {
		req = withLeave(req, *c.Leave, s.leaveWeeks(pd))
	}
	if o, ok := s.override(pd); ok {
		req = ClinicalRequirement{Total: o.Total, PrimaryMin: o.PrimaryMin, SecondaryMax: o.SecondaryMax,
			Basis: BasisOverride, LeaveWeeks: req.LeaveWeeks, OverrideReference: o.Reference, Verified: true}
	}
	return req
}

func numbers(basis string, total, primaryMin, secondaryMax Count) ClinicalRequirement {
	return ClinicalRequirement{
		Total: total.Value, PrimaryMin: primaryMin.Value, SecondaryMax: secondaryMax.Value, Basis: basis,
		Verified: total.Verified && primaryMin.Verified && secondaryMax.Verified,
	}
}

// inWindow reports whether d falls between the rule's From and To in d's own year.
func inWindow(d Date, fy *FirstYearRule) bool {
	return !d.IsZero() && d.Within(fy.From.in(d.Year), fy.To.in(d.Year))
}

// leaveWeeks sums the approved leave of the period, capped by the program.
func (s setup) leaveWeeks(pd period) int {
	w := 0
	for _, l := range s.f.Leave {
		if l.PeriodEnd == pd.End {
			w += l.Weeks
		}
	}
	return min(w, s.p.Clinical.Leave.MaxWeeks.Value)
}

// withLeave scales the numbers by (W - weeks) / W: the primary minimum rounds up, the secondary
// maximum rounds down, and the total is their sum.
func withLeave(req ClinicalRequirement, l LeaveRule, weeks int) ClinicalRequirement {
	if weeks <= 0 {
		return req
	}
	w, left := l.WeeksPerYear, l.WeeksPerYear-weeks
	req.PrimaryMin = (req.PrimaryMin*left + w - 1) / w
	req.SecondaryMax = req.SecondaryMax * left / w
	req.Total = req.PrimaryMin + req.SecondaryMax
	req.LeaveWeeks = weeks
	req.Verified = req.Verified && l.Verified && l.MaxWeeks.Verified
	return req
}

// override finds an administrator override for the period.
func (s setup) override(pd period) (ClinicalOverride, bool) {
	for _, o := range s.f.ClinicalOverrides {
		if o.PeriodEnd == pd.End && (o.ProgramID == "" || o.ProgramID == s.p.ID) {
			return o, true
		}
	}
	return ClinicalOverride{}, false
}
