package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/recert-dev/recert/internal/recert"
)

type disputeRow struct {
	ID               string `gorm:"primaryKey"`
	EventID          string
	MemberID         string
	AttendanceID     *string
	Kind             string
	SessionIDs       string
	CEUs             *recert.Units `gorm:"column:ceus"`
	Message          string
	Status           string
	ResolutionReason *string
	ResolvedAt       *time.Time
	ResolvedBy       *string
	CreatedAt        time.Time
	CreatedBy        string
}

func (disputeRow) TableName() string { return "disputes" }

func (r disputeRow) dispute() recert.Dispute {
	d := recert.Dispute{ID: r.ID, EventID: r.EventID, MemberID: r.MemberID, AttendanceID: deref(r.AttendanceID), Kind: r.Kind,
		SessionIDs: strings.Fields(r.SessionIDs), CEUs: r.CEUs, Message: r.Message, Status: r.Status,
		ResolutionReason: deref(r.ResolutionReason), ResolvedBy: deref(r.ResolvedBy), CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy}
	if r.ResolvedAt != nil {
		d.ResolvedAt = r.ResolvedAt.UTC()
	}
	return d
}

// CreateDispute files a dispute; one about existing attendance also enters its history.
func (s *Store) CreateDispute(ctx context.Context, d recert.Dispute, actor string) (recert.Dispute, error) {
	now := s.now()
	row := disputeRow{ID: recert.NewID(recert.PrefixDispute), EventID: d.EventID, MemberID: d.MemberID,
		AttendanceID: nullable(d.AttendanceID), Kind: d.Kind, SessionIDs: strings.Join(d.SessionIDs, " "), CEUs: d.CEUs,
		Message: d.Message, Status: "open", CreatedAt: now, CreatedBy: actor}
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return TranslateError(err, "dispute")
		}
		return s.noteAttendance(tx, d.AttendanceID, "disputed", d.Message, actor, now)
	})
	if err != nil {
		return recert.Dispute{}, err
	}
	return row.dispute(), nil
}

// noteAttendance appends a step that changes nothing to an attendance's history.
func (s *Store) noteAttendance(tx *gorm.DB, attendanceID, action, reason, actor string, at time.Time) error {
	if attendanceID == "" {
		return nil
	}
	a, _, err := s.lockAttendance(tx, attendanceID)
	if err != nil {
		return err
	}
	h := historyEntry(&a, a, action, reason, actor, at)
	source := recert.SourceNote
	if action == "dispute_accepted" || action == "dispute_rejected" {
		source = recert.SourceDispute // a decision a re-posted roster keeps
	}
	h.Source = &source
	return TranslateError(tx.Create(&h).Error, "attendance history")
}

// Dispute returns one dispute.
func (s *Store) Dispute(ctx context.Context, id string) (recert.Dispute, error) {
	var row disputeRow
	if err := s.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return recert.Dispute{}, TranslateError(err, "dispute "+id)
	}
	return row.dispute(), nil
}

// EventDisputes lists an event's disputes, oldest first.
func (s *Store) EventDisputes(ctx context.Context, eventID string) ([]recert.Dispute, error) {
	var rows []disputeRow
	if err := s.conn(ctx).Where("event_id = ?", eventID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "disputes")
	}
	out := make([]recert.Dispute, len(rows))
	for i, r := range rows {
		out[i] = r.dispute()
	}
	return out, nil
}

// ResolveDispute records the decision on an open dispute and the attendance it concerns
// (created or corrected when accepted), and enters the decision in that attendance's history.
func (s *Store) ResolveDispute(ctx context.Context, id, status, reason, attendanceID, actor string) (recert.Dispute, error) {
	now := s.now()
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&disputeRow{}).Where("id = ? AND status = 'open'", id).Updates(map[string]any{
			"status": status, "resolution_reason": nullable(reason), "resolved_at": now, "resolved_by": actor,
			"attendance_id": gorm.Expr("COALESCE(attendance_id, ?)", nullable(attendanceID))})
		if res.Error != nil {
			return TranslateError(res.Error, "dispute")
		}
		if res.RowsAffected == 0 {
			return recert.Errorf(recert.ECONFLICT, "dispute %s is already resolved", id)
		}
		return s.noteAttendance(tx, attendanceID, "dispute_"+status, reason, actor, now)
	})
	if err != nil {
		return recert.Dispute{}, err
	}
	return s.Dispute(ctx, id)
}

// AttendanceOf finds a member's attendance at an event, revoked or not.
func (s *Store) AttendanceOf(ctx context.Context, eventID, memberID string) (recert.Attendance, bool, error) {
	var ids []string
	if err := s.conn(ctx).Table("attendance").Where("event_id = ? AND member_id = ?", eventID, memberID).Pluck("id", &ids).Error; err != nil {
		return recert.Attendance{}, false, TranslateError(err, "attendance")
	}
	if len(ids) == 0 {
		return recert.Attendance{}, false, nil
	}
	a, err := s.Attendance(ctx, ids[0])
	return a, err == nil, err
}
