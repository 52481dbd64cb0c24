package recert

import "time"

// Id prefixes of what members report.
const (
	PrefixActivity      = "act"
	PrefixClinicalEntry = "cln"
)

// Review states of a self-reported activity: it counts while pending or verified.
const (
	ReviewPending  = "pending"
	ReviewVerified = "verified"
	ReviewRejected = "rejected"
)

// Activity is CE a member reports themself: a publication, a presentation, an SDCE module, a
// meeting nobody posted, self-study. Its credit is self-reported (rules.md Decision 10).
type Activity struct {
	ID                  string
	MemberID            string
	Type                string // an activity type of rules.md §1.3, e.g. publication, sdce
	Date                Date   // completion date
	CEUs                Units  // as claimed; from Minutes when only those are known
	Minutes             int
	Category            string   // I, II, III, or none (no ABCP category)
	ApprovedBy          []string // approver codes ("us-nj-pac")
	Title               string
	Citation            string
	Provider            string
	ApprovalRef         string
	PostTestScore       *int
	Topics              []string
	DocumentationStatus string // none, attached, verified
	ReviewStatus        string // pending, verified, rejected
	ReviewReason        string
	Withdrawn           bool
	Version             int
	Audit
}

// Counts reports whether the activity counts toward progress.
func (a Activity) Counts() bool { return !a.Withdrawn && a.ReviewStatus != ReviewRejected }

// ClinicalEntry is one line of a member's clinical case log.
type ClinicalEntry struct {
	ID          string
	MemberID    string
	Date        Date
	Type        string // bypass_primary, ecmo, standby, …
	Role        string // primary or secondary
	Count       int    // shifts for ECMO/VAD, else 1
	CaseRefHash []byte // SHA-256 of the member id and the case reference; nil without one
	Withdrawn   bool
	Audit
}

// More id prefixes.
const (
	PrefixLeave    = "lve"
	PrefixEvidence = "evd"
)

// Leave is a period of a qualifying life event; approved leave relieves the clinical
// requirement of the clinical years it falls in.
type Leave struct {
	ID       string
	MemberID string
	Type     string // parental, military, jury_duty, family_medical, other
	Start    Date
	End      Date // inclusive
	Approved bool
	Audit
}

// Evidence is a document a member attached, stored with its digest.
type Evidence struct {
	ID           string
	MemberID     string
	ActivityID   string // the activity it documents, or
	AttendanceID string // the attendance it documents
	ContentType  string // application/pdf, image/jpeg or image/png, sniffed from the content
	Size         int
	SHA256       string
	Data         []byte // empty when only the metadata was loaded
	Audit
}

// PrefixDispute is the id prefix of disputes.
const PrefixDispute = "dsp"

// Dispute is a member's claim that their attendance at an event is missing or wrong, with
// what it should be, and its resolution by the event's organization.
type Dispute struct {
	ID               string
	EventID          string
	MemberID         string
	AttendanceID     string // the disputed attendance; for a missing one, set once accepted
	Kind             string // missing or wrong
	SessionIDs       []string
	CEUs             *Units
	Message          string
	Status           string // open, accepted, rejected
	ResolutionReason string
	ResolvedAt       time.Time
	ResolvedBy       string
	CreatedAt        time.Time
	CreatedBy        string
}

// ActivityChange is one step in an activity's history: reported, changed, reviewed, withdrawn.
type ActivityChange struct {
	ID     string
	At     time.Time
	Actor  string
	Action string // created, updated, verified, rejected, withdrawn
	Reason string
	Before *Activity
	After  Activity
}
