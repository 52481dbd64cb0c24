package store

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

type leaveRow struct {
	ID        string `gorm:"primaryKey"`
	MemberID  string
	Type      string
	StartDate date
	EndDate   date
	Approved  int
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	UpdatedBy string
}

func (leaveRow) TableName() string { return "leave_periods" }

func (r leaveRow) leave() recert.Leave {
	return recert.Leave{ID: r.ID, MemberID: r.MemberID, Type: r.Type, Start: r.StartDate.day(), End: r.EndDate.day(), Approved: r.Approved == 1,
		Audit: recert.Audit{CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy}}
}

// CreateLeave records a leave period, not yet approved.
func (s *Store) CreateLeave(ctx context.Context, l recert.Leave, actor string) (recert.Leave, error) {
	now := s.now()
	row := leaveRow{ID: recert.NewID(recert.PrefixLeave), MemberID: l.MemberID, Type: l.Type, StartDate: date(l.Start), EndDate: date(l.End),
		CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		return recert.Leave{}, TranslateError(err, "leave period")
	}
	return row.leave(), nil
}

// LeavePeriods lists a member's leave, oldest first.
func (s *Store) LeavePeriods(ctx context.Context, memberID string) ([]recert.Leave, error) {
	var rows []leaveRow
	if err := s.conn(ctx).Where("member_id = ?", memberID).Order("start_date, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "leave periods")
	}
	out := make([]recert.Leave, len(rows))
	for i, r := range rows {
		out[i] = r.leave()
	}
	return out, nil
}

// LeavePeriod returns one leave period.
func (s *Store) LeavePeriod(ctx context.Context, id string) (recert.Leave, error) {
	var row leaveRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.Leave{}, TranslateError(err, "leave period "+id)
	}
	return row.leave(), nil
}

// SetLeaveApproval records whether the leave was approved.
func (s *Store) SetLeaveApproval(ctx context.Context, id string, approved bool, actor string) (recert.Leave, error) {
	flag := 0
	if approved {
		flag = 1
	}
	res := s.conn(ctx).Model(&leaveRow{}).Where("id = ?", id).
		Updates(map[string]any{"approved": flag, "updated_at": s.now(), "updated_by": actor})
	if res.Error != nil {
		return recert.Leave{}, TranslateError(res.Error, "leave period")
	}
	return s.LeavePeriod(ctx, id)
}

// PendingLeave lists the leave periods no one has decided on yet (never changed since they
// were recorded, and not approved), by id, a page at a time.
func (s *Store) PendingLeave(ctx context.Context, p Page) ([]recert.Leave, string, error) {
	var rows []leaveRow
	q := s.conn(ctx).Where("approved = 0 AND updated_at = created_at AND updated_by = created_by").Order("id").Limit(p.Limit + 1)
	if p.After != "" {
		q = q.Where("id > ?", p.After)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", TranslateError(err, "leave periods")
	}
	out := make([]recert.Leave, len(rows))
	for i, r := range rows {
		out[i] = r.leave()
	}
	out, next := cut(out, p.Limit, func(l recert.Leave) string { return l.ID })
	return out, next, nil
}
