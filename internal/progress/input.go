package progress

import (
	"fmt"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// Credit is one CE credit from the member's ledger, as the engine needs it.
type Credit struct {
	// ID identifies the credit; it must be unique in one evaluation.
	ID string `json:"id"`
	// Date is the day the credit was earned: the session's day, or the event's last day when
	// the credit has no session breakdown (Decision 2).
	Date Date `json:"date"`
	// ActivityType is the kind of activity (see ActivityType for the names).
	ActivityType ActivityType `json:"activity_type"`
	// Category is the ABCP category ("none" for a credit ABCP did not categorise); empty means
	// the activity type's DefaultCategory.
	Category Category `json:"category,omitempty"`
	// ApprovedBy lists who approved the activity, by approver code ("abcp", "us-nj-pac"),
	// apart from its ABCP category (Decision 16).
	ApprovedBy []string `json:"approved_by,omitempty"`
	// Rejected is true for a self-reported credit an administrator rejected in review: it
	// counts nowhere and is listed as not counted (Decision 3b, nothing vanishes).
	Rejected bool `json:"rejected,omitempty"`
	// Amount is the awarded amount in 50-minute CEUs. When zero and Minutes is set, it is
	// derived from Minutes.
	Amount Units `json:"amount"`
	// Minutes is the duration when known (0: unknown); programs with another unit convert from it.
	Minutes int64 `json:"minutes,omitempty"`
	// Topics tags the content for topic requirements ("child_abuse_recognition").
	Topics []string `json:"topics,omitempty"`
	// Verified is true when the organizer posted the credit, false when self-reported; both
	// count the same (Decision 10).
	Verified bool `json:"verified"`
	// ApprovalRef is the ABCP approval reference, if any.
	ApprovalRef string `json:"approval_ref,omitempty"`
	// Session identifies the session the credit was earned in, if any; two credits of the same
	// activity type for one session count once (Decision 11).
	Session string `json:"session,omitempty"`
	// Source identifies what the credit comes from (an event, a self-reported activity); empty:
	// the credit is its own source. Credits of different sources with the same ApprovalRef,
	// date and activity type are one credit counted once; the sessions of one event are not.
	Source string `json:"source,omitempty"`
	// Count, above 1, makes this credit stand for that many alike: the same in everything but
	// their ids and sessions (Amount and Minutes are each one's). A brief evaluation counts them
	// at once; where they could fare differently it fails with ErrSummed. ID is the first one's,
	// and Session is empty: a summed read is of credits no other credit duplicates.
	Count int `json:"-"`
}

// count is how many credits c stands for.
func (c *Credit) count() exact {
	if c.Count > 1 {
		return exact(c.Count)
	}
	return 1
}

// source is the credit's Source, else its id.
func (c Credit) source() string {
	if c.Source != "" {
		return c.Source
	}
	return c.ID
}

// category returns the credit's category, defaulted from its activity type.
func (c Credit) category() Category {
	if c.Category != NoCategory {
		return c.Category
	}
	return c.ActivityType.DefaultCategory()
}

// in converts the credit to u exactly: from the stored minutes when known and the unit is not
// the CEU the amount was awarded in, else from the awarded amount (Decision 1). Nothing is
// rounded here; only displayed totals are (Decision 13).
func (c Credit) in(u Unit) exact {
	switch {
	case c.Amount == 0 && c.Minutes > 0:
		return exactFromMinutes(c.Minutes, u.Minutes())
	case u == CEU50:
		return exactOf(c.Amount)
	case c.Minutes > 0:
		return exactFromMinutes(c.Minutes, u.Minutes())
	}
	return exact(int64(c.Amount) * MinutesPerCEU * perHundredth / u.Minutes())
}

// ClinicalEntry is one line of a member's clinical activity log.
type ClinicalEntry struct {
	ID   string `json:"id"`
	Date Date   `json:"date"`
	// Type is the case type ("cpb", "ecmo", "standby", ...); the engine only reports it.
	Type string `json:"type,omitempty"`
	// Role is primary (Table A) or secondary (Table B).
	Role Role `json:"role"`
	// Count is the number of activities the line stands for (at least 1).
	Count int `json:"count"`
}

// Facts describe the member as far as one program needs them. The caller fills the licence
// dates of the state whose program is evaluated.
type Facts struct {
	// ABCPCycle is the member's ABCP professional cycle (1, 2 or 3) as ABCP assigned it; 0 when
	// unknown. It is data, never derived (Decision 3).
	ABCPCycle int `json:"abcp_cycle,omitempty"`
	// CertifiedOn is the date the member was first ABCP certified (the exam date).
	CertifiedOn Date `json:"certified_on,omitzero"`
	// ABCPCurrent is true while the member holds a current ABCP certification.
	ABCPCurrent bool `json:"abcp_current,omitempty"`
	// BirthMonth is the member's month of birth (0: unknown).
	BirthMonth time.Month `json:"birth_month,omitempty"`
	// LicenseIssued is the issue date of the member's licence in the program's state.
	LicenseIssued Date `json:"license_issued,omitzero"`
	// FirstLicensed is the date of the member's first-ever licence in that state.
	FirstLicensed Date `json:"first_licensed,omitzero"`
	// TrackingSince is the date from which Recert holds the member's record (set by an
	// administrator); zero means the date of the earliest credit or entry evaluated.
	// Periods that ended before it are not_tracked rather than deficient (Decision 17).
	TrackingSince Date `json:"tracking_since,omitzero"`
	// Leave lists approved leave, in weeks per clinical period.
	Leave []Leave `json:"leave,omitempty"`
	// ClinicalOverrides are numbers issued by the ABCP office that replace computed ones.
	ClinicalOverrides []ClinicalOverride `json:"clinical_overrides,omitempty"`
}

// Leave is approved leave relief for the clinical period ending on PeriodEnd.
type Leave struct {
	PeriodEnd Date `json:"period_end"`
	Weeks     int  `json:"weeks"`
}

// ClinicalOverride replaces the computed clinical numbers of the period ending on PeriodEnd.
// ProgramID limits it to one program; empty applies to any clinical program.
type ClinicalOverride struct {
	ProgramID    string `json:"program_id,omitempty"`
	PeriodEnd    Date   `json:"period_end"`
	Total        int    `json:"total"`
	PrimaryMin   int    `json:"primary_min"`
	SecondaryMax int    `json:"secondary_max"`
	// Reference records who issued the numbers (a letter, a ticket).
	Reference string `json:"reference,omitempty"`
}

// ValidateCredits checks the credits and reports problems with pointers under #/credits.
func ValidateCredits(credits []Credit) error {
	var v validator
	seen := make(map[string]bool, len(credits))
	for i, c := range credits {
		v.elem(c.ID != "", "credits", i, "id", "is required")
		v.elem(!seen[c.ID] || c.ID == "", "credits", i, "id", "duplicates an earlier credit id")
		seen[c.ID] = true
		v.elem(c.Date.Valid(), "credits", i, "date", "is not a valid date")
		v.elem(c.ActivityType.Valid(), "credits", i, "activity_type", "is not a known activity type")
		v.elem(c.Category.Valid(), "credits", i, "category", "must be I, II, III, none or empty")
		for j, a := range c.ApprovedBy {
			v.check(recert.ValidApproverCode(a), fmt.Sprintf("#/credits/%d/approved_by/%d", i, j), "must be an approver code such as abcp or us-nj-pac")
		}
		v.elem(c.Amount >= 0, "credits", i, "amount", "must not be negative")
		v.elem(c.Minutes >= 0, "credits", i, "minutes", "must not be negative")
	}
	return v.err()
}

// validateClinical checks clinical entries and reports problems with pointers under #/entries.
func validateClinical(entries []ClinicalEntry) error {
	var v validator
	seen := make(map[string]bool, len(entries))
	for i, e := range entries {
		v.elem(e.ID != "", "entries", i, "id", "is required")
		v.elem(!seen[e.ID] || e.ID == "", "entries", i, "id", "duplicates an earlier entry id")
		seen[e.ID] = true
		v.elem(e.Date.Valid(), "entries", i, "date", "is not a valid date")
		v.elem(e.Role == Primary || e.Role == Secondary, "entries", i, "role", "must be primary or secondary")
		v.elem(e.Count >= 1, "entries", i, "count", "must be at least 1")
	}
	return v.err()
}

// validateFacts checks the member facts that have a fixed shape.
func validateFacts(f Facts) error {
	var v validator
	v.check(f.ABCPCycle >= 0 && f.ABCPCycle <= 3, "#/facts/abcp_cycle", "must be 1, 2 or 3")
	v.check(f.BirthMonth >= 0 && f.BirthMonth <= 12, "#/facts/birth_month", "must be 1 to 12")
	for i, l := range f.Leave {
		v.check(l.Weeks >= 0, fmt.Sprintf("#/facts/leave/%d/weeks", i), "must not be negative")
	}
	for i, o := range f.ClinicalOverrides {
		at := fmt.Sprintf("#/facts/clinical_overrides/%d", i)
		v.check(o.Total >= 0 && o.PrimaryMin >= 0 && o.SecondaryMax >= 0, at, "numbers must not be negative")
		v.check(o.PrimaryMin <= o.Total, at+"/primary_min", "must not exceed total")
	}
	return v.err()
}
