package recert

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

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
	// EmailCertificates: each attendee a roster credits is e-mailed their certificate.
	EmailCertificates bool
	// CheckIn is how the event takes attendance at the door and turns it into credit.
	CheckIn  CheckInRules
	Sessions []Session
	Version  int
	Audit
}

// Shapes of the codes organizers choose, as the contract states them.
var (
	// An approver: "abcp", or a body named by its code ("us-nj-pac", New Jersey's
	// Perfusionists Advisory Committee; "caahep-school", an accredited school).
	approverCode = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// A session's code, as spreadsheets name it: "S1", "Tue-AM", "A.2".
	sessionCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$`)
)

// ValidApproverCode reports whether s is shaped as an approver code (at most 64 characters).
func ValidApproverCode(s string) bool { return len(s) <= 64 && approverCode.MatchString(s) }

// ValidSessionCode reports whether s is shaped as a session code.
func ValidSessionCode(s string) bool { return sessionCode.MatchString(s) }

// eventTransitions lists the status changes allowed: a draft is published or cancelled, a
// published event can only be cancelled, and cancellation is final.
var eventTransitions = map[string][]string{
	EventDraft:     {EventPublished, EventCancelled},
	EventPublished: {EventCancelled},
}

// Transition moves the event to status to, as eventTransitions allows; publishing needs a
// session.
func (e *Event) Transition(to string) error {
	switch {
	case !slices.Contains([]string{EventDraft, EventPublished, EventCancelled}, to):
		return Errorf(EINVALID, "%q is not an event status (draft, published, cancelled)", to)
	case e.Status == to:
		return Errorf(ECONFLICT, "event %s is already %s", e.ID, to)
	case e.Status == EventCancelled:
		return Errorf(ECONFLICT, "event %s is cancelled; a cancelled event cannot be %s", e.ID, to)
	case !slices.Contains(eventTransitions[e.Status], to):
		return Errorf(ECONFLICT, "event %s is %s and cannot go back to %s", e.ID, e.Status, to)
	case to == EventPublished && len(e.Sessions) == 0:
		return Errorf(EINVALID, "event %s has no sessions; add at least one before publishing", e.ID)
	}
	e.Status = to
	return nil
}

// SessionsProblem says why the event cannot be stored with its sessions as they are, or
// returns nil: a published event has at least one session, and codes are unique.
func (e Event) SessionsProblem() error {
	if e.Status == EventPublished && len(e.Sessions) == 0 {
		if e.ID == "" {
			return Errorf(EINVALID, "a published event needs at least one session")
		}
		return Errorf(EINVALID, "published event %s must keep at least one session", e.ID)
	}
	return CheckSessionCodes(e.Sessions)
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
	// CheckInFrom and CheckInUntil (HH:MM in the event's time zone) bound when check-ins
	// count for the session; empty: its start and end times.
	CheckInFrom, CheckInUntil string
}

// EventFilter selects events. Cursor pages run in (StartDate, ID) order.
type EventFilter struct {
	Page
	From, To    Date   // events overlapping [From, To]; zero: open
	Category    string // I, II or III
	Format      string
	Scope       Scope    // the organizations whose events to list (the zero scope: none)
	Statuses    []string // nil: any
	Text        string   // matched against title, description and location, case-insensitively
	ApprovalRef string   // the ABCP approval reference, matched case-insensitively
	NewestFirst bool     // (StartDate, ID) descending; the cursor follows the order
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

// ReasonProblem says why reason cannot explain a change to credit, or returns nil: a change
// says why, in at most 500 characters.
func ReasonProblem(reason string) error {
	if strings.TrimSpace(reason) == "" || utf8.RuneCountInString(reason) > 500 {
		const detail = "say why, in at most 500 characters"
		return &Error{Code: EINVALID, Message: "reason: " + detail,
			Fields: []FieldError{{Location: "body", Pointer: "#/reason", Detail: detail}}}
	}
	return nil
}

// Correct gives the attendance what attending the sessions refs names, or being awarded
// ceus, earns at ev (see Event.Credit), and reports whether that changes what it grants. A
// revoked attendance is not corrected: a roster restores it.
func (a *Attendance) Correct(ev Event, refs []string, ceus *Units) (changed bool, err error) {
	if a.Revoked {
		return false, Errorf(ECONFLICT, "attendance %s is revoked; post it on a roster again to restore it", a.ID)
	}
	sessions, awarded, field, detail := ev.Credit(refs, ceus)
	if detail != "" {
		return false, &Error{Code: EINVALID, Message: detail,
			Fields: []FieldError{{Location: "body", Pointer: "#/" + field, Detail: detail}}}
	}
	next := *a
	next.Sessions, next.CEUsAwarded = sessions, awarded
	if SameCredit(*a, next) {
		return false, nil
	}
	*a = next
	return true, nil
}

// Revoke stops the attendance counting, for reason; its record stays.
func (a *Attendance) Revoke(reason string) error {
	if err := ReasonProblem(reason); err != nil {
		return err
	}
	if a.Revoked {
		return Errorf(ECONFLICT, "attendance %s is already revoked", a.ID)
	}
	a.Revoked, a.RevokeReason = true, strings.TrimSpace(reason)
	return nil
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
	// Count, above 1, is the number of alike session credits of one attendance and day this
	// one stands for in a summed read (ID and CEUs are the first one's, SessionID is empty).
	Count int
}

// CreditFilter selects a member's credits.
type CreditFilter struct {
	MemberID string
	From, To Date
	Category string
	Scope    Scope // the organizations whose events count (the zero scope: none)
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

// EventTally is what an organizer's list of events says of each: its attendance that counts
// and its disputes awaiting a decision.
type EventTally struct{ Attendees, OpenDisputes int }

// Credential is what Recert issued for one version of an attendance: its printable
// certificate, its verification page at /verify/{ID}, and its signed Open Badges credential.
// The ID is unguessable. What it states is kept as issued: a later change to the attendance
// issues another credential and leaves this one as it was.
type Credential struct {
	ID                string
	AttendanceID      string
	AttendanceVersion int
	IssuedAt          time.Time
	// StatusList and StatusIndex are the credential's position in its sponsor's revocation
	// lists, drawn at random: list StatusList, bit StatusIndex, set while it does not stand.
	StatusList  int
	StatusIndex int
	Statement   CredentialStatement
	// VCJWT is the credential signed as an Open Badges 3.0 VC-JWT.
	VCJWT string
	// PageWithdrawn is when the member took the verification page down; zero while it is up.
	// The credential itself is unaffected.
	PageWithdrawn time.Time
}

// StatusListSize is how many credentials one revocation list holds: 131,072 bits (16 KB),
// the least that W3C's Bitstring Status List allows, so that a list says nothing about how
// many credentials a sponsor issued.
const StatusListSize = 131072

// CredentialStatement is what a credential states about an attendance: what its
// certificate prints and its verification page shows. It holds nothing about the member but
// their name.
type CredentialStatement struct {
	AttendeeName   string
	OrganizationID string
	Sponsor        string
	SponsorContact string // the sponsor's contact e-mail, when it has one
	EventID        string
	EventTitle     string
	Format         string // in_person, live_webinar, self_directed, simulation
	StartDate      Date
	EndDate        Date
	ApprovalRef    string
	// Sessions are the sessions attended, each with its ABCP category (the session's, or
	// else the event's) and the CEUs earned; none when CEUs were awarded without sessions.
	Sessions []StatedSession
	// ByCategory is the CEUs earned per ABCP category, in the order I, II, III, none.
	ByCategory []CategoryCEUs
	Total      Units
	// AttendancePolicy says how presence was decided, for an event whose check-ins are
	// turned into credit: its presence rule in words.
	AttendancePolicy string
}

// StatedSession is one session attended, as a credential states it.
type StatedSession struct {
	ID       string
	Title    string
	Date     Date
	Category string
	CEUs     Units
}

// CategoryCEUs is the CEUs earned in one ABCP category.
type CategoryCEUs struct {
	Category string
	CEUs     Units
}

// StatementOf is what a credential of a, an attendance at e by m, states; org sponsors e.
// CEUs awarded without sessions count in the event's category.
func StatementOf(a Attendance, e Event, m Member, org Organization) CredentialStatement {
	st := CredentialStatement{
		AttendeeName: m.Name, OrganizationID: org.ID, Sponsor: org.Name, SponsorContact: org.ContactEmail,
		EventID: e.ID, EventTitle: e.Title, Format: e.Format, StartDate: e.StartDate, EndDate: e.EndDate,
		ApprovalRef: e.ApprovalRef, Total: a.Total(),
		AttendancePolicy: PresenceRule{Policy: e.CheckIn.Policy, SharePercent: e.CheckIn.SharePercent}.Words(),
	}
	byID := map[string]Session{}
	for _, s := range e.Sessions {
		byID[s.ID] = s
	}
	totals := map[string]Units{}
	for _, sc := range a.Sessions {
		s := byID[sc.SessionID]
		category := cmp.Or(s.Category, e.Category)
		st.Sessions = append(st.Sessions, StatedSession{ID: s.ID, Title: s.Title, Date: s.Date, Category: category, CEUs: sc.CEUs})
		totals[category] += sc.CEUs
	}
	if len(a.Sessions) == 0 {
		totals[e.Category] += a.CEUsAwarded
	}
	for _, c := range []string{"I", "II", "III", "none"} {
		if u, ok := totals[c]; ok {
			st.ByCategory = append(st.ByCategory, CategoryCEUs{Category: c, CEUs: u})
		}
	}
	return st
}

// CredentialStatus is what a credential's verification says of it now.
type CredentialStatus string

// A credential is valid while its attendance is current and unchanged; a correction
// supersedes it (a new one is issued); a revocation revokes it.
const (
	CredentialValid      CredentialStatus = "valid"
	CredentialSuperseded CredentialStatus = "superseded"
	CredentialRevoked    CredentialStatus = "revoked"
)

// Status says whether c still states what a is: a revoked attendance revokes it, and any
// later change to the attendance supersedes it.
func (c Credential) Status(a Attendance) CredentialStatus {
	switch {
	case a.Revoked:
		return CredentialRevoked
	case a.Version != c.AttendanceVersion:
		return CredentialSuperseded
	}
	return CredentialValid
}
