package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type refreshRow struct {
	TokenHash []byte `gorm:"primaryKey"`
	FamilyID  string
	UserID    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
}

func (refreshRow) TableName() string { return "refresh_tokens" }

type claimRow struct {
	TokenHash []byte `gorm:"primaryKey"`
	MemberID  string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
	CreatedBy string
}

func (claimRow) TableName() string { return "claim_tokens" }

// CreateRefreshToken stores a new refresh token (by hash).
func (s *Store) CreateRefreshToken(ctx context.Context, t recert.RefreshToken) error {
	row := refreshRow{TokenHash: t.Hash, FamilyID: t.FamilyID, UserID: t.UserID, IssuedAt: t.IssuedAt, ExpiresAt: t.ExpiresAt}
	return TranslateError(s.conn(ctx).Create(&row).Error, "refresh token")
}

// ExchangeRefreshToken spends the refresh token with hash and stores next in its family.
// A token presented a second time means it was stolen or replayed: its whole family is
// revoked and the exchange fails.
func (s *Store) ExchangeRefreshToken(ctx context.Context, hash []byte, next recert.RefreshToken) (recert.RefreshToken, error) {
	var old refreshRow
	invalid := recert.Errorf(recert.EUNAUTHORIZED, "the refresh token is invalid, expired or revoked")
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Take(&old, "token_hash = ?", hash).Error; err != nil {
			if recert.ErrorCode(TranslateError(err, "")) == recert.ENOTFOUND {
				return invalid
			}
			return TranslateError(err, "refresh token")
		}
		// Spend it only if nobody else has: the conditional update is the race's referee.
		res := tx.Model(&refreshRow{}).Where("token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", hash, now).
			Update("used_at", now)
		if res.Error != nil {
			return TranslateError(res.Error, "refresh token")
		}
		if res.RowsAffected == 0 {
			return invalid
		}
		next.FamilyID, next.UserID = old.FamilyID, old.UserID
		row := refreshRow{TokenHash: next.Hash, FamilyID: next.FamilyID, UserID: next.UserID, IssuedAt: next.IssuedAt, ExpiresAt: next.ExpiresAt}
		return TranslateError(tx.Create(&row).Error, "refresh token")
	})
	if err != nil {
		if old.UsedAt != nil && old.RevokedAt == nil {
			// Reuse of a spent token: revoke the family outside the failed transaction.
			_ = s.RevokeRefreshFamily(context.WithoutCancel(ctx), hash)
		}
		return recert.RefreshToken{}, err
	}
	return next, nil
}

// RevokeRefreshFamily revokes the token with hash and every token of its sign-in.
func (s *Store) RevokeRefreshFamily(ctx context.Context, hash []byte) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		family := tx.Model(&refreshRow{}).Select("family_id").Where("token_hash = ?", hash)
		if err := endSignIns(tx.Where("id IN (?)", family), now); err != nil {
			return err
		}
		return TranslateError(tx.Model(&refreshRow{}).
			Where("family_id IN (SELECT family_id FROM refresh_tokens WHERE token_hash = ?) AND revoked_at IS NULL", hash).
			Update("revoked_at", now).Error, "refresh tokens")
	})
}

// revokeUserTokens ends every sign-in of the user and the refresh tokens they issued; with
// ownOnly, the account's own sign-ins only, leaving the grants of apps it approved.
func revokeUserTokens(tx *gorm.DB, userID string, ownOnly bool, now time.Time) error {
	signIns := tx.Where("user_id = ?", userID)
	refresh := tx.Model(&refreshRow{}).Where("user_id = ? AND revoked_at IS NULL", userID)
	if ownOnly {
		signIns = signIns.Where("app_id IS NULL")
		refresh = refresh.Where("family_id NOT IN (SELECT id FROM sign_ins WHERE user_id = ? AND app_id IS NOT NULL)", userID)
	}
	if err := endSignIns(signIns, now); err != nil {
		return err
	}
	return TranslateError(refresh.Update("revoked_at", now).Error, "refresh tokens")
}

// CreateClaimToken stores a claim token (by hash) for an unclaimed member, voiding earlier ones.
func (s *Store) CreateClaimToken(ctx context.Context, memberID string, hash []byte, expiresAt time.Time, actor string) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var claimed int64
		if err := tx.Model(&userRow{}).Where("member_id = ?", memberID).Count(&claimed).Error; err != nil {
			return TranslateError(err, "users")
		}
		if claimed > 0 {
			return recert.Errorf(recert.ECONFLICT, "member %s already has a login", memberID)
		}
		if err := tx.Where("member_id = ? AND used_at IS NULL", memberID).Delete(&claimRow{}).Error; err != nil {
			return TranslateError(err, "claim tokens")
		}
		row := claimRow{TokenHash: hash, MemberID: memberID, ExpiresAt: expiresAt, CreatedAt: s.now(), CreatedBy: actor}
		return TranslateError(tx.Create(&row).Error, "member "+memberID)
	})
}

// CheckClaimToken reports, without using it, whether the claim token with hash can still
// be used: it lets the caller refuse a bad token before any expensive work.
// Read on the primary: a token just spent must be refused.
func (s *Store) CheckClaimToken(ctx context.Context, hash []byte) error {
	ctx = onPrimary(ctx)
	var n int64
	err := s.conn(ctx).Model(&claimRow{}).
		Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hash, s.now()).Count(&n).Error
	if err != nil {
		return TranslateError(err, "claim token")
	}
	if n == 0 {
		return recert.Errorf(recert.EINVALID, "the claim token is invalid, used or expired")
	}
	return nil
}

// ClaimMember spends a claim token and creates the member login u in one transaction.
func (s *Store) ClaimMember(ctx context.Context, hash []byte, u recert.User, passwordHash string) (recert.User, error) {
	var userID string
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		var claim claimRow
		err := tx.Take(&claim, "token_hash = ? AND used_at IS NULL AND expires_at > ?", hash, now).Error
		if recert.ErrorCode(TranslateError(err, "")) == recert.ENOTFOUND {
			return recert.Errorf(recert.EINVALID, "the claim token is invalid, used or expired")
		} else if err != nil {
			return TranslateError(err, "claim token")
		}
		if err := claimAddress(tx, claim.MemberID, u.Email); err != nil {
			return err
		}
		res := tx.Model(&claimRow{}).Where("token_hash = ? AND used_at IS NULL", hash).Update("used_at", now)
		if res.Error != nil || res.RowsAffected == 0 {
			return recert.Errorf(recert.EINVALID, "the claim token is invalid, used or expired")
		}
		row := userRow{
			ID: recert.NewID(recert.PrefixUser), Email: recert.NormalizeEmail(u.Email), Name: u.Name, Role: recert.RoleMember,
			PasswordHash: &passwordHash, MemberID: &claim.MemberID,
			CreatedAt: now, UpdatedAt: now,
		}
		row.CreatedBy, row.UpdatedBy = row.ID, row.ID
		if err := tx.Create(&row).Error; err != nil {
			return TranslateError(err, "a user with this email")
		}
		userID = row.ID
		return nil
	})
	if err != nil {
		return recert.User{}, err
	}
	return s.User(ctx, userID)
}

// claimAddress checks that a claim uses the member's address on record: the one its
// invitation was sent to.
func claimAddress(tx *gorm.DB, memberID, email string) error {
	var onRecord *string
	if err := tx.Table("members").Select("email").Where("id = ?", memberID).Scan(&onRecord).Error; err != nil {
		return TranslateError(err, "member "+memberID)
	}
	if onRecord == nil || recert.NormalizeEmail(*onRecord) != recert.NormalizeEmail(email) {
		return &recert.Error{Code: recert.EINVALID, Message: "claim with the address the invitation was sent to",
			Fields: []recert.FieldError{{Location: "body", Pointer: "#/email", Detail: "not the address the invitation was sent to"}}}
	}
	return nil
}
