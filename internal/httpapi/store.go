package httpapi

import (
	"context"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// Store is what the handlers read; every change goes through a use case of internal/ledger.
// internal/store implements it.
type Store interface {
	Registrants(ctx context.Context, eventID string) ([]recert.Registrant, error)
	CheckInTokenVersion(ctx context.Context, memberID string) (int, error)
	Database

	App(ctx context.Context, id string) (recert.App, []byte, error)
	Apps(ctx context.Context, ownerID string) ([]recert.App, error)
	Grant(ctx context.Context, sid string) (recert.Grant, bool, error)
	RefreshFamily(ctx context.Context, hash []byte) (string, bool, error)

	Organization(ctx context.Context, id string) (recert.Organization, error)
	Organizations(ctx context.Context, p recert.Page, scope recert.Scope) ([]recert.Organization, string, error)
	OrganizerIDs(ctx context.Context, orgIDs []string) (map[string][]string, error)

	User(ctx context.Context, id string) (recert.User, error)
	// SignedInUser is User, and whether the sign-in is live, in one statement.
	SignedInUser(ctx context.Context, id, sid string) (recert.User, bool, error)
	UserByEmail(ctx context.Context, email string) (recert.User, string, error)
	Users(ctx context.Context, p recert.Page) ([]recert.User, string, error)

	Member(ctx context.Context, id string) (recert.Member, error)
	Members(ctx context.Context, f recert.MemberFilter) ([]recert.Member, string, error)
	MemberVersions(ctx context.Context, f recert.MemberFilter) ([]ledger.Subject, string, error)
	MembersByID(ctx context.Context, ids []string) ([]recert.Member, error)
	DeadlineReminders(ctx context.Context, userID string) (bool, error)
	CalendarMember(ctx context.Context, hash []byte) (string, error)

	Client(ctx context.Context, id string) (recert.Client, []byte, error)
	Clients(ctx context.Context, p recert.Page, scope recert.Scope) ([]recert.Client, string, error)

	Event(ctx context.Context, id string) (recert.Event, error)
	Events(ctx context.Context, f recert.EventFilter) ([]recert.Event, string, error)
	// CheckInsOf returns an event's check-ins, voided included, of a session and a member
	// when given; EventParticipantIntervals its virtual sessions' report lines.
	CheckInsOf(ctx context.Context, eventID, sessionID, memberID string) ([]recert.CheckIn, error)
	EventParticipantIntervals(ctx context.Context, eventID, memberID string) ([]recert.ParticipantInterval, error)

	AttemptStore
	WebhookStore
	EventAttendees(ctx context.Context, eventID string) (map[string]ledger.MemberRef, error)
	HeldAttendance(ctx context.Context, eventID string) ([]ledger.Held, error)
	Attendance(ctx context.Context, id string) (recert.Attendance, error)
	EventAttendance(ctx context.Context, eventID string, p recert.Page) ([]recert.Attendance, string, error)
	MemberAttendance(ctx context.Context, memberID string, scope recert.Scope, p recert.Page) ([]recert.Attendance, string, error)
	AttendanceHistory(ctx context.Context, id string) ([]recert.AttendanceChange, error)
	Credits(ctx context.Context, f recert.CreditFilter) ([]recert.Credit, error)
	ShareLinks(ctx context.Context, memberID string) ([]recert.ShareLink, error)

	Activity(ctx context.Context, id string) (recert.Activity, error)
	Activities(ctx context.Context, memberID string, p recert.Page, counting bool) ([]recert.Activity, string, error)
	ActivityHistory(ctx context.Context, id string) ([]recert.ActivityChange, error)
	ClinicalEntry(ctx context.Context, id string) (recert.ClinicalEntry, error)
	ClinicalEntries(ctx context.Context, memberID string, from, to recert.Date) ([]recert.ClinicalEntry, error)

	LeavePeriods(ctx context.Context, memberID string) ([]recert.Leave, error)
	Evidence(ctx context.Context, id string) (recert.Evidence, error)
	// MemberEvidence lists a member's documents without their content.
	MemberEvidence(ctx context.Context, memberID string) ([]recert.Evidence, error)

	Dispute(ctx context.Context, id string) (recert.Dispute, error)
	EventDisputes(ctx context.Context, eventID string) ([]recert.Dispute, error)

	// Credential is a credential by its id; LatestCredential the one issued last for an
	// attendance.
	Credential(ctx context.Context, id string) (recert.Credential, error)
	LatestCredential(ctx context.Context, attendanceID string) (recert.Credential, error)

	// PublishedKey is the public key kid of a purpose ("badges": credentials), current or
	// rotated out.
	PublishedKey(ctx context.Context, purpose, kid string) (recert.PublishedKey, error)

	ProgressSubject(ctx context.Context, memberID string, scope recert.Scope) (ledger.Subject, error)
	// ProgressSubjectFor is ProgressSubject with the caller's login (as SignedInUser reads it)
	// in the same statement, when FoldsCaller.
	ProgressSubjectFor(ctx context.Context, memberID string, scope recert.Scope, caller ledger.CallerRead) (ledger.Subject, ledger.Caller, error)
	// ProgressSubjectRecord is ProgressSubjectFor (ProgressSubject without a caller) and the
	// member's whole record as q reads it, in one round trip.
	ProgressSubjectRecord(ctx context.Context, memberID string, scope recert.Scope, caller *ledger.CallerRead, q ledger.RecordQuery) (ledger.Subject, ledger.Caller, ledger.Record, error)
	// MemberRelatedFor is whether the scope sees the member, with the caller read as
	// ProgressSubjectFor reads it.
	MemberRelatedFor(ctx context.Context, memberID string, scope recert.Scope, caller ledger.CallerRead) (bool, ledger.Caller, error)
	FoldsCaller() bool
}
