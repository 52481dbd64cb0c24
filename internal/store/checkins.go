package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type checkInRow struct {
	ID         string `gorm:"primaryKey"`
	EventID    string
	SessionID  string
	MemberID   string
	Direction  string
	Method     string
	ClientID   *string
	RecordedBy string
	DeviceTime *time.Time
	ReceivedAt time.Time
	Offline    bool
	ClockFlag  bool
	VoidedAt   *time.Time
	VoidedBy   string
	VoidReason string
}

func (checkInRow) TableName() string { return "check_ins" }

func checkInToRow(c recert.CheckIn) checkInRow {
	r := checkInRow{ID: c.ID, EventID: c.EventID, SessionID: c.SessionID, MemberID: c.MemberID,
		Direction: c.Direction, Method: c.Method, RecordedBy: c.RecordedBy, DeviceTime: utcPtr(c.DeviceTime),
		ReceivedAt: c.ReceivedAt.UTC(), Offline: c.Offline, ClockFlag: c.ClockFlag,
		VoidedAt: utcPtr(c.VoidedAt), VoidedBy: c.VoidedBy, VoidReason: c.VoidReason}
	if c.ClientID != "" {
		r.ClientID = &c.ClientID
	}
	return r
}

func (r checkInRow) checkIn() recert.CheckIn {
	c := recert.CheckIn{ID: r.ID, EventID: r.EventID, SessionID: r.SessionID, MemberID: r.MemberID,
		Direction: r.Direction, Method: r.Method, RecordedBy: r.RecordedBy, DeviceTime: utcPtr(r.DeviceTime),
		ReceivedAt: r.ReceivedAt.UTC(), Offline: r.Offline, ClockFlag: r.ClockFlag,
		VoidedAt: utcPtr(r.VoidedAt), VoidedBy: r.VoidedBy, VoidReason: r.VoidReason}
	if r.ClientID != nil {
		c.ClientID = *r.ClientID
	}
	return c
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// AddCheckIn stores a check-in (its ID, when empty, and ReceivedAt, when zero, filled in). A
// check-in whose ClientID the event already holds is not stored again: the stored one is
// returned with duplicate true, so a resent batch changes nothing.
func (s *Store) AddCheckIn(ctx context.Context, c recert.CheckIn) (stored recert.CheckIn, duplicate bool, err error) {
	if c.ID == "" {
		c.ID = recert.NewID(recert.PrefixCheckIn)
	}
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = s.now()
	}
	row := checkInToRow(c)
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return recert.CheckIn{}, false, TranslateError(res.Error, "check-in")
	}
	if res.RowsAffected == 1 {
		return row.checkIn(), false, nil
	}
	var existing checkInRow
	if err := s.conn(ctx).Take(&existing, "event_id = ? AND client_id = ?", c.EventID, c.ClientID).Error; err != nil {
		return recert.CheckIn{}, false, TranslateError(err, "check-in")
	}
	return existing.checkIn(), true, nil
}

// CheckIn returns one check-in of an event.
func (s *Store) CheckIn(ctx context.Context, eventID, id string) (recert.CheckIn, error) {
	var row checkInRow
	err := s.conn(ctx).Take(&row, "event_id = ? AND id = ?", eventID, id).Error
	return row.checkIn(), TranslateError(err, "check-in")
}

// CheckInFilter narrows an event's check-ins; zero fields do not filter.
type CheckInFilter struct {
	SessionID   string
	MemberID    string
	WithVoided  bool
	ReceivedGTE time.Time
}

// EventCheckIns returns an event's check-ins in the order they happened (device time when
// known), voided ones only when asked.
func (s *Store) EventCheckIns(ctx context.Context, eventID string, f CheckInFilter) ([]recert.CheckIn, error) {
	q := s.conn(ctx).Where("event_id = ?", eventID)
	if f.SessionID != "" {
		q = q.Where("session_id = ?", f.SessionID)
	}
	if f.MemberID != "" {
		q = q.Where("member_id = ?", f.MemberID)
	}
	if !f.WithVoided {
		q = q.Where("voided_at IS NULL")
	}
	if !f.ReceivedGTE.IsZero() {
		q = q.Where("received_at >= ?", f.ReceivedGTE.UTC())
	}
	var rows []checkInRow
	if err := q.Order("COALESCE(device_time, received_at), id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "check-ins")
	}
	out := make([]recert.CheckIn, len(rows))
	for i, r := range rows {
		out[i] = r.checkIn()
	}
	return out, nil
}

// VoidCheckIn marks a check-in voided with a reason; it stays as history. Voiding a voided
// check-in is a conflict.
func (s *Store) VoidCheckIn(ctx context.Context, eventID, id, by, reason string) (recert.CheckIn, error) {
	res := s.conn(ctx).Model(&checkInRow{}).Where("event_id = ? AND id = ? AND voided_at IS NULL", eventID, id).
		Updates(map[string]any{"voided_at": s.now(), "voided_by": by, "void_reason": reason})
	if res.Error != nil {
		return recert.CheckIn{}, TranslateError(res.Error, "check-in")
	}
	c, err := s.CheckIn(ctx, eventID, id)
	if err == nil && res.RowsAffected == 0 {
		return c, &recert.Error{Code: recert.ECONFLICT, Message: "the check-in is already voided"}
	}
	return c, err
}

// CheckInTokenVersion returns a member's current check-in token version.
func (s *Store) CheckInTokenVersion(ctx context.Context, memberID string) (int, error) {
	var v int
	err := s.conn(ctx).Table("members").Select("checkin_token_version").Where("id = ?", memberID).Scan(&v).Error
	if err == nil && v == 0 {
		return 0, &recert.Error{Code: recert.ENOTFOUND, Message: "member not found"}
	}
	return v, TranslateError(err, "member")
}

// BumpCheckInTokenVersion revokes a member's check-in code: codes signed with an earlier
// version stop working, without touching anyone else's.
func (s *Store) BumpCheckInTokenVersion(ctx context.Context, memberID string) (int, error) {
	res := s.conn(ctx).Table("members").Where("id = ?", memberID).
		Update("checkin_token_version", gorm.Expr("checkin_token_version + 1"))
	if res.Error != nil {
		return 0, TranslateError(res.Error, "member")
	}
	return s.CheckInTokenVersion(ctx, memberID)
}
