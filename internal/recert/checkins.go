package recert

import "time"

// PrefixCheckIn prefixes check-in ids.
const PrefixCheckIn = "chk"

// Directions and methods of a check-in.
const (
	CheckInDirectionIn  = "in"
	CheckInDirectionOut = "out"

	CheckInMethodScan     = "scan"      // a staff member scanned the member's code
	CheckInMethodManual   = "manual"    // a staff member found the member by name
	CheckInMethodSelfCode = "self_code" // the member entered the session's code: weaker evidence
	CheckInMethodBatch    = "batch"     // an offline scanner's batch
)

// CheckIn is one piece of evidence that a member was present in one session: kept for as long
// as the attendance it supports, never deleted; a mistaken one is voided with a reason.
type CheckIn struct {
	ID         string
	EventID    string
	SessionID  string
	MemberID   string
	Direction  string
	Method     string
	ClientID   string     // a scanner's own id for the scan; repeated ids are one check-in
	RecordedBy string     // the user who recorded it (the member, for self check-in)
	DeviceTime *time.Time // when the device says it happened
	ReceivedAt time.Time
	Offline    bool // recorded offline: device time is not compared with receipt
	ClockFlag  bool // device time more than CheckInClockSkew from receipt, not offline
	VoidedAt   *time.Time
	VoidedBy   string
	VoidReason string
}

// At is when the check-in happened: the device's time when it has one, else receipt.
func (c CheckIn) At() time.Time {
	if c.DeviceTime != nil {
		return *c.DeviceTime
	}
	return c.ReceivedAt
}

// FlagClock sets ClockFlag when the device time is suspect (see DeviceTimeSuspect).
func (c *CheckIn) FlagClock() {
	c.ClockFlag = c.DeviceTime != nil && DeviceTimeSuspect(*c.DeviceTime, c.ReceivedAt, c.Offline)
}

// CheckInRules are an event's check-in settings, chosen by its organizer; no presence policy
// is assumed (an empty Policy: check-ins are not turned into credit).
type CheckInRules struct {
	Policy               PresencePolicy
	SharePercent         int  // for PresenceShare
	SelfCheckInOff       bool // members may not check themselves in with a session's code
	RegistrationRequired bool // only pre-registered members may be checked in
}

// NeedsCheckOut reports whether the event's credit depends on time present, so members
// check out as well as in: both presence policies measure it.
func (r CheckInRules) NeedsCheckOut() bool { return r.Policy != "" }

// Prefixes of virtual attendance.
const (
	PrefixParticipantInterval = "pti"
	PrefixParticipantReport   = "ptr"
)

// ParticipantInterval is one line of a virtual session's participants report: when one
// person joined and left. MemberID is empty when no member has the report's email.
type ParticipantInterval struct {
	ID        string
	ReportID  string
	EventID   string
	SessionID string
	MemberID  string
	Email     string
	Name      string
	Interval
	ImportedAt time.Time
	ImportedBy string
}

// Registrant is someone an organizer expects at an event.
type Registrant struct {
	MemberID     string
	Name         string
	RegisteredAt time.Time
	CodeVersion  int // the member's current check-in code version
}

// MeetingInvite is a registrant to tell of their meeting the day before it starts.
type MeetingInvite struct {
	EventID   string
	MemberID  string
	TimeZone  string // the event's
	StartDate Date
}

// PrefixVolunteer prefixes volunteer ids.
const PrefixVolunteer = "vol"

// Volunteer is someone an organizer invited to check people in at one event, and nothing
// else: they see names and check-in state, until ExpiresAt (a day after the event).
type Volunteer struct {
	ID        string
	EventID   string
	Name      string
	ExpiresAt time.Time
	ClaimedAt *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
	CreatedBy string
}

// CheckInExpiry is when what an event hands out for its check-in (volunteers' sessions, the
// offline manifest) stops: the end of the day after the event, in its time zone.
func (e Event) CheckInExpiry() time.Time {
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	end := e.EndDate.AddDays(2)
	return time.Date(end.Year, time.Month(end.Month), end.Day, 0, 0, 0, 0, loc).UTC()
}
