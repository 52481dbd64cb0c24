package progress

import "time"

// PeriodInfo is what every evaluated period reports, credit or clinical.
type PeriodInfo struct {
	// Relation places the period around the as-of date: previous, current or next.
	Relation Relation `json:"relation"`
	// Start and End are the first and last day counted (Start may be the certification date).
	Start Date `json:"start"`
	End   Date `json:"end"` // inclusive
	// Deadline is the due instant in the program's time zone (RFC 3339 with offset).
	Deadline time.Time `json:"deadline"`
	// Status follows Decision 8.
	Status Status `json:"status"`
	// FirstPeriod is true for the period that contains the member's start.
	FirstPeriod bool `json:"first_period,omitempty"`
	// Exempt is true when the program waives the first period's requirements.
	Exempt bool `json:"exempt,omitempty"`
	// MetBy names a short-circuit that completes the period: "abcp_certification".
	MetBy string `json:"met_by,omitempty"`
	// ElapsedDays and Days measure the period's progress for the pace of Decision 8.
	ElapsedDays int `json:"elapsed_days"`
	Days        int `json:"days"`
	// PartlyTracked is true when the member's record in Recert starts inside the period: its
	// judgment rests on the credits recorded since.
	PartlyTracked bool `json:"partly_tracked,omitempty"`
	// Summary says where the period stands in a member's words.
	Summary Summary `json:"summary"`
}

// MetByABCPCertification is the PeriodInfo.MetBy value of the Texas/Missouri short-circuit.
const MetByABCPCertification = "abcp_certification"

// Evaluation is the progress of one member under one credit ("ceu") program.
type Evaluation struct {
	// ProgramID and ProgramVersion name the program version evaluated.
	ProgramID      string `json:"program_id"`
	ProgramVersion int    `json:"program_version"`
	// AsOf is the date the periods and statuses are relative to.
	AsOf Date `json:"as_of"`
	// Unit is the unit every amount of the evaluation is in.
	Unit Unit `json:"unit"`
	// TrackingSince is when the member's record in Recert starts (Decision 17); zero: no record.
	TrackingSince Date `json:"tracking_since,omitzero"`
	// Periods are the previous, current and next periods, less those before the member's start.
	Periods []PeriodResult `json:"periods"`
}

// PeriodResult explains one credit period. Claimed = Counted + Excess for the accepted credits;
// the total rule compares Counted + CarriedIn with Required.
type PeriodResult struct {
	PeriodInfo
	// Required is the total required (0 when exempt).
	Required Units `json:"required"`
	// Claimed is what the accepted credits of the period are worth in the program's unit.
	Claimed Units `json:"claimed"`
	// Excess is what caps and duplicate rules removed; every cut is listed in Cuts.
	Excess Units `json:"excess"`
	// Counted is what the period's own credits count after caps.
	Counted Units `json:"counted"`
	// CarriedIn is surplus carried from the previous period (counts toward the total only).
	CarriedIn Units `json:"carried_in"`
	// Remaining is what the total still needs.
	Remaining Units `json:"remaining"`
	// Surplus is counted plus carried-in beyond the required total.
	Surplus Units `json:"surplus"`
	// CarriedOut is the part of the own surplus that moves (or would move) to the next period.
	CarriedOut Units `json:"carried_out"`
	// PaceTarget is the counted total an open period needs today to be on track: the elapsed
	// share of the required total, rounded up to 0.01 for display (the status compares exact
	// amounts). Absent when the period is not open or is met.
	PaceTarget *Units `json:"pace_target,omitempty"`
	// NotCounted lists every credit of the period, or part of one, the program does not count,
	// with why (Decision 3b: nothing vanishes); NotCountedTotals sums them by reason.
	NotCounted       []NotCounted      `json:"not_counted"`
	NotCountedTotals []NotCountedTotal `json:"not_counted_totals"`
	// ByCategory sums the credits per ABCP category.
	ByCategory []CategoryResult `json:"by_category"`
	// Requirements reports every minimum: the total, category minimums and topics.
	Requirements []RequirementResult `json:"requirements"`
	// Limits reports every maximum that was applied: caps and category maximums.
	Limits []LimitResult `json:"limits"`
	// Cuts lists every amount removed, in the order the rules were applied (Decision 4).
	Cuts []CreditCut `json:"cuts"`
	// Credits explains each credit dated in the period, in allocation order.
	Credits []CreditResult `json:"credits"`
}

// CategoryResult sums one category's accepted credits.
type CategoryResult struct {
	Category Category `json:"category"`
	// Claimed = Counted + Excess, over the category's accepted credits.
	Claimed Units `json:"claimed"`
	Excess  Units `json:"excess"`
	Counted Units `json:"counted"`
}

// Requirement kinds reported in RequirementResult.Kind.
const (
	RequirementTotal    = "total"
	RequirementCategory = "category"
	RequirementTopic    = "topic"
)

// RequirementResult is one minimum rule of a period.
type RequirementResult struct {
	// ID is the rule id from the program ("total" for the required total).
	ID string `json:"id"`
	// Kind is total, category or topic.
	Kind string `json:"kind"`
	// What names the requirement for people ("Category I CEUs other than SDCE").
	What string `json:"what"`
	// Category, ExcludeActivityTypes and Topic say which credits the rule counts.
	Category             Category       `json:"category,omitempty"`
	ExcludeActivityTypes []ActivityType `json:"exclude_activity_types,omitempty"`
	Topic                string         `json:"topic,omitempty"`
	// Required is the minimum (0 when exempt), Counted what counts toward it, Remaining the
	// shortfall.
	Required  Units `json:"required"`
	Counted   Units `json:"counted"`
	Remaining Units `json:"remaining"`
	// RequiredCount and CountedCount are set for a topic that counts credits (one course).
	RequiredCount *int `json:"required_count,omitempty"`
	CountedCount  *int `json:"counted_count,omitempty"`
	// Met is true when the rule is satisfied.
	Met bool `json:"met"`
	// MetBy names a short-circuit that satisfies the rule: "abcp_certification".
	MetBy string `json:"met_by,omitempty"`
	// Verified is false when the rule's value is unverified or inferred.
	Verified bool `json:"verified"`
}

// Limit kinds, reported in LimitResult.Kind and Cut.Kind.
const (
	LimitPerActivity = "per_activity"
	LimitPerPeriod   = "per_period"
	LimitCategoryMax = "category_max"
	LimitDuplicate   = "duplicate"
)

// DuplicateRule is the rule id of a cut that removed a second credit for the same session and
// activity type (Decision 11).
const DuplicateRule = "duplicate_session"

// DuplicateApprovalRule is the rule id of a cut that removed a credit another source already
// gives for the same ABCP approval reference, date and activity type (issue of one approved
// offering reported twice: posted by its organizer and self-reported, or two events sharing
// one approval).
const DuplicateApprovalRule = "duplicate_approval"

// LimitResult is one maximum applied in a period.
type LimitResult struct {
	// ID is the cap or category rule id from the program.
	ID string `json:"id"`
	// Kind is per_activity, per_period or category_max.
	Kind string `json:"kind"`
	// ActivityType (caps) or Category (category maximums) says what the limit applies to.
	ActivityType ActivityType `json:"activity_type,omitempty"`
	Category     Category     `json:"category,omitempty"`
	// Limit is the maximum: per credit for per_activity, per period otherwise.
	Limit Units `json:"limit"`
	// Kept is what passed the limit, Excess what it removed.
	Kept   Units `json:"kept"`
	Excess Units `json:"excess"`
	// Verified is false when the limit's value is unverified or inferred.
	Verified bool `json:"verified"`
}

// Cut is an amount a rule removed from one credit.
type Cut struct {
	// Rule is the id of the rule that removed the amount (a cap, a category rule, or
	// DuplicateRule).
	Rule string `json:"rule"`
	// Kind is per_activity, per_period, category_max or duplicate.
	Kind   string `json:"kind"`
	Amount Units  `json:"amount"`
}

// CreditCut is a Cut with the credit it applies to.
type CreditCut struct {
	// CreditID is the credit the cut applies to.
	CreditID string `json:"credit_id"`
	Cut
}

// CreditResult explains one credit in one period.
type CreditResult struct {
	// ID, Date, ActivityType, Category and Verified repeat the credit (Category defaulted from
	// the activity type).
	ID           string       `json:"id"`
	Date         Date         `json:"date"`
	ActivityType ActivityType `json:"activity_type"`
	Category     Category     `json:"category,omitempty"`
	ApprovedBy   []string     `json:"approved_by,omitempty"`
	Verified     bool         `json:"verified"`
	// Awarded is the credit in CEUs of 50 minutes as awarded, when the program counts another
	// unit (Decision 21: a report line shows both).
	Awarded Units `json:"awarded,omitempty"`
	// Claimed is the credit's worth in the program's unit.
	Claimed Units `json:"claimed"`
	// Counted is what it counts after caps.
	Counted Units `json:"counted"`
	// Cuts lists what each rule removed from this credit, in application order.
	Cuts []Cut `json:"cuts,omitempty"`
	// CountsToward lists the rule ids its counted amount counts toward ("total", category and
	// topic rules).
	CountsToward []string `json:"counts_toward,omitempty"`
	// NotCounted is the reason the program counts nothing of the credit, if so, and
	// NotAccepted says it in words.
	NotCounted  NotCountedReason `json:"not_counted,omitempty"`
	NotAccepted string           `json:"not_accepted,omitempty"`
}

// NotCountedReason says why a credit, or part of one, does not count.
type NotCountedReason string

// The reasons a credit does not count.
const (
	// ReasonNotAccepted: neither its ABCP category nor its approver is one the program accepts.
	ReasonNotAccepted NotCountedReason = "not_accepted"
	// ReasonActivityNotAccepted: the program does not accept its activity type.
	ReasonActivityNotAccepted NotCountedReason = "activity_not_accepted"
	// ReasonOverCap: a per-activity, per-period or category maximum removed it.
	ReasonOverCap NotCountedReason = "over_cap"
	// ReasonDuplicate: another credit for the same session and activity type, or for the same
	// ABCP approval reference, date and activity type, counts instead.
	ReasonDuplicate NotCountedReason = "duplicate"
	// ReasonRejected: an administrator rejected it in review.
	ReasonRejected NotCountedReason = "rejected"
	// ReasonOutsidePeriod: it is dated in the period's span but before the member's obligations
	// start (before the certification date of a first period).
	ReasonOutsidePeriod NotCountedReason = "outside_period"
)

// notCountedReasons lists the reasons in the order totals are reported.
var notCountedReasons = []NotCountedReason{ReasonNotAccepted, ReasonActivityNotAccepted, ReasonOverCap,
	ReasonDuplicate, ReasonRejected, ReasonOutsidePeriod}

// NotCounted is a credit, or the part of one, that a period does not count.
type NotCounted struct {
	CreditID string           `json:"credit_id"`
	Date     Date             `json:"date"`
	Reason   NotCountedReason `json:"reason"`
	// Rule is the id of the cap or rule that removed the amount, when one did.
	Rule string `json:"rule,omitempty"`
	// Amount is what does not count, in the program's unit, rounded down to 0.01.
	Amount Units `json:"amount"`
	// Detail says why in words.
	Detail string `json:"detail"`
}

// NotCountedTotal sums the not-counted amounts of one reason.
type NotCountedTotal struct {
	Reason  NotCountedReason `json:"reason"`
	Credits int              `json:"credits"`
	Amount  Units            `json:"amount"`
}

// ClinicalEvaluation is the progress of one member under one clinical-activity program.
type ClinicalEvaluation struct {
	// ProgramID and ProgramVersion name the program version evaluated.
	ProgramID      string `json:"program_id"`
	ProgramVersion int    `json:"program_version"`
	// AsOf is the date the periods and statuses are relative to.
	AsOf Date `json:"as_of"`
	// TrackingSince is when the member's record in Recert starts (Decision 17); zero: no record.
	TrackingSince Date `json:"tracking_since,omitzero"`
	// Periods are the previous, current and next periods, less those before the member's start.
	Periods []ClinicalPeriodResult `json:"periods"`
}

// Clinical requirement bases, reported in ClinicalRequirement.Basis.
const (
	BasisStandard  = "standard"
	BasisFirstYear = "first_year"
	BasisExempt    = "exempt"
	BasisOverride  = "override"
)

// ClinicalRequirement is the numbers a clinical period requires and where they come from.
type ClinicalRequirement struct {
	// Total activities required, at least PrimaryMin primary, secondary counted up to
	// SecondaryMax.
	Total        int `json:"total"`
	PrimaryMin   int `json:"primary_min"`
	SecondaryMax int `json:"secondary_max"`
	// Basis is standard, first_year, exempt or override.
	Basis string `json:"basis"`
	// LeaveWeeks is the approved leave applied (capped at the program's maximum).
	LeaveWeeks int `json:"leave_weeks,omitempty"`
	// OverrideReference records who issued override numbers.
	OverrideReference string `json:"override_reference,omitempty"`
	// Verified is false when a number used is unverified or inferred.
	Verified bool `json:"verified"`
}

// ClinicalCounts counts activities by role.
type ClinicalCounts struct {
	Primary   int `json:"primary"`
	Secondary int `json:"secondary"`
	Total     int `json:"total"`
}

// ClinicalPeriodResult explains one clinical period.
type ClinicalPeriodResult struct {
	PeriodInfo
	// Requirement is the numbers this period requires.
	Requirement ClinicalRequirement `json:"requirement"`
	// Logged counts every entry of the period; Counted what counts after the secondary maximum.
	Logged  ClinicalCounts `json:"logged"`
	Counted ClinicalCounts `json:"counted"`
	// Excess is the number of secondary activities beyond the maximum.
	Excess int `json:"excess"`
	// Remaining is what each minimum still needs.
	Remaining ClinicalRemaining `json:"remaining"`
	// PaceTarget is the counted total an open period needs today to be on track.
	PaceTarget *int `json:"pace_target,omitempty"`
	// Entries explains each entry of the period, in allocation order.
	Entries []EntryResult `json:"entries"`
}

// ClinicalRemaining is what each clinical minimum still needs.
type ClinicalRemaining struct {
	Primary int `json:"primary"`
	Total   int `json:"total"`
}

// EntryResult explains one clinical entry in its period.
type EntryResult struct {
	// ID, Date, Type, Role and Count repeat the entry.
	ID    string `json:"id"`
	Date  Date   `json:"date"`
	Type  string `json:"type,omitempty"`
	Role  Role   `json:"role"`
	Count int    `json:"count"`
	// Counted is how many of Count activities count.
	Counted int `json:"counted"`
	// Excess is the part beyond the secondary maximum (rule "secondary_max").
	Excess int `json:"excess,omitempty"`
}
