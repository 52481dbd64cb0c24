package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type registrantRow struct {
	EventID      string `gorm:"primaryKey"`
	MemberID     string `gorm:"primaryKey"`
	RegisteredAt time.Time
	RegisteredBy string
}

func (registrantRow) TableName() string { return "registrants" }

// Register adds members to an event's registrants; those registered already are left as they
// are. It returns how many were added.
func (s *Store) Register(ctx context.Context, eventID string, memberIDs []string, actor string) (int, error) {
	if len(memberIDs) == 0 {
		return 0, nil
	}
	now := s.now()
	rows := make([]registrantRow, len(memberIDs))
	for i, id := range memberIDs {
		rows[i] = registrantRow{EventID: eventID, MemberID: id, RegisteredAt: now, RegisteredBy: actor}
	}
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 500)
	return int(res.RowsAffected), TranslateError(res.Error, "registrant")
}

// Registrants lists an event's registrants in name order.
func (s *Store) Registrants(ctx context.Context, eventID string) ([]recert.Registrant, error) {
	var rows []struct {
		MemberID     string
		Name         string
		RegisteredAt time.Time
		Version      int
	}
	err := s.conn(ctx).Table("registrants r").Select("r.member_id, m.name, r.registered_at, m.checkin_token_version AS version").
		Joins("JOIN members m ON m.id = r.member_id").Where("r.event_id = ?", eventID).
		Order("m.name, r.member_id").Scan(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "registrants")
	}
	out := make([]recert.Registrant, len(rows))
	for i, r := range rows {
		out[i] = recert.Registrant{MemberID: r.MemberID, Name: r.Name, RegisteredAt: r.RegisteredAt.UTC(), CodeVersion: r.Version}
	}
	return out, nil
}

// IsRegistered reports whether the member is registered for the event.
func (s *Store) IsRegistered(ctx context.Context, eventID, memberID string) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&registrantRow{}).Where("event_id = ? AND member_id = ?", eventID, memberID).Count(&n).Error
	return n > 0, TranslateError(err, "registrant")
}

// MeetingInvites lists the registrants with an e-mail address, not yet told, of published
// events starting between from and to: the scan keeps those whose meeting is tomorrow
// where it takes place.
func (s *Store) MeetingInvites(ctx context.Context, from, to recert.Date) ([]recert.MeetingInvite, error) {
	var rows []struct {
		EventID, MemberID, TimeZone string
		StartDate                   date
	}
	err := s.conn(ctx).Table("registrants r").Select("r.event_id, r.member_id, e.time_zone, e.start_date").
		Joins("JOIN events e ON e.id = r.event_id").Joins("JOIN members m ON m.id = r.member_id").
		Where("e.status = ? AND e.start_date BETWEEN ? AND ? AND r.reminded_at IS NULL", recert.EventPublished, date(from), date(to)).
		Where("m.email IS NOT NULL AND m.email <> ''").Order("r.event_id, r.member_id").Scan(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "registrants")
	}
	out := make([]recert.MeetingInvite, len(rows))
	for i, r := range rows {
		out[i] = recert.MeetingInvite{EventID: r.EventID, MemberID: r.MemberID, TimeZone: r.TimeZone, StartDate: recert.Date(r.StartDate)}
	}
	return out, nil
}

// MarkMeetingInvite records that the registrant was told; false if they already were.
func (s *Store) MarkMeetingInvite(ctx context.Context, eventID, memberID string) (bool, error) {
	res := s.conn(ctx).Model(&registrantRow{}).Where("event_id = ? AND member_id = ? AND reminded_at IS NULL", eventID, memberID).
		Update("reminded_at", s.now())
	return res.RowsAffected == 1, TranslateError(res.Error, "registrant")
}
