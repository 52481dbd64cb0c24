package web

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// Store is the storage the pages read and write; internal/store implements it.
type Store interface {
	ledger.RosterStore
	ledger.IdempotencyStore
	ledger.ProgressStore
	ledger.SightStore
	recordsStore
	manageStore

	AllowAttempt(ctx context.Context, key string, perMinute float64, burst int) (bool, time.Duration, error)
	User(ctx context.Context, id string) (recert.User, error)
	UserByEmail(ctx context.Context, email string) (recert.User, string, error)
	Members(ctx context.Context, f recert.MemberFilter) ([]recert.Member, string, error)
	Event(ctx context.Context, id string) (recert.Event, error)
	Events(ctx context.Context, f recert.EventFilter) ([]recert.Event, string, error)
	EventAttendance(ctx context.Context, eventID string, p recert.Page) ([]recert.Attendance, string, error)
	EventAttendees(ctx context.Context, eventID string) (map[string]ledger.MemberRef, error)
	Attendance(ctx context.Context, id string) (recert.Attendance, error)
	RevokeAttendance(ctx context.Context, id, reason, actor string) (recert.Attendance, error)
	Credits(ctx context.Context, f recert.CreditFilter) ([]recert.Credit, error)
}
