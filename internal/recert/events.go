package recert

import "time"

// Id prefixes of the CE vocabulary.
const (
	PrefixEvent      = "evt"
	PrefixSession    = "ses"
	PrefixAttendance = "att"
	PrefixChange     = "chg"
	PrefixPosting    = "pst"
)

// Event statuses: drafts are visible to their organization only; attendance can be posted
// to published events only; a cancelled event takes no attendance and stays listed as such.
const (
	EventDraft     = "draft"
	EventPublished = "published"
	EventCancelled = "cancelled"
)

// Event is a CE offering of an organization: a meeting, a live webinar, a self-directed
// module or a simulation, made of sessions each worth CEUs.
type Event struct {
	ID             string
	OrganizationID string
	Title          string
	Description    string
	Format         string // in_person, live_webinar, self_directed, simulation
	Location       string
	URL            string
	TimeZone       string // IANA name, e.g. America/Chicago
	StartDate      Date
	EndDate        Date
	Status         string
	ApprovalRef    string   // ABCP approval reference, when approved
	Category       string   // I, II or III
	ApprovedBy     []string // approver codes besides ABCP's category ("us-nj-pac")
	Sessions       []Session
	Version        int
	Audit
}

// SessionCategory is the ABCP category credit for the session carries.
func (e Event) SessionCategory(s Session) string {
	if s.Category != "" {
		return s.Category
	}
	return e.Category
}

// CEUs is what the whole event offers: the sum of its sessions'.
func (e Event) CEUs() Units {
	var sum Units
	for _, s := range e.Sessions {
		sum += s.CEUs
	}
	return sum
}

// Session is one part of an event, dated on its day, worth CEUs in its own category or,
// when it has none, the event's.
type Session struct {
	ID        string
	Code      string // short, unique within the event, as spreadsheets name it: "A1", "Tue-AM"
	Category  string // I, II or III; "" means the event's
	Title     string
	Date      Date
	StartTime string // HH:MM in the event's time zone, optional
	EndTime   string
	CEUs      Units
	Topics    []string // e.g. ethics, child_abuse_recognition, human_trafficking
	// ApprovedBy lists approvers of this session besides the event's.
	ApprovedBy []string
}

// EventFilter selects events. Cursor pages run in (StartDate, ID) order.
type EventFilter struct {
	Page
	From, To        Date   // events overlapping [From, To]; zero: open
	Category        string // I, II or III
	Format          string
	OrganizationIDs []string // nil: any
	Statuses        []string // nil: any
	Text            string   // matched against title, description and location, case-insensitively
	ApprovalRef     string   // the ABCP approval reference, matched case-insensitively
}

// Attendance is a member's attendance at an event: either the sessions attended (each
// credited with its CEUs) or, for certificates without a breakdown, the CEUs awarded.
type Attendance struct {
	ID           string
	EventID      string
	MemberID     string
	Sessions     []SessionCredit // attended sessions; empty when CEUsAwarded is used
	CEUsAwarded  Units           // > 0 only for attendance without a session breakdown
	Revoked      bool
	RevokeReason string
	Version      int
	Audit
}

// Total is the CEUs the attendance earns.
func (a Attendance) Total() Units {
	if len(a.Sessions) == 0 {
		return a.CEUsAwarded
	}
	var sum Units
	for _, s := range a.Sessions {
		sum += s.CEUs
	}
	return sum
}

// SessionCredit is one attended session and the CEUs it earned.
type SessionCredit struct {
	SessionID string
	CEUs      Units
}

// AttendanceChange is one entry in an attendance's history; nothing is ever deleted.
type AttendanceChange struct {
	ID           string
	AttendanceID string
	At           time.Time
	Actor        string
	Action       string // created, updated, revoked, or a note (disputed, ...)
	Source       string // what made the change: one of the Source constants
	PostingID    string // the roster posting that made it, if one did
	Reason       string
	Before       *Attendance // nil for created
	After        Attendance
}

// Credit is one entry of a member's ledger: attendance at one session (dated on its day) or
// at an event without a breakdown (dated on its last day).
type Credit struct {
	ID               string // attendance id, with the session id when there is one
	AttendanceID     string
	MemberID         string
	Date             Date
	Category         string
	CEUs             Units
	EventID          string
	EventTitle       string
	Format           string
	SessionID        string
	SessionTitle     string
	Topics           []string
	OrganizationID   string
	OrganizationName string
	ApprovalRef      string
	ApprovedBy       []string // the event's approvers and the session's
	Verified         bool     // posted by the event's organizer
}

// CreditFilter selects a member's credits.
type CreditFilter struct {
	MemberID        string
	From, To        Date
	Category        string
	OrganizationIDs []string // nil: any organization's events
}

// What made a change to an attendance, as its history records it.
const (
	SourceRoster     = "roster"     // a posted roster
	SourceOverride   = "override"   // a roster posted with override, over a decision
	SourceCorrection = "correction" // an organizer's correction
	SourceRevocation = "revocation" // an organizer's revocation
	SourceDispute    = "dispute"    // a dispute's decision
	SourceWithdrawal = "withdrawal" // a whole posting withdrawn
	SourceNote       = "note"       // a note that changes no credit (a dispute filed or rejected)
)

// IsDecision reports whether a change from source is a person's decision about one
// attendance, which a re-posted roster must not undo unless told to.
func IsDecision(source string) bool {
	switch source {
	case SourceCorrection, SourceRevocation, SourceDispute, SourceWithdrawal:
		return true
	}
	return false
}

// RosterPosting is one roster written for an event: what a whole-roster withdrawal undoes.
type RosterPosting struct {
	ID             string
	EventID        string
	Rows           int
	Created        int
	Updated        int
	CreatedAt      time.Time
	CreatedBy      string
	WithdrawnAt    time.Time // zero while in force
	WithdrawnBy    string
	WithdrawReason string
}
