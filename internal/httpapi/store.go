package httpapi

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// Store is the storage the handlers use; internal/store implements it.
type Store interface {
	Database

	CreateOrganization(ctx context.Context, o recert.Organization, actor string) (recert.Organization, error)
	Organization(ctx context.Context, id string) (recert.Organization, error)
	Organizations(ctx context.Context, p recert.Page, scope recert.Scope) ([]recert.Organization, string, error)
	UpdateOrganization(ctx context.Context, o recert.Organization, ifVersion int, actor string) (recert.Organization, error)
	OrganizerIDs(ctx context.Context, orgIDs []string) (map[string][]string, error)
	AddOrganizer(ctx context.Context, orgID, userID, actor string) error
	RemoveOrganizer(ctx context.Context, orgID, userID string) error

	CreateUser(ctx context.Context, u recert.User, passwordHash, actor string) (recert.User, error)
	User(ctx context.Context, id string) (recert.User, error)
	UserByEmail(ctx context.Context, email string) (recert.User, string, error)
	Users(ctx context.Context, p recert.Page) ([]recert.User, string, error)
	UpdateUser(ctx context.Context, id string, c recert.UserChange, actor string) (recert.User, error)

	CreateMember(ctx context.Context, m recert.Member, orgID, actor string) (recert.Member, error)
	Member(ctx context.Context, id string) (recert.Member, error)
	Members(ctx context.Context, f recert.MemberFilter) ([]recert.Member, string, error)
	MemberRelated(ctx context.Context, memberID string, scope recert.Scope) (bool, error)
	UpdateMember(ctx context.Context, id string, ifVersion int, actor string, change func(*recert.Member) error) (recert.Member, error)
	CreateClaimToken(ctx context.Context, memberID string, hash []byte, expiresAt time.Time, actor string) error
	CheckClaimToken(ctx context.Context, hash []byte) error
	ClaimMember(ctx context.Context, hash []byte, u recert.User, passwordHash string) (recert.User, error)
	CreatePasswordReset(ctx context.Context, userID string, hash []byte, expiresAt time.Time) error
	SpendPasswordReset(ctx context.Context, hash []byte) (string, error)
	DeadlineReminders(ctx context.Context, userID string) (bool, error)
	SetDeadlineReminders(ctx context.Context, userID string, on bool) error
	SetCalendarFeed(ctx context.Context, memberID string, hash []byte) error
	CalendarMember(ctx context.Context, hash []byte) (string, error)

	CreateClient(ctx context.Context, c recert.Client, secretHash []byte, actor string) (recert.Client, error)
	Client(ctx context.Context, id string) (recert.Client, []byte, error)
	Clients(ctx context.Context, p recert.Page, scope recert.Scope) ([]recert.Client, string, error)
	RotateClientSecret(ctx context.Context, id string, secretHash []byte, actor string) (recert.Client, error)
	RevokeClient(ctx context.Context, id, actor string) error

	CreateEvent(ctx context.Context, e recert.Event, actor string) (recert.Event, error)
	Event(ctx context.Context, id string) (recert.Event, error)
	Events(ctx context.Context, f recert.EventFilter) ([]recert.Event, string, error)
	UpdateEvent(ctx context.Context, id string, ifVersion int, actor string, change func(*recert.Event) error) (recert.Event, error)
	SetEventStatus(ctx context.Context, id, to, actor string) (recert.Event, error)

	AttemptStore
	ledger.RosterStore
	WebhookStore
	ledger.IdempotencyStore
	EventAttendees(ctx context.Context, eventID string) (map[string]ledger.MemberRef, error)
	Attendance(ctx context.Context, id string) (recert.Attendance, error)
	EventAttendance(ctx context.Context, eventID string, p recert.Page) ([]recert.Attendance, string, error)
	MemberAttendance(ctx context.Context, memberID string, scope recert.Scope, p recert.Page) ([]recert.Attendance, string, error)
	CorrectAttendance(ctx context.Context, id string, sessionIDs []string, ceus *recert.Units, reason, source, actor string) (recert.Attendance, error)
	RevokeAttendance(ctx context.Context, id, reason, actor string) (recert.Attendance, error)
	AttendanceHistory(ctx context.Context, id string) ([]recert.AttendanceChange, error)
	Credits(ctx context.Context, f recert.CreditFilter) ([]recert.Credit, error)

	CreateActivity(ctx context.Context, a recert.Activity, actor string) (recert.Activity, error)
	Activity(ctx context.Context, id string) (recert.Activity, error)
	Activities(ctx context.Context, memberID string, p recert.Page, counting bool) ([]recert.Activity, string, error)
	UpdateActivity(ctx context.Context, id, action, reason, actor string, change func(*recert.Activity) error) (recert.Activity, error)
	ActivityHistory(ctx context.Context, id string) ([]recert.ActivityChange, error)
	WithdrawActivity(ctx context.Context, id, actor string) error
	CreateClinicalEntry(ctx context.Context, e recert.ClinicalEntry, actor string) (recert.ClinicalEntry, error)
	ClinicalEntry(ctx context.Context, id string) (recert.ClinicalEntry, error)
	ClinicalEntries(ctx context.Context, memberID string, from, to recert.Date) ([]recert.ClinicalEntry, error)
	WithdrawClinicalEntry(ctx context.Context, id, actor string) error

	CreateLeave(ctx context.Context, l recert.Leave, actor string) (recert.Leave, error)
	LeavePeriods(ctx context.Context, memberID string) ([]recert.Leave, error)
	SetLeaveApproval(ctx context.Context, id string, approved bool, actor string) (recert.Leave, error)
	AddEvidence(ctx context.Context, e recert.Evidence, actor string) (recert.Evidence, error)
	Evidence(ctx context.Context, id string) (recert.Evidence, error)

	CreateDispute(ctx context.Context, d recert.Dispute, actor string) (recert.Dispute, error)
	Dispute(ctx context.Context, id string) (recert.Dispute, error)
	EventDisputes(ctx context.Context, eventID string) ([]recert.Dispute, error)
	ResolveDispute(ctx context.Context, id, status, reason, attendanceID, actor string) (recert.Dispute, error)
	AttendanceOf(ctx context.Context, eventID, memberID string) (recert.Attendance, bool, error)

	AddProgram(ctx context.Context, id string, version int, document []byte, actor string) error
	Programs(ctx context.Context) ([][]byte, error)
	// MemberRecord loads what a member's progress counts (see ledger.ProgressStore).
	MemberRecord(ctx context.Context, q ledger.RecordQuery) (ledger.Record, error)
	ProgressVersion(ctx context.Context, memberID string) (ledger.Version, error)
	ProgressVersionFor(ctx context.Context, memberID string, scope recert.Scope) (ledger.Version, bool, error)
	ProgramCount(ctx context.Context) (int64, error)
	// MemberCreatedBy reports whether one of the organizations created the member record.
	MemberCreatedBy(ctx context.Context, memberID string, scope recert.Scope) (bool, error)

	CreateRefreshToken(ctx context.Context, t recert.RefreshToken) error
	ExchangeRefreshToken(ctx context.Context, hash []byte, next recert.RefreshToken) (recert.RefreshToken, error)
	RevokeRefreshFamily(ctx context.Context, hash []byte) error
}
