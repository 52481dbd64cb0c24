package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type credentialRow struct {
	ID                string `gorm:"primaryKey"`
	AttendanceID      string
	AttendanceVersion int
	IssuedAt          time.Time
}

func (credentialRow) TableName() string { return "credentials" }

func (r credentialRow) credential() recert.Credential {
	return recert.Credential{ID: r.ID, AttendanceID: r.AttendanceID, AttendanceVersion: r.AttendanceVersion, IssuedAt: r.IssuedAt.UTC()}
}

// Credential returns the credential id, or an ENOTFOUND error.
func (s *Store) Credential(ctx context.Context, id string) (recert.Credential, error) {
	var row credentialRow
	if err := s.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return recert.Credential{}, TranslateError(err, "credential")
	}
	return row.credential(), nil
}

// CredentialFor returns the credential issued for the given version of an attendance, or
// an ENOTFOUND error when none was.
func (s *Store) CredentialFor(ctx context.Context, attendanceID string, version int) (recert.Credential, error) {
	var row credentialRow
	if err := s.conn(ctx).Where("attendance_id = ? AND attendance_version = ?", attendanceID, version).Take(&row).Error; err != nil {
		return recert.Credential{}, TranslateError(err, "credential")
	}
	return row.credential(), nil
}

// IssueCredential records a credential for the version of the attendance, with a new id and
// the store's clock, unless one was already issued for that version: then that one is
// returned, so two requests at once issue one credential.
func (s *Store) IssueCredential(ctx context.Context, attendanceID string, version int) (recert.Credential, error) {
	row := credentialRow{ID: recert.NewID(recert.PrefixCredential), AttendanceID: attendanceID, AttendanceVersion: version, IssuedAt: s.now()}
	err := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "attendance_id"}, {Name: "attendance_version"}}, DoNothing: true}).
		Create(&row).Error
	if err != nil {
		return recert.Credential{}, TranslateError(err, "credential")
	}
	return s.CredentialFor(onPrimary(ctx), attendanceID, version)
}
