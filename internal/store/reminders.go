package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/recert-dev/recert/internal/recert"
)

type preferenceRow struct {
	UserID            string `gorm:"primaryKey"`
	DeadlineReminders bool
	UpdatedAt         time.Time
}

func (preferenceRow) TableName() string { return "notification_preferences" }

// DeadlineReminders reports whether the user wants deadline reminders (yes, unless they
// turned them off).
func (s *Store) DeadlineReminders(ctx context.Context, userID string) (bool, error) {
	var rows []preferenceRow
	if err := s.conn(ctx).Where("user_id = ?", userID).Find(&rows).Error; err != nil {
		return false, TranslateError(err, "preferences")
	}
	return len(rows) == 0 || rows[0].DeadlineReminders, nil
}

// SetDeadlineReminders turns the user's deadline reminders on or off.
func (s *Store) SetDeadlineReminders(ctx context.Context, userID string, on bool) error {
	row := preferenceRow{UserID: userID, DeadlineReminders: on, UpdatedAt: s.now()}
	return TranslateError(s.conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error, "preferences")
}

// ReminderRecipients are the members' logins that want deadline reminders: enabled
// accounts of a member record, with their member id.
func (s *Store) ReminderRecipients(ctx context.Context) ([]recert.User, error) {
	var rows []userRow
	err := s.conn(ctx).Where("member_id IS NOT NULL AND disabled_at IS NULL").
		Where("NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p.user_id = users.id AND NOT p.deadline_reminders)").
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, TranslateError(err, "users")
	}
	out := make([]recert.User, len(rows))
	for i, r := range rows {
		out[i] = recert.User{ID: r.ID, Email: r.Email, Name: r.Name, Role: r.Role, MemberID: deref(r.MemberID)}
	}
	return out, nil
}

type reminderRow struct {
	MemberID  string `gorm:"primaryKey"`
	ProgramID string `gorm:"primaryKey"`
	PeriodEnd date   `gorm:"primaryKey"`
	Threshold string `gorm:"primaryKey"`
	SentAt    time.Time
}

func (reminderRow) TableName() string { return "reminders_sent" }

// MarkReminder records that the reminder at threshold for the member's program period is
// sent; it reports false when it already was, so each goes once.
func (s *Store) MarkReminder(ctx context.Context, memberID, programID string, periodEnd recert.Date, threshold string) (bool, error) {
	row := reminderRow{MemberID: memberID, ProgramID: programID, PeriodEnd: date(periodEnd), Threshold: threshold, SentAt: s.now()}
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, TranslateError(res.Error, "reminder")
	}
	return res.RowsAffected == 1, nil
}
