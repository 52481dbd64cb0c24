package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type evidenceRow struct {
	ID           string `gorm:"primaryKey"`
	MemberID     string
	ActivityID   *string
	AttendanceID *string
	ContentType  string
	Size         int
	SHA256       string `gorm:"column:sha256"`
	Data         []byte
	CreatedAt    time.Time
	CreatedBy    string
}

func (evidenceRow) TableName() string { return "evidence" }

func (r evidenceRow) evidence() recert.Evidence {
	return recert.Evidence{ID: r.ID, MemberID: r.MemberID, ActivityID: deref(r.ActivityID), AttendanceID: deref(r.AttendanceID), ContentType: r.ContentType,
		Size: r.Size, SHA256: r.SHA256, Data: r.Data,
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.CreatedAt.UTC(), UpdatedBy: r.CreatedBy}}
}

// AddEvidence stores a document for an activity or an attendance; an activity's
// documentation becomes attached (unless an administrator already verified it), in the same
// transaction.
func (s *Store) AddEvidence(ctx context.Context, e recert.Evidence, actor string) (recert.Evidence, error) {
	now := s.now()
	row := evidenceRow{ID: recert.NewID(recert.PrefixEvidence), MemberID: e.MemberID, ActivityID: nullable(e.ActivityID),
		AttendanceID: nullable(e.AttendanceID),
		ContentType:  e.ContentType, Size: len(e.Data), SHA256: e.SHA256, Data: e.Data, CreatedAt: now, CreatedBy: actor}
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil || e.ActivityID == "" {
			return TranslateError(err, "evidence")
		}
		return TranslateError(tx.Model(&activityRow{}).Where("id = ? AND documentation_status = 'none'", e.ActivityID).
			Updates(map[string]any{"documentation_status": "attached", "updated_at": now, "updated_by": actor}).Error, "activity")
	})
	if err != nil {
		return recert.Evidence{}, err
	}
	row.Data = nil
	return row.evidence(), nil
}

// Evidence returns a stored document with its bytes.
func (s *Store) Evidence(ctx context.Context, id string) (recert.Evidence, error) {
	var row evidenceRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.Evidence{}, TranslateError(err, "evidence "+id)
	}
	return row.evidence(), nil
}

// MemberEvidence lists a member's documents, oldest first, without their content: read each
// with Evidence when it is needed, so that listing many keeps memory flat.
func (s *Store) MemberEvidence(ctx context.Context, memberID string) ([]recert.Evidence, error) {
	var rows []evidenceRow
	err := s.conn(ctx).Omit("data").Where("member_id = ?", memberID).Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "evidence")
	}
	out := make([]recert.Evidence, len(rows))
	for i, r := range rows {
		out[i] = r.evidence()
	}
	return out, nil
}
