package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type calendarRow struct {
	MemberID  string `gorm:"primaryKey"`
	TokenHash []byte
	CreatedAt time.Time
}

func (calendarRow) TableName() string { return "calendar_feeds" }

// SetCalendarFeed gives the member's calendar feed a new secret (by hash); the old one stops
// working.
func (s *Store) SetCalendarFeed(ctx context.Context, memberID string, hash []byte) error {
	row := calendarRow{MemberID: memberID, TokenHash: hash, CreatedAt: s.now()}
	return TranslateError(s.conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error, "calendar feed")
}

// CalendarMember is the member whose calendar feed has the secret with hash.
func (s *Store) CalendarMember(ctx context.Context, hash []byte) (string, error) {
	var row calendarRow
	if err := s.conn(ctx).Take(&row, "token_hash = ?", hash).Error; err != nil {
		if recert.ErrorCode(TranslateError(err, "")) == recert.ENOTFOUND {
			return "", recert.Errorf(recert.ENOTFOUND, "no such calendar")
		}
		return "", TranslateError(err, "calendar feed")
	}
	return row.MemberID, nil
}
