package web

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// Store is what the pages read; every change goes through a use case of internal/ledger.
// internal/store implements it.
type Store interface {
	recordsStore
	manageStore
	checkInStore

	App(ctx context.Context, id string) (recert.App, []byte, error)
	Apps(ctx context.Context, ownerID string) ([]recert.App, error)
	// Grants are a member's live grants to apps.
	Grants(ctx context.Context, userID string) ([]recert.Grant, error)
	AllowAttempt(ctx context.Context, key string, perMinute float64, burst int) (bool, time.Duration, error)
	User(ctx context.Context, id string) (recert.User, error)
	ShareLinks(ctx context.Context, memberID string) ([]recert.ShareLink, error)
	// PasswordResetUsable reports whether a reset token can still set a password.
	PasswordResetUsable(ctx context.Context, hash []byte) (bool, error)
	// EmailChangeUsable is the new address of an e-mail change link that can still be used.
	EmailChangeUsable(ctx context.Context, hash []byte) (string, error)
	// SignedInUser is User, and whether the sign-in is live, in one statement.
	SignedInUser(ctx context.Context, id, sid string) (recert.User, bool, error)
	UserByEmail(ctx context.Context, email string) (recert.User, string, error)
	Members(ctx context.Context, f recert.MemberFilter) ([]recert.Member, string, error)
	Event(ctx context.Context, id string) (recert.Event, error)
	Events(ctx context.Context, f recert.EventFilter) ([]recert.Event, string, error)
	// EventTallies counts each event's attendance that counts and its open disputes.
	EventTallies(ctx context.Context, eventIDs []string) (map[string]recert.EventTally, error)
	EventAttendance(ctx context.Context, eventID string, p recert.Page) ([]recert.Attendance, string, error)
	EventAttendees(ctx context.Context, eventID string) (map[string]ledger.MemberRef, error)
	Attendance(ctx context.Context, id string) (recert.Attendance, error)
	Credits(ctx context.Context, f recert.CreditFilter) ([]recert.Credit, error)
	Member(ctx context.Context, id string) (recert.Member, error)
	// MemberAttendance and MemberEvidence are what a member's audit packet lists.
	MemberAttendance(ctx context.Context, memberID string, scope recert.Scope, p recert.Page) ([]recert.Attendance, string, error)
	MemberEvidence(ctx context.Context, memberID string) ([]recert.Evidence, error)
	// MemberLogin is a member record's login; ok is false when it has none.
	MemberLogin(ctx context.Context, memberID string) (u recert.User, ok bool, err error)
	// MemberHistory is the record's changes, newest first.
	MemberHistory(ctx context.Context, memberID string, limit int) ([]recert.RecordChange, error)
	Organization(ctx context.Context, id string) (recert.Organization, error)
	CheckInTokenVersion(ctx context.Context, memberID string) (int, error)
	VolunteerBySession(ctx context.Context, sessionHash []byte) (recert.Volunteer, error)
	EventVolunteers(ctx context.Context, eventID string) ([]recert.Volunteer, error)
	Activity(ctx context.Context, id string) (recert.Activity, error)
	AttendanceOf(ctx context.Context, eventID, memberID string) (recert.Attendance, bool, error)
	FindMembers(ctx context.Context, abcpIDs, emails, ids []string) ([]ledger.MemberRef, error)
	HeldAttendance(ctx context.Context, eventID string) ([]ledger.Held, error)
}
