package store

import (
	"context"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

type participantIntervalRow struct {
	ID         string `gorm:"primaryKey"`
	ReportID   string
	EventID    string
	SessionID  string
	MemberID   *string
	Email      string
	Name       string
	JoinedAt   time.Time
	LeftAt     time.Time
	ImportedAt time.Time
	ImportedBy string
}

func (participantIntervalRow) TableName() string { return "participant_intervals" }

// AddParticipantIntervals stores the lines of one participants report.
func (s *Store) AddParticipantIntervals(ctx context.Context, in []recert.ParticipantInterval) error {
	if len(in) == 0 {
		return nil
	}
	rows := make([]participantIntervalRow, len(in))
	for i, p := range in {
		rows[i] = participantIntervalRow{ID: p.ID, ReportID: p.ReportID, EventID: p.EventID, SessionID: p.SessionID,
			Email: p.Email, Name: p.Name, JoinedAt: p.Start.UTC(), LeftAt: p.End.UTC(), ImportedAt: p.ImportedAt.UTC(), ImportedBy: p.ImportedBy}
		if rows[i].ID == "" {
			rows[i].ID = recert.NewID(recert.PrefixParticipantInterval)
		}
		if p.MemberID != "" {
			rows[i].MemberID = &p.MemberID
		}
	}
	return TranslateError(s.conn(ctx).CreateInBatches(rows, 200).Error, "participants report")
}

// EventParticipantIntervals returns an event's participant intervals, of one member when
// memberID is given; unmatched lines are returned only for the whole event.
func (s *Store) EventParticipantIntervals(ctx context.Context, eventID, memberID string) ([]recert.ParticipantInterval, error) {
	q := s.conn(ctx).Where("event_id = ?", eventID)
	if memberID != "" {
		q = q.Where("member_id = ?", memberID)
	}
	var rows []participantIntervalRow
	if err := q.Order("joined_at, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err, "participants report")
	}
	out := make([]recert.ParticipantInterval, len(rows))
	for i, r := range rows {
		out[i] = recert.ParticipantInterval{ID: r.ID, ReportID: r.ReportID, EventID: r.EventID, SessionID: r.SessionID,
			Email: r.Email, Name: r.Name, Interval: recert.Interval{Start: r.JoinedAt.UTC(), End: r.LeftAt.UTC()},
			ImportedAt: r.ImportedAt.UTC(), ImportedBy: r.ImportedBy}
		if r.MemberID != nil {
			out[i].MemberID = *r.MemberID
		}
	}
	return out, nil
}

// ActiveCheckIns returns an event's check-ins that are not voided, in the order they happened.
func (s *Store) ActiveCheckIns(ctx context.Context, eventID string) ([]recert.CheckIn, error) {
	return s.EventCheckIns(ctx, eventID, CheckInFilter{})
}

// CheckInsOf returns an event's check-ins, voided included, of one session and one member
// when given.
func (s *Store) CheckInsOf(ctx context.Context, eventID, sessionID, memberID string) ([]recert.CheckIn, error) {
	return s.EventCheckIns(ctx, eventID, CheckInFilter{SessionID: sessionID, MemberID: memberID, WithVoided: true})
}
