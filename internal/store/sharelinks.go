package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type shareLinkRow struct {
	ID           string `gorm:"primaryKey"`
	MemberID     string
	TokenHash    []byte
	Label        string
	ProgramID    string
	ProgramName  string
	PeriodStart  date
	PeriodEnd    date
	CreatedAt    time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
	Views        int
	LastViewedAt *time.Time
}

func (shareLinkRow) TableName() string { return "share_links" }

func (r shareLinkRow) link() recert.ShareLink {
	return recert.ShareLink{ID: r.ID, MemberID: r.MemberID, Label: r.Label, ProgramID: r.ProgramID, ProgramName: r.ProgramName,
		PeriodStart: recert.Date(r.PeriodStart), PeriodEnd: recert.Date(r.PeriodEnd), CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), RevokedAt: utcPtr(r.RevokedAt), Views: r.Views, LastViewedAt: utcPtr(r.LastViewedAt)}
}

// CreateShareLink stores a new share link, known by the hash of its secret.
func (s *Store) CreateShareLink(ctx context.Context, l recert.ShareLink, hash []byte) (recert.ShareLink, error) {
	row := shareLinkRow{ID: l.ID, MemberID: l.MemberID, TokenHash: hash, Label: l.Label, ProgramID: l.ProgramID, ProgramName: l.ProgramName,
		PeriodStart: date(l.PeriodStart), PeriodEnd: date(l.PeriodEnd), CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		return recert.ShareLink{}, TranslateError(err, "share link")
	}
	return row.link(), nil
}

// ShareLinks are the member's links, newest first.
func (s *Store) ShareLinks(ctx context.Context, memberID string) ([]recert.ShareLink, error) {
	var rows []shareLinkRow
	if err := s.conn(ctx).Where("member_id = ?", memberID).Order("created_at DESC, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "share links")
	}
	out := make([]recert.ShareLink, len(rows))
	for i, r := range rows {
		out[i] = r.link()
	}
	return out, nil
}

// ShareLinkByHash is the link whose secret has hash, whatever its status.
func (s *Store) ShareLinkByHash(ctx context.Context, hash []byte) (recert.ShareLink, error) {
	var row shareLinkRow
	if err := s.conn(ctx).Take(&row, "token_hash = ?", hash).Error; err != nil {
		if recert.ErrorCode(TranslateError(err, "")) == recert.ENOTFOUND {
			return recert.ShareLink{}, recert.Errorf(recert.ENOTFOUND, "no such share link")
		}
		return recert.ShareLink{}, TranslateError(err, "share link")
	}
	return row.link(), nil
}

// CountShareView counts one opening of the link at at.
func (s *Store) CountShareView(ctx context.Context, id string, at time.Time) error {
	err := s.conn(ctx).Model(&shareLinkRow{}).Where("id = ?", id).
		Updates(map[string]any{"views": gorm.Expr("views + 1"), "last_viewed_at": at}).Error
	return TranslateError(err, "share link")
}

// RevokeShareLink ends one of the member's links at at; another member's is not found.
// Revoking a revoked link changes nothing.
func (s *Store) RevokeShareLink(ctx context.Context, memberID, id string, at time.Time) error {
	var row shareLinkRow
	if err := s.conn(ctx).Take(&row, "id = ? AND member_id = ?", id, memberID).Error; err != nil {
		if recert.ErrorCode(TranslateError(err, "")) == recert.ENOTFOUND {
			return recert.Errorf(recert.ENOTFOUND, "share link %s not found", id)
		}
		return TranslateError(err, "share link")
	}
	err := s.conn(ctx).Model(&shareLinkRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", at).Error
	return TranslateError(err, "share link")
}

// EndShareLinks revokes every link of the member still standing, at at.
func (s *Store) EndShareLinks(ctx context.Context, memberID string, at time.Time) error {
	err := s.conn(ctx).Model(&shareLinkRow{}).Where("member_id = ? AND revoked_at IS NULL", memberID).Update("revoked_at", at).Error
	return TranslateError(err, "share links")
}

// SetShareLinkExpiry moves when a link stops (administration and tests).
func (s *Store) SetShareLinkExpiry(ctx context.Context, id string, at time.Time) error {
	err := s.conn(ctx).Model(&shareLinkRow{}).Where("id = ?", id).Update("expires_at", at).Error
	return TranslateError(err, "share link")
}
