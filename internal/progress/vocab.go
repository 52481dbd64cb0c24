package progress

import (
	"slices"
	"strings"
)

// ActivityType names a kind of CE activity (rules.md §1.3). The names are snake_case versions
// of the engine enumeration there:
//
//	meeting_attendance       CAT1_MEETING_ATTENDANCE: ABCP-approved meeting or live interactive webinar
//	publication              CAT1_PUBLICATION: listed author of a book chapter or journal article
//	presentation             CAT1_PRESENTATION: talk at an ABCP-approved meeting or live webinar
//	editorial_review         CAT1_EDITORIAL_REVIEW: review of perfusion journal articles
//	poster                   CAT1_POSTER: poster or exhibit at an ABCP-approved meeting
//	knowledge_base_survey    CAT1_KBS: ABCP Knowledge Base Survey
//	simulation               CAT1_HFPS: high-fidelity perfusion simulation tied to a Cat I meeting
//	clinical_instructor      CAT1_CLINICAL_INSTRUCTOR: clinical instructor in an accredited school
//	sdce                     CAT1_SDCE: ABCP-approved self-directed CE (post-test >= 80 %)
//	category_ii_meeting      CAT2_MEETING: meeting not approved by ABCP
//	category_iii_self_study  CAT3_SELF_STUDY: non-accredited or unsupervised self-study
//	other                    anything else a state accepts (a state-approved course, for example
//	                         the Texas human-trafficking course); ABCP category "none" by default
type ActivityType string

// The activity types; see ActivityType.
const (
	MeetingAttendance    ActivityType = "meeting_attendance"
	Publication          ActivityType = "publication"
	Presentation         ActivityType = "presentation"
	EditorialReview      ActivityType = "editorial_review"
	Poster               ActivityType = "poster"
	KnowledgeBaseSurvey  ActivityType = "knowledge_base_survey"
	Simulation           ActivityType = "simulation"
	ClinicalInstructor   ActivityType = "clinical_instructor"
	SDCE                 ActivityType = "sdce"
	CategoryIIMeeting    ActivityType = "category_ii_meeting"
	CategoryIIISelfStudy ActivityType = "category_iii_self_study"
	OtherActivity        ActivityType = "other"
)

// ActivityTypes lists every known activity type in table order.
var activityTypes = []ActivityType{
	MeetingAttendance, Publication, Presentation, EditorialReview, Poster, KnowledgeBaseSurvey,
	Simulation, ClinicalInstructor, SDCE, CategoryIIMeeting, CategoryIIISelfStudy, OtherActivity,
}

// ActivityTypes returns every known activity type in the order of rules.md §1.3.
func ActivityTypes() []ActivityType { return slices.Clone(activityTypes) }

// Valid reports whether t is a known activity type.
func (t ActivityType) Valid() bool { return slices.Contains(activityTypes, t) }

// DefaultCategory is the ABCP category an activity of type t has when the credit names none.
func (t ActivityType) DefaultCategory() Category {
	switch t {
	case CategoryIIMeeting:
		return CategoryII
	case CategoryIIISelfStudy:
		return CategoryIII
	case OtherActivity:
		return CategoryNone
	}
	return CategoryI
}

// Category is an ABCP CEU category (rules.md §1.2): "I", "II", "III", or "none" for a credit
// ABCP did not categorise (a course only a state body approved). On a credit, "" means "the
// activity type's default".
type Category string

// The categories; see Category.
const (
	NoCategory   Category = ""
	CategoryI    Category = "I"
	CategoryII   Category = "II"
	CategoryIII  Category = "III"
	CategoryNone Category = "none"
)

// Valid reports whether c is a known category (including NoCategory, the default).
func (c Category) Valid() bool {
	return c == NoCategory || c == CategoryI || c == CategoryII || c == CategoryIII || c == CategoryNone
}

// ApproverABCP is the approver code of the American Board of Cardiovascular Perfusion.
const ApproverABCP = "abcp"

// approverNames names the approvers Recert knows, for sentences.
var approverNames = map[string]string{
	ApproverABCP:    "ABCP",
	"us-nj-pac":     "New Jersey's Perfusionists Advisory Committee",
	"caahep-school": "an accredited perfusion school",
}

// ApproverWords names an approver for people; an approver Recert does not know keeps its code.
func ApproverWords(code string) string {
	if n, ok := approverNames[code]; ok {
		return n
	}
	return "the approver " + code
}

// Words names an activity type for people ("SDCE (self-directed continuing education)").
func (t ActivityType) Words() string { return activityWords([]ActivityType{t}) }

// rank orders categories I, II, III, none for stable reports.
func (c Category) rank() int {
	switch c {
	case CategoryI:
		return 0
	case CategoryII:
		return 1
	case CategoryIII:
		return 2
	}
	return 3
}

// Unit is the unit a program counts in.
type Unit string

const (
	// CEU50 is the ABCP continuing-education unit of 50 minutes (Decision 1).
	CEU50 Unit = "ceu50"
	// Hour60 is a 60-minute hour (New Jersey's credit; Category III "hour-for-hour").
	Hour60 Unit = "hour60"
)

// Minutes returns the length of one unit in minutes, or 0 for an unknown unit.
func (u Unit) Minutes() int64 {
	switch u {
	case CEU50:
		return MinutesPerCEU
	case Hour60:
		return 60
	}
	return 0
}

// Role is a clinical entry's role: primary (Table A, PCPA) or secondary (Table B, SCPA).
type Role string

// The clinical roles.
const (
	Primary   Role = "primary"
	Secondary Role = "secondary"
)

// Status is the state of one requirement period (Decision 8).
type Status string

// The period statuses (Decision 8).
const (
	// StatusComplete: every rule of the period is met (or the period is exempt or met by a
	// current ABCP certification).
	StatusComplete Status = "complete"
	// StatusOnTrack: not yet met, the period is open, and the counted total is at least the
	// elapsed share of the period times the required total, less the pace allowance (Decision 18).
	StatusOnTrack Status = "on_track"
	// StatusBehind: not yet met, the period is open, below that pace.
	StatusBehind Status = "behind"
	// StatusDeficient: the period has ended and some rule is not met.
	StatusDeficient Status = "deficient"
	// StatusUpcoming: the period has not started.
	StatusUpcoming Status = "upcoming"
	// StatusNotTracked: the period ended, not met, before the member's record in Recert starts
	// (Decision 17): Recert does not know what happened then.
	StatusNotTracked Status = "not_tracked"
	// StatusNeedsSetup: the program cannot be laid out until a fact about the member is
	// entered (Decision 3: the ABCP cycle); the other programs are evaluated as usual.
	StatusNeedsSetup Status = "needs_setup"
)

// Words says the status as a person reads it, in lower case ("on track", "needs setup").
func (s Status) Words() string {
	return strings.ReplaceAll(string(s), "_", " ")
}

// Relation says where a period lies relative to the as-of date.
type Relation string

// The evaluated periods: the one containing the as-of date and its two neighbours.
const (
	Previous Relation = "previous"
	Current  Relation = "current"
	Next     Relation = "next"
)
