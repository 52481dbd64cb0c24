package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type signInRow struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	CreatedAt time.Time
	EndedAt   *time.Time
	AppID     *string // the app, for a member's grant to one
	Scopes    *string // what the app may read, space-separated
}

func (signInRow) TableName() string { return "sign_ins" }

// StartSignIn records a sign-in of the user; the tokens and page sessions it issues carry id.
func (s *Store) StartSignIn(ctx context.Context, id, userID string) error {
	row := signInRow{ID: id, UserID: userID, CreatedAt: s.now()}
	return TranslateError(s.conn(ctx).Create(&row).Error, "sign-in")
}

// EndSignIn ends a sign-in, and the refresh tokens it issued: every token and page session
// carrying its id stops working at once. Ending one that has ended, or none, changes nothing.
func (s *Store) EndSignIn(ctx context.Context, id string) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := endSignIns(tx.Where("id = ?", id), now); err != nil {
			return err
		}
		return TranslateError(tx.Model(&refreshRow{}).Where("family_id = ? AND revoked_at IS NULL", id).
			Update("revoked_at", now).Error, "refresh tokens")
	})
}

func endSignIns(q *gorm.DB, now time.Time) error {
	return TranslateError(q.Model(&signInRow{}).Where("ended_at IS NULL").Update("ended_at", now).Error, "sign-ins")
}

// SignedInUser is User, and whether the sign-in sid is live, in the one statement that
// loads the caller on every request: a sign-in that ended, or another user's, is not.
func (s *Store) SignedInUser(ctx context.Context, id, sid string) (recert.User, bool, error) {
	return s.loadUser(ctx, id, sid)
}
