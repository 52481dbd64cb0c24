package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Program is one versioned set of recertification rules (ABCP CCP CEUs, ABCP clinical activity,
// a state licence). It is data, never code: changing a value is a new Version of the program.
// Values that rules.md tags unverified [U] or inferred [I] carry Verified false so a deployment
// can confirm them.
type Program struct {
	// ID names the program, stable across versions ("abcp-ccp-ceu", "us-tx-perfusionist").
	ID string `json:"id"`
	// Name is a human-readable title.
	Name string `json:"name"`
	// Version increases with every change of a value.
	Version int `json:"version"`
	// Kind is "ceu" (credits in units) or "clinical" (counted clinical activities).
	Kind ProgramKind `json:"kind"`
	// Authority is the body that sets the rules.
	Authority string `json:"authority,omitempty"`
	// EffectiveFrom and EffectiveTo bound the dates this version applies to (EffectiveTo empty:
	// open-ended); see Select.
	EffectiveFrom Date `json:"effective_from"`
	EffectiveTo   Date `json:"effective_to,omitzero"`
	// Sources are the URLs the values were read from.
	Sources []string `json:"sources"`
	// Notes record assumptions and open questions, for people.
	Notes []string `json:"notes,omitempty"`

	// Period says how the requirement periods are laid out.
	Period PeriodRule `json:"period"`
	// MemberStart names the member fact that starts their obligations: "certification"
	// (Facts.CertifiedOn) or "first_licensed" (Facts.FirstLicensed, else LicenseIssued).
	// Periods that end before it are not evaluated.
	MemberStart MemberStart `json:"member_start,omitempty"`
	// FirstPeriodStartsOnMemberStart makes the period containing the member start begin on that
	// date (Decision 3: not prorated).
	FirstPeriodStartsOnMemberStart bool `json:"first_period_starts_on_member_start,omitempty"`
	// FirstPeriodExempt waives every requirement of the period containing the member start.
	FirstPeriodExempt bool `json:"first_period_exempt,omitempty"`
	// MetByABCPCertification makes every started period complete while the member holds a
	// current ABCP certification (Texas, Missouri).
	MetByABCPCertification bool `json:"met_by_abcp_certification,omitempty"`
	// Deadline says when a period's report or renewal is due.
	Deadline DeadlineRule `json:"deadline"`
	// PaceTolerance is how far below the pace target a member may be at a period's start and
	// still be on track, in the program's unit (activities for a clinical program); the
	// allowance shrinks in proportion to the share of the period still ahead, to nothing on the
	// last day (Decision 18; ABCP: one sixth of the requirement). Nil: none.
	PaceTolerance *Amount `json:"pace_tolerance,omitempty"`

	// Unit is the unit a "ceu" program counts in.
	Unit Unit `json:"unit,omitempty"`
	// CategoryUnits overrides Unit for one category (Category III "hour-for-hour").
	CategoryUnits map[Category]Unit `json:"category_units,omitempty"`
	// Accept says which credits the program counts at all.
	Accept Accept `json:"accept,omitzero"`
	// Total is the amount required per period.
	Total *Amount `json:"total,omitempty"`
	// Categories are minimums and maximums over one category's credits.
	Categories []CategoryRule `json:"categories,omitempty"`
	// Caps limit one activity type, per activity and per period.
	Caps []Cap `json:"caps,omitempty"`
	// Topics are requirements that count inside the total (Pennsylvania child abuse).
	Topics []TopicRule `json:"topics,omitempty"`
	// CarryOver is the most surplus that moves into the next period only; nil: none.
	CarryOver *Amount `json:"carry_over,omitempty"`

	// Clinical holds the rules of a "clinical" program.
	Clinical *ClinicalRule `json:"clinical,omitempty"`

	// checked says Check found the program valid: evaluations need not validate it again.
	checked bool
}

// Check validates the program once for all its evaluations: a catalogue checks its programs
// when it reads them, and every evaluation of the program it returns skips validating it.
func (p Program) Check() (Program, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	p.checked = true
	return p, nil
}

// ProgramKind tells credit programs from clinical-activity programs.
type ProgramKind string

// The program kinds.
const (
	KindCEU      ProgramKind = "ceu"
	KindClinical ProgramKind = "clinical"
)

// MemberStart names the fact that starts a member's obligations under a program.
type MemberStart string

// The member start facts.
const (
	StartCertification MemberStart = "certification"
	StartFirstLicensed MemberStart = "first_licensed"
)

// Amount is a program value in units with its confidence: Verified false marks a value tagged
// [U] or [I] in rules.md. JSON: {"value": "10.00", "verified": false}.
type Amount struct {
	Value    Units `json:"value"`
	Verified bool  `json:"verified"`
}

// Count is a program value that counts things (clinical activities, courses), with its
// confidence. JSON: {"value": 40, "verified": true}.
type Count struct {
	Value    int  `json:"value"`
	Verified bool `json:"verified"`
}

// PeriodKind names a way of laying out requirement periods.
type PeriodKind string

// The period kinds.
const (
	// PeriodABCPCycle: Years-long periods starting on Start, ending in a year Y with
	// Y mod Years = CycleEndYearMod[member's cycle] (ABCP: 1 Jul Y-3 – 30 Jun Y).
	PeriodABCPCycle PeriodKind = "abcp_cycle"
	// PeriodClinicalYear: one year from Start (ABCP: 1 July – 30 June).
	PeriodClinicalYear PeriodKind = "clinical_year"
	// PeriodFixedBiennium: two years from Start in AnchorYear, AnchorYear+2, ...
	PeriodFixedBiennium PeriodKind = "fixed_biennium"
	// PeriodBirthMonthBiennium: two years ending on the last day of the member's birth month,
	// in years of AnchorYear's parity (or, without AnchorYear, of the licence year's parity).
	PeriodBirthMonthBiennium PeriodKind = "birth_month_biennium"
	// PeriodCalendarYear: 1 January – 31 December.
	PeriodCalendarYear PeriodKind = "calendar_year"
	// PeriodRollingMonths: consecutive Months-long periods from the member's licence issue date.
	PeriodRollingMonths PeriodKind = "rolling_months"
)

// PeriodRule lays out a program's periods. Which fields apply depends on Kind.
type PeriodRule struct {
	Kind PeriodKind `json:"kind"`
	// Start is the first day of a period (abcp_cycle, clinical_year, fixed_biennium).
	Start *MonthDay `json:"start,omitempty"`
	// Years is the length of an abcp_cycle period.
	Years int `json:"years,omitempty"`
	// CycleEndYearMod maps an ABCP cycle to the value of (end year mod Years).
	CycleEndYearMod map[int]int `json:"cycle_end_year_mod,omitempty"`
	// AnchorYear is a year a fixed biennium starts in, or a birth-month biennium ends in.
	AnchorYear int `json:"anchor_year,omitempty"`
	// Months is the length of a rolling_months period.
	Months int `json:"months,omitempty"`
	// Verified is false when the layout is assumed rather than read in a source.
	Verified bool `json:"verified"`
}

// DeadlineRule places the due instant of a period: the period's last day plus AfterEnd, at Time
// in TimeZone (ABCP: 30 June + 31 days = 31 July, 23:59 America/Los_Angeles).
type DeadlineRule struct {
	AfterEnd Offset `json:"after_end"`
	// Time is the wall-clock time "HH:MM".
	Time string `json:"time"`
	// TimeZone is an IANA zone name.
	TimeZone string `json:"time_zone"`
	Verified bool   `json:"verified"`
}

// Offset is a calendar distance: months first (clamped to month end), then days.
type Offset struct {
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// Accept filters the credits a program counts (Decision 16). A credit is accepted when its
// category is in Categories or one of its approvers is in ApprovedBy (New Jersey: Category I,
// or approved by its committee), and its activity type is in ActivityTypes. Empty lists accept
// anything; Categories alone, or ApprovedBy alone, accepts only what it names.
type Accept struct {
	Categories    []Category     `json:"categories,omitempty"`
	ApprovedBy    []string       `json:"approved_by,omitempty"`
	ActivityTypes []ActivityType `json:"activity_types,omitempty"`
}

// refuses says why a credit of category cat is not accepted, or "" when it is. An empty
// category in the list is read as "none", as earlier program versions wrote it.
func (a Accept) refuses(c *Credit, cat Category) NotCountedReason {
	byCategory := slices.Contains(a.Categories, cat) || cat == CategoryNone && slices.Contains(a.Categories, NoCategory)
	byApprover := slices.ContainsFunc(c.ApprovedBy, func(x string) bool { return slices.Contains(a.ApprovedBy, x) })
	switch {
	case (len(a.Categories) > 0 || len(a.ApprovedBy) > 0) && !byCategory && !byApprover:
		return ReasonNotAccepted
	case len(a.ActivityTypes) > 0 && !slices.Contains(a.ActivityTypes, c.ActivityType):
		return ReasonActivityNotAccepted
	}
	return ""
}

// CategoryRule is a minimum and/or a maximum over the counted credits of one category, less any
// excluded activity types (ABCP: Category I >= 15; Category I without SDCE >= 5).
type CategoryRule struct {
	ID                   string         `json:"id"`
	Category             Category       `json:"category"`
	ExcludeActivityTypes []ActivityType `json:"exclude_activity_types,omitempty"`
	Min                  *Amount        `json:"min,omitempty"`
	Max                  *Amount        `json:"max,omitempty"`
	Note                 string         `json:"note,omitempty"`
}

// Cap limits one activity type: PerActivity bounds each credit, PerPeriod the sum in a period.
// A nil limit is no limit; rows whose values rules.md could not read [U] ship without limits and
// say so in Note.
type Cap struct {
	ID           string       `json:"id"`
	ActivityType ActivityType `json:"activity_type"`
	PerActivity  *Amount      `json:"per_activity,omitempty"`
	PerPeriod    *Amount      `json:"per_period,omitempty"`
	Note         string       `json:"note,omitempty"`
}

// TopicRule requires credits tagged Topic inside the total: Min units and/or MinCount credits
// (Pennsylvania: 2 hours child_abuse_recognition; Texas: one human_trafficking course).
type TopicRule struct {
	ID       string  `json:"id"`
	Topic    string  `json:"topic"`
	Min      *Amount `json:"min,omitempty"`
	MinCount *Count  `json:"min_count,omitempty"`
	Note     string  `json:"note,omitempty"`
}

// ClinicalRule is the requirement of a clinical-activity program per period.
type ClinicalRule struct {
	// Total is the number of counted activities required.
	Total Count `json:"total"`
	// PrimaryMin is the least number of primary activities.
	PrimaryMin Count `json:"primary_min"`
	// SecondaryMax is the most secondary activities counted.
	SecondaryMax Count `json:"secondary_max"`
	// FirstYear applies to the period containing a certification date within its window.
	FirstYear *FirstYearRule `json:"first_year,omitempty"`
	// Leave, when set, lets approved leave reduce a period's numbers.
	Leave *LeaveRule `json:"leave,omitempty"`
}

// FirstYearRule: a member certified between From and To (same calendar year, inclusive) has a
// first period from the certification date with these numbers (ABCP: certified in the fall,
// 20 activities, at most 8 secondary).
type FirstYearRule struct {
	From         MonthDay `json:"from"`
	To           MonthDay `json:"to"`
	Total        Count    `json:"total"`
	PrimaryMin   Count    `json:"primary_min"`
	SecondaryMax Count    `json:"secondary_max"`
}

// LeaveRule scales a period's numbers by (WeeksPerYear - weeks) / WeeksPerYear for approved
// leave of up to MaxWeeks weeks: the primary minimum rounds up, the secondary maximum rounds
// down, and the total becomes their sum (rules.md §8 item 9).
type LeaveRule struct {
	MaxWeeks     Count `json:"max_weeks"`
	WeeksPerYear int   `json:"weeks_per_year"`
	// Verified is false while the scaling formula is illustrative (rules.md §8 item 9).
	Verified bool `json:"verified"`
}

// ParseProgram decodes a program document strictly (unknown fields are errors) and validates it.
func ParseProgram(data []byte) (Program, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Program
	if err := dec.Decode(&p); err != nil {
		return Program{}, fmt.Errorf("progress: program document: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Program{}, err
	}
	return p, nil
}

// EffectiveOn reports whether this version applies on d.
func (p Program) EffectiveOn(d Date) bool {
	return !d.Before(p.EffectiveFrom) && (p.EffectiveTo.IsZero() || !d.After(p.EffectiveTo))
}

// Select returns the version of program id effective on d, the highest version when several
// are: one of programs, not a copy; nil when none is.
func Select(programs []Program, id string, d Date) *Program {
	var best *Program
	for i := range programs {
		if p := &programs[i]; p.ID == id && p.EffectiveOn(d) && (best == nil || p.Version > best.Version) {
			best = p
		}
	}
	return best
}

// paceTolerance is the program's pace tolerance, zero when it has none.
func (p Program) paceTolerance() Units {
	if p.PaceTolerance == nil {
		return 0
	}
	return p.PaceTolerance.Value
}

// unitFor returns the unit the program counts credits of category c in.
func (p Program) unitFor(c Category) Unit {
	if u, ok := p.CategoryUnits[c]; ok {
		return u
	}
	return p.Unit
}

// location loads the deadline time zone.
func (p Program) location() (*time.Location, error) {
	loc, err := loadZone(p.Deadline.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("progress: program %s: time zone %q: %w", p.ID, p.Deadline.TimeZone, err)
	}
	return loc, nil
}

// The member facts a program may need before it can evaluate, named as on the member record.
const (
	NeedsABCPCycle     = "abcp_cycle"
	NeedsBirthMonth    = "birth_month"
	NeedsLicenseIssued = "issued_on"
)

// Needs lists the member facts the program cannot evaluate without: the ABCP cycle for ABCP's
// periods, the birth month for birth-month bienniums, the licence issue date for periods or
// obligations that run from it.
func (p Program) Needs() []string {
	var out []string
	switch p.Period.Kind {
	case PeriodABCPCycle:
		out = append(out, NeedsABCPCycle)
	case PeriodBirthMonthBiennium:
		out = append(out, NeedsBirthMonth)
	}
	if p.Period.Kind == PeriodRollingMonths || p.Period.Kind == PeriodBirthMonthBiennium && p.Period.AnchorYear == 0 ||
		p.MemberStart == StartFirstLicensed {
		out = append(out, NeedsLicenseIssued)
	}
	return out
}

// zones keeps the time zones loaded: loading one reads the zone database again each time.
var zones sync.Map // IANA name → *time.Location

// loadZone is time.LoadLocation, each zone loaded once.
func loadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
