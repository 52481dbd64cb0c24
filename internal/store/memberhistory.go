package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type memberHistoryRow struct {
	MemberID  string `gorm:"primaryKey"`
	Version   int    `gorm:"primaryKey"`
	ChangedAt time.Time
	ChangedBy string
	Changes   string
}

func (memberHistoryRow) TableName() string { return "member_history" }

// writeMemberHistory records a change to the member's record, in the change's transaction;
// a save that changed no field records nothing.
func writeMemberHistory(tx *gorm.DB, m recert.Member, fields []recert.FieldChange) error {
	if len(fields) == 0 {
		return nil
	}
	changes, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	row := memberHistoryRow{MemberID: m.ID, Version: m.Version, ChangedAt: m.UpdatedAt, ChangedBy: m.UpdatedBy, Changes: string(changes)}
	return TranslateError(tx.Create(&row).Error, "member history")
}

// MemberHistory is the member record's changes, newest first, at most limit of them.
func (s *Store) MemberHistory(ctx context.Context, memberID string, limit int) ([]recert.RecordChange, error) {
	var rows []memberHistoryRow
	err := s.conn(ctx).Where("member_id = ?", memberID).Order("version DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "member history")
	}
	out := make([]recert.RecordChange, len(rows))
	for i, r := range rows {
		out[i] = recert.RecordChange{Version: r.Version, At: r.ChangedAt, By: r.ChangedBy}
		if err := json.Unmarshal([]byte(r.Changes), &out[i].Fields); err != nil {
			return nil, err
		}
	}
	return out, nil
}
