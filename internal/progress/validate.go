package progress

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

var programID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks that the program is consistent and returns a *ValidationError listing every
// problem with a JSON Pointer into the program document, or nil.
func (p Program) Validate() error {
	var v validator
	v.check(programID.MatchString(p.ID), "#/id", "must be lowercase words joined by hyphens")
	v.check(p.Name != "", "#/name", "is required")
	v.check(p.Version >= 1, "#/version", "must be at least 1")
	v.check(p.EffectiveFrom.Valid(), "#/effective_from", "is required")
	v.check(p.EffectiveTo.IsZero() || !p.EffectiveTo.Before(p.EffectiveFrom), "#/effective_to", "must not be before effective_from")
	for i, s := range p.Sources {
		u, err := url.Parse(s)
		v.check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", fmt.Sprintf("#/sources/%d", i), "must be an http(s) URL")
	}
	v.check(p.MemberStart == "" || p.MemberStart == StartCertification || p.MemberStart == StartFirstLicensed,
		"#/member_start", `must be "certification" or "first_licensed"`)
	v.check(p.MemberStart != "" || !(p.FirstPeriodExempt || p.FirstPeriodStartsOnMemberStart),
		"#/member_start", "is required by the first-period rules")
	nonNegative(&v, "#/pace_tolerance", p.PaceTolerance)
	p.validatePeriod(&v)
	p.validateDeadline(&v)
	switch p.Kind {
	case KindCEU:
		p.validateCEU(&v)
	case KindClinical:
		p.validateClinical(&v)
	default:
		v.check(false, "#/kind", `must be "ceu" or "clinical"`)
	}
	return v.err()
}

func (p Program) validatePeriod(v *validator) {
	r := p.Period
	needStart := r.Kind == PeriodABCPCycle || r.Kind == PeriodClinicalYear || r.Kind == PeriodFixedBiennium
	if needStart && v.check(r.Start != nil, "#/period/start", "is required for this period kind") {
		v.check(r.Start.valid(), "#/period/start", "must be a month and a day that exist every year")
	}
	switch r.Kind {
	case PeriodABCPCycle:
		if v.check(r.Years >= 1 && r.Years <= 10, "#/period/years", "must be 1 to 10") {
			validateCycles(v, r)
		}
	case PeriodFixedBiennium:
		v.check(r.AnchorYear >= 1900 && r.AnchorYear <= 2200, "#/period/anchor_year", "must be a year from 1900 to 2200")
	case PeriodBirthMonthBiennium:
		v.check(r.AnchorYear == 0 || (r.AnchorYear >= 1900 && r.AnchorYear <= 2200), "#/period/anchor_year", "must be a year from 1900 to 2200")
	case PeriodRollingMonths:
		v.check(r.Months >= 1 && r.Months <= 120, "#/period/months", "must be 1 to 120")
	case PeriodClinicalYear, PeriodCalendarYear:
	default:
		v.check(false, "#/period/kind", fmt.Sprintf("unknown period kind %q", r.Kind))
	}
}

// validateCycles requires cycles 1..n mapped to distinct remainders below Years.
func validateCycles(v *validator, r PeriodRule) {
	if !v.check(len(r.CycleEndYearMod) > 0, "#/period/cycle_end_year_mod", "is required for abcp_cycle") {
		return
	}
	used := map[int]bool{}
	for _, c := range slices.Sorted(maps.Keys(r.CycleEndYearMod)) {
		m := r.CycleEndYearMod[c]
		at := fmt.Sprintf("#/period/cycle_end_year_mod/%d", c)
		v.check(c >= 1 && c <= len(r.CycleEndYearMod), at, "cycles must be numbered from 1")
		v.check(m >= 0 && m < r.Years && !used[m], at, "must be a distinct remainder below years")
		used[m] = true
	}
}

func (p Program) validateDeadline(v *validator) {
	d := p.Deadline
	v.check(d.AfterEnd.Months >= 0 && d.AfterEnd.Days >= 0, "#/deadline/after_end", "must not be negative")
	_, err := time.Parse("15:04", d.Time)
	v.check(err == nil, "#/deadline/time", `must be a wall-clock time "HH:MM"`)
	if v.check(d.TimeZone != "", "#/deadline/time_zone", "is required (an IANA time zone)") {
		_, err := loadZone(d.TimeZone)
		v.check(err == nil, "#/deadline/time_zone", fmt.Sprintf("unknown time zone %q", d.TimeZone))
	}
}

func (p Program) validateCEU(v *validator) {
	v.check(p.Clinical == nil, "#/clinical", `is only for programs of kind "clinical"`)
	v.check(p.Unit.Minutes() > 0, "#/unit", `must be "ceu50" or "hour60"`)
	for _, c := range slices.Sorted(maps.Keys(p.CategoryUnits)) {
		u := p.CategoryUnits[c]
		at := "#/category_units/" + string(c)
		v.check(c.Valid() && c != NoCategory, at, "must be keyed by category I, II, III or none")
		v.check(u.Minutes() > 0, at, `must be "ceu50" or "hour60"`)
	}
	for i, c := range p.Accept.Categories {
		v.check(c.Valid(), fmt.Sprintf("#/accept/categories/%d", i), "is not a known category")
	}
	for i, a := range p.Accept.ApprovedBy {
		v.check(recert.ValidApproverCode(a), fmt.Sprintf("#/accept/approved_by/%d", i), "must be an approver code such as abcp or us-nj-pac")
	}
	for i, t := range p.Accept.ActivityTypes {
		v.check(t.Valid(), fmt.Sprintf("#/accept/activity_types/%d", i), "is not a known activity type")
	}
	total := Units(-1)
	if v.check(p.Total != nil, "#/total", "is required") && nonNegative(v, "#/total", p.Total) {
		total = p.Total.Value
	}
	ids := map[string]bool{"total": true, "carry_over": true, "duplicate_session": true}
	uniqueID := func(id, at string) {
		v.check(programID.MatchString(id), at, "must be lowercase words joined by hyphens")
		v.check(!ids[id], at, fmt.Sprintf("rule id %q is used twice or reserved", id))
		ids[id] = true
	}
	for i, r := range p.Categories {
		at := fmt.Sprintf("#/categories/%d", i)
		uniqueID(r.ID, at+"/id")
		v.check(r.Category.Valid(), at+"/category", "is not a known category")
		validTypes(v, at+"/exclude_activity_types", r.ExcludeActivityTypes)
		v.check(r.Min != nil || r.Max != nil, at, "needs min or max")
		okMin, okMax := nonNegative(v, at+"/min", r.Min), nonNegative(v, at+"/max", r.Max)
		if okMin && okMax && r.Min != nil && r.Max != nil {
			v.check(r.Min.Value <= r.Max.Value, at+"/min", "must not exceed max")
		}
		if okMin && r.Min != nil && total >= 0 {
			v.check(r.Min.Value <= total, at+"/min", "must not exceed the total")
		}
	}
	for i, c := range p.Caps {
		at := fmt.Sprintf("#/caps/%d", i)
		uniqueID(c.ID, at+"/id")
		v.check(c.ActivityType.Valid(), at+"/activity_type", "is not a known activity type")
		nonNegative(v, at+"/per_activity", c.PerActivity)
		nonNegative(v, at+"/per_period", c.PerPeriod)
	}
	for i, t := range p.Topics {
		at := fmt.Sprintf("#/topics/%d", i)
		uniqueID(t.ID, at+"/id")
		v.check(t.Topic != "", at+"/topic", "is required")
		v.check(t.Min != nil || t.MinCount != nil, at, "needs min or min_count")
		if nonNegative(v, at+"/min", t.Min) && t.Min != nil && total >= 0 {
			v.check(t.Min.Value <= total, at+"/min", "must not exceed the total")
		}
		v.check(t.MinCount == nil || t.MinCount.Value >= 0, at+"/min_count", "must not be negative")
	}
	nonNegative(v, "#/carry_over", p.CarryOver)
}

func (p Program) validateClinical(v *validator) {
	if !v.check(p.Clinical != nil, "#/clinical", "is required for a clinical program") {
		return
	}
	v.check(p.Total == nil && p.Unit == "" && len(p.Caps) == 0 && len(p.Categories) == 0 && len(p.Topics) == 0 && p.CarryOver == nil,
		"#/kind", "a clinical program has no credit rules (unit, total, categories, caps, topics, carry_over)")
	c := p.Clinical
	validateNumbers(v, "#/clinical", c.Total, c.PrimaryMin, c.SecondaryMax)
	if f := c.FirstYear; f != nil {
		validateNumbers(v, "#/clinical/first_year", f.Total, f.PrimaryMin, f.SecondaryMax)
		v.check(f.From.valid(), "#/clinical/first_year/from", "must be a month and a day that exist every year")
		v.check(f.To.valid(), "#/clinical/first_year/to", "must be a month and a day that exist every year")
		v.check(!f.To.in(2023).Before(f.From.in(2023)), "#/clinical/first_year/to", "must not be before from")
		v.check(p.MemberStart == StartCertification, "#/member_start", `must be "certification" when first_year is set`)
	}
	if l := c.Leave; l != nil {
		v.check(l.WeeksPerYear >= 1, "#/clinical/leave/weeks_per_year", "must be at least 1")
		v.check(l.MaxWeeks.Value >= 0 && l.MaxWeeks.Value <= l.WeeksPerYear, "#/clinical/leave/max_weeks", "must be from 0 to weeks_per_year")
	}
}

// validateNumbers checks a clinical triple: non-negative and primary_min <= total.
func validateNumbers(v *validator, at string, total, primaryMin, secondaryMax Count) {
	v.check(total.Value >= 0, at+"/total", "must not be negative")
	v.check(primaryMin.Value >= 0, at+"/primary_min", "must not be negative")
	v.check(secondaryMax.Value >= 0, at+"/secondary_max", "must not be negative")
	v.check(primaryMin.Value <= total.Value, at+"/primary_min", "must not exceed total")
}

func validTypes(v *validator, at string, types []ActivityType) {
	for i, t := range types {
		v.check(t.Valid(), fmt.Sprintf("%s/%d", at, i), "is not a known activity type")
	}
}

// nonNegative reports whether a (when set) is at least zero, recording an error if not.
func nonNegative(v *validator, at string, a *Amount) bool {
	return a == nil || v.check(a.Value >= 0, at, "must not be negative")
}
