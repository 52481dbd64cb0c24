package store

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

type volunteerRow struct {
	ID          string `gorm:"primaryKey"`
	EventID     string
	Name        string
	InviteHash  []byte
	SessionHash []byte
	ExpiresAt   time.Time
	ClaimedAt   *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
	CreatedBy   string
}

func (volunteerRow) TableName() string { return "volunteers" }

func (r volunteerRow) volunteer() recert.Volunteer {
	return recert.Volunteer{ID: r.ID, EventID: r.EventID, Name: r.Name, ExpiresAt: r.ExpiresAt.UTC(), ClaimedAt: utcPtr(r.ClaimedAt),
		RevokedAt: utcPtr(r.RevokedAt), CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy}
}

// CreateVolunteer stores a volunteer's invitation, its token by hash.
func (s *Store) CreateVolunteer(ctx context.Context, v recert.Volunteer, inviteHash []byte) (recert.Volunteer, error) {
	v.ID, v.CreatedAt = recert.NewID(recert.PrefixVolunteer), s.now()
	row := volunteerRow{ID: v.ID, EventID: v.EventID, Name: v.Name, InviteHash: inviteHash, ExpiresAt: v.ExpiresAt.UTC(),
		CreatedAt: v.CreatedAt, CreatedBy: v.CreatedBy}
	return row.volunteer(), TranslateError(s.conn(ctx).Create(&row).Error, "volunteer")
}

// ClaimVolunteer spends an invitation: the first use binds the volunteer's scanner session
// (by hash); a used, revoked or expired invitation is not found.
func (s *Store) ClaimVolunteer(ctx context.Context, inviteHash, sessionHash []byte) (recert.Volunteer, error) {
	now := s.now()
	res := s.conn(ctx).Model(&volunteerRow{}).
		Where("invite_hash = ? AND claimed_at IS NULL AND revoked_at IS NULL AND expires_at > ?", inviteHash, now).
		Updates(map[string]any{"claimed_at": now, "session_hash": sessionHash})
	if res.Error != nil {
		return recert.Volunteer{}, TranslateError(res.Error, "volunteer")
	}
	if res.RowsAffected == 0 {
		return recert.Volunteer{}, &recert.Error{Code: recert.ENOTFOUND, Message: "the invitation link is used, withdrawn or expired: ask the organizer for a new one"}
	}
	var row volunteerRow
	err := s.conn(ctx).Take(&row, "invite_hash = ?", inviteHash).Error
	return row.volunteer(), TranslateError(err, "volunteer")
}

// VolunteerBySession is the volunteer whose scanner session has the hash, while it lasts.
func (s *Store) VolunteerBySession(ctx context.Context, sessionHash []byte) (recert.Volunteer, error) {
	var row volunteerRow
	err := s.conn(ctx).Take(&row, "session_hash = ? AND revoked_at IS NULL AND expires_at > ?", sessionHash, s.now()).Error
	return row.volunteer(), TranslateError(err, "volunteer")
}

// EventVolunteers lists an event's volunteers, newest first.
func (s *Store) EventVolunteers(ctx context.Context, eventID string) ([]recert.Volunteer, error) {
	var rows []volunteerRow
	if err := s.conn(ctx).Where("event_id = ?", eventID).Order("created_at DESC, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "volunteers")
	}
	out := make([]recert.Volunteer, len(rows))
	for i, r := range rows {
		out[i] = r.volunteer()
	}
	return out, nil
}

// RevokeVolunteer ends a volunteer's invitation and session at once.
func (s *Store) RevokeVolunteer(ctx context.Context, eventID, id string) error {
	res := s.conn(ctx).Model(&volunteerRow{}).Where("event_id = ? AND id = ? AND revoked_at IS NULL", eventID, id).Update("revoked_at", s.now())
	if res.Error == nil && res.RowsAffected == 0 {
		return &recert.Error{Code: recert.ENOTFOUND, Message: "no such volunteer"}
	}
	return TranslateError(res.Error, "volunteer")
}
