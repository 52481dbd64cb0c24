package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type emailChangeRow struct {
	TokenHash []byte `gorm:"primaryKey"`
	UserID    string
	NewEmail  string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (emailChangeRow) TableName() string { return "email_changes" }

// CreateEmailChange stores a request to move the user to a new address (its token by hash),
// voiding the user's earlier requests.
func (s *Store) CreateEmailChange(ctx context.Context, userID, newEmail string, hash []byte, expiresAt time.Time) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND used_at IS NULL", userID).Delete(&emailChangeRow{}).Error; err != nil {
			return TranslateError(err, "e-mail changes")
		}
		row := emailChangeRow{TokenHash: hash, UserID: userID, NewEmail: recert.NormalizeEmail(newEmail), ExpiresAt: expiresAt, CreatedAt: s.now()}
		return TranslateError(tx.Create(&row).Error, "e-mail change")
	})
}

// SpendEmailChange marks the request with the token hash used and returns its user and new
// address; a token that is unknown, used or expired is EINVALID.
func (s *Store) SpendEmailChange(ctx context.Context, hash []byte) (userID, newEmail string, err error) {
	var row emailChangeRow
	invalid := &recert.Error{Code: recert.EINVALID, Message: "the link is invalid, used or expired",
		Fields: []recert.FieldError{{Location: "body", Pointer: "#/token", Detail: "not a usable e-mail change token"}}}
	err = s.spendToken(ctx, &row, hash, invalid, "e-mail change")
	return row.UserID, row.NewEmail, err
}

// EmailChangeUsable returns, without spending it, the new address of a request whose token
// can still be used, or "" when it cannot.
func (s *Store) EmailChangeUsable(ctx context.Context, hash []byte) (string, error) {
	var row emailChangeRow
	err := s.conn(ctx).Take(&row, "token_hash = ? AND used_at IS NULL AND expires_at > ?", hash, s.now()).Error
	if recert.ErrorCode(TranslateError(err, "")) == recert.ENOTFOUND {
		return "", nil
	}
	return row.NewEmail, TranslateError(err, "e-mail change")
}
