package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type resetRow struct {
	TokenHash []byte `gorm:"primaryKey"`
	UserID    string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (resetRow) TableName() string { return "password_resets" }

// CreatePasswordReset stores a reset token (by hash) for the user, voiding earlier ones.
func (s *Store) CreatePasswordReset(ctx context.Context, userID string, hash []byte, expiresAt time.Time) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND used_at IS NULL", userID).Delete(&resetRow{}).Error; err != nil {
			return TranslateError(err, "password resets")
		}
		row := resetRow{TokenHash: hash, UserID: userID, ExpiresAt: expiresAt, CreatedAt: s.now()}
		return TranslateError(tx.Create(&row).Error, "password reset")
	})
}

// SpendPasswordReset marks the reset token with hash used and returns its user; a token that
// is unknown, used or expired is EINVALID.
func (s *Store) SpendPasswordReset(ctx context.Context, hash []byte) (string, error) {
	var row resetRow
	err := s.spendToken(ctx, &row, hash, recert.Errorf(recert.EINVALID, "the reset token is invalid, used or expired"), "password reset")
	return row.UserID, err
}

// spendToken reads into row the unused, unexpired one-time token with hash from row's table
// and marks it used, in one transaction, so that a token is spent once however many try;
// invalid when there is none.
func (s *Store) spendToken(ctx context.Context, row any, hash []byte, invalid error, what string) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Take(row, "token_hash = ? AND used_at IS NULL AND expires_at > ?", hash, now).Error; err != nil {
			if recert.ErrorCode(TranslateError(err, "")) == recert.ENOTFOUND {
				return invalid
			}
			return TranslateError(err, what)
		}
		res := tx.Model(row).Where("token_hash = ? AND used_at IS NULL", hash).Update("used_at", now)
		if res.Error != nil {
			return TranslateError(res.Error, what)
		}
		if res.RowsAffected == 0 {
			return invalid
		}
		return nil
	})
}

// PasswordResetUsable reports, without spending it, whether the reset token with hash can
// still set a password (known, unused, unexpired).
func (s *Store) PasswordResetUsable(ctx context.Context, hash []byte) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&resetRow{}).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hash, s.now()).Count(&n).Error
	return n > 0, TranslateError(err, "password reset")
}
