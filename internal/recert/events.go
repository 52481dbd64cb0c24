package recert

import "time"

// Id prefixes of the CE vocabulary.
const (
	PrefixEvent      = "evt"
	PrefixSession    = "ses"
	PrefixAttendance = "att"
	PrefixChange     = "chg"
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

// CEUs is what the whole event offers: the sum of its sessions'.
func (e Event) CEUs() Units {
	var sum Units
	for _, s := range e.Sessions {
		sum += s.CEUs
	}
	return sum
}

// Session is one part of an event, dated on its day, worth CEUs in the event's category.
type Session struct {
	ID        string
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
	Action       string // created, updated, revoked
	Reason       string
	Before       *Attendance // nil for created
	After        Attendance
}

// RosterRow is one attendee of a posted roster, as parsed (not yet checked against the
// event or the members).
type RosterRow struct {
	Index      int    // 0-based position in the roster
	MemberID   string // a known member, for postings that name one directly (an accepted dispute)
	Line       int    // CSV line number, 0 for JSON
	ABCPID     string // at least one of ABCPID and Email
	Email      string
	Name       string   // needed when the attendee is unknown and a member must be created
	SessionIDs []string // sessions attended; empty with CEUs unset means all
	CEUs       *Units   // CEUs awarded instead of sessions
}

// Roster outcomes.
const (
	RowCreated   = "created"
	RowUpdated   = "updated"
	RowUnchanged = "unchanged"
	RowRejected  = "rejected"
)

// RosterOutcome says what became of one roster row.
type RosterOutcome struct {
	Index         int
	Status        string
	MemberID      string
	AttendanceID  string
	MemberCreated bool // the attendee matched no member: an unclaimed record was created
	Reason        string
	Fields        []FieldError
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

// RosterOptions say how a roster is applied.
type RosterOptions struct {
	Partial bool   // write valid rows, report the others; default atomic: any rejected row writes nothing
	DryRun  bool   // validate and report, write nothing
	Actor   string // who posts
	// Respond, when set and something is written, renders the response inside the transaction so
	// it can be stored with the rows under Idempotency (both or neither are committed).
	Respond     func(outcomes []RosterOutcome) (status int, body []byte, err error)
	Idempotency *IdempotencyKey
}

// IdempotencyKey identifies a caller's retry-safe request and the request it was first used for.
type IdempotencyKey struct{ Principal, Key, RequestHash string }
